"""LowPassLoss: a blur of the target is nearly free, a tone / contrast change is not."""

import cv2
import numpy as np
import pytest
import torch

from restorekit.registry import MODELS


@pytest.fixture(scope="module")
def target():
    """(2, 3, 64, 64) piecewise-constant scene with texture, values in [0.1, 0.8]."""
    rng = np.random.default_rng(1)
    imgs = []
    for _ in range(2):
        img = np.full((64, 64, 3), 0.4)
        for _ in range(12):
            y, x = rng.integers(0, 56, 2)
            s = rng.integers(6, 24)
            img[y:y + s, x:x + s] = rng.uniform(0.1, 0.8, 3)
        img += 0.05 * rng.standard_normal((64, 64, 3))
        imgs.append(np.clip(img, 0.1, 0.8).transpose(2, 0, 1))
    return torch.tensor(np.stack(imgs), dtype=torch.float32)


def _blur(t, sigma):
    arr = t.numpy().transpose(0, 2, 3, 1)
    out = np.stack([cv2.GaussianBlur(a, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
                    for a in arr])
    return torch.from_numpy(out.transpose(0, 3, 1, 2).copy())


@pytest.mark.parametrize("cfg", [dict(), dict(mode="gaussian", criterion="charbonnier"),
                                 dict(scale=8)])
def test_blur_is_cheap_tone_and_contrast_are_not(target, cfg):
    loss = MODELS.build(dict(type="LowPassLoss", **cfg))
    l1 = MODELS.build(dict(type="L1Loss"))
    blurred = _blur(target, 1.0)
    gain = target * 1.2
    contrast = (target - target.mean()) * 1.3 + target.mean()
    lb, lg, lc = loss(blurred, target), loss(gain, target), loss(contrast, target)
    floor = 1e-3 if cfg.get("criterion") == "charbonnier" else 0.0  # sqrt(eps^2) = eps
    assert lb - floor < 0.01 and lb - floor < 0.15 * (lg - floor), (lb, lg)
    assert lg > 0.05 and lc > 0.03, (lg, lc)
    # a full-resolution L1 charges the blur much more than the low-pass term does
    assert l1(blurred, target) > 3 * (lb - floor)
    assert loss(target, target).item() == pytest.approx(floor, abs=1e-7)


def test_gradients_flow_and_options(target):
    pred = (target * 1.1).requires_grad_(True)
    loss = MODELS.build(dict(type="LowPassLoss", loss_weight=2.0))
    value = loss(pred, target)
    value.backward()
    assert pred.grad is not None and pred.grad.abs().sum() > 0
    assert value.item() == pytest.approx(
        2 * MODELS.build(dict(type="LowPassLoss"))(pred.detach(), target).item(), rel=1e-6)
    odd = torch.rand(1, 3, 31, 45)  # sizes not divisible by the scale
    assert MODELS.build(dict(type="LowPassLoss", reduction="none"))(odd, odd).shape == (
        1, 3, 8, 12)
    assert MODELS.build(dict(type="LowPassLoss", mode="gaussian", reduction="none"))(
        odd, odd).shape == odd.shape
    for bad in (dict(mode="box"), dict(criterion="l2"), dict(scale=0), dict(reduction="x")):
        with pytest.raises(ValueError):
            MODELS.build(dict(type="LowPassLoss", **bad))
    with pytest.raises(ValueError, match="differ"):
        loss(odd, target)
