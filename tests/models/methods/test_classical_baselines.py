"""Classical baselines: what each filter does to a Gaussian-blurred image, the model contract
(predict / test_step like the GAN methods), parameter buffers in checkpoints, grid fitting."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest
import torch

from restorekit.evaluation.metrics import psnr
from restorekit.models.methods.classical.fit import grid_search
from restorekit.registry import MODELS
from restorekit.structures import DataSample


def sharp_image(seed: int = 0, size: int = 48) -> torch.Tensor:
    """(3, size, size) in [0, 1]: random 4x4-pixel blocks (sharp edges, all frequencies)."""
    rng = np.random.default_rng(seed)
    small = rng.random((size // 4, size // 4, 3)).astype(np.float32)
    big = cv2.resize(small, (size, size), interpolation=cv2.INTER_NEAREST)
    return torch.from_numpy(big).permute(2, 0, 1).contiguous()


def gaussian_blur(img: torch.Tensor, sigma: float, noise: float = 0.0, seed: int = 0):
    """OpenCV's Gaussian blur (independent of restorekit), reflect-101 borders, + noise."""
    k = 2 * math.ceil(3 * sigma) + 1
    arr = img.permute(1, 2, 0).numpy()
    out = cv2.GaussianBlur(arr, (k, k), sigma, borderType=cv2.BORDER_REFLECT_101)
    out = torch.from_numpy(out).permute(2, 0, 1)
    if noise:
        out = out + noise * torch.randn(out.shape, generator=torch.Generator().manual_seed(seed))
    return out.clamp(0, 1)


def build(cfg: dict):
    return MODELS.build(cfg).eval()


def restored_psnr(model, blurry: torch.Tensor, sharp: torch.Tensor) -> float:
    with torch.no_grad():
        return psnr(model(blurry[None])[0].clamp(0, 1), sharp)


def test_wiener_with_the_true_psf_beats_the_blurry_input():
    sharp = sharp_image()
    blurry = gaussian_blur(sharp, 1.5, noise=0.002)
    before = psnr(blurry, sharp)
    wiener = build(dict(type="WienerDeconvolution", sigma=1.5, nsr=0.01))
    after = restored_psnr(wiener, blurry, sharp)
    assert after > before + 3.0, (before, after)
    wrong = build(dict(type="WienerDeconvolution", sigma=3.0, nsr=0.01))
    assert restored_psnr(wrong, blurry, sharp) < after - 3.0  # the PSF matters


def test_wiener_keeps_brightness_and_is_identity_for_a_delta_psf():
    flat = torch.full((1, 3, 20, 24), 0.4)
    wiener = build(dict(type="WienerDeconvolution", sigma=2.0, nsr=1.0))
    assert torch.allclose(wiener(flat), flat, atol=1e-5)  # DC gain 1 (Laplacian prior)
    x = sharp_image(1, 32)[None]
    delta = build(dict(type="WienerDeconvolution", sigma=0.0, nsr=1e-3))
    assert torch.allclose(delta(x), x, atol=1e-3)


def test_identity_returns_the_input_exactly_through_test_step():
    model = build(dict(type="IdentityRestorer"))
    a = (torch.rand(3, 10, 14) * 255).to(torch.uint8)
    b = (torch.rand(3, 12, 9) * 255).to(torch.uint8)
    gts = [(torch.rand(3, *img.shape[-2:]) * 255).to(torch.uint8) for img in (a, b)]
    data = dict(inputs=[a, b], gt=gts, data_samples=[DataSample(), DataSample()])
    out = model.test_step(data)  # the batch is padded to 12x14, predictions are un-padded
    for sample, img, gt in zip(out, (a, b), gts):
        assert torch.equal(sample.pred_img, img.float() / 255)
        assert torch.equal(sample.input_img, img.float() / 255)
        assert torch.equal(sample.gt_img, gt.float() / 255)
    assert model.state_dict() == {}


def high_frequency_energy(img: torch.Tensor) -> float:
    """Energy of the image minus its 5x5 box blur (mean of squares)."""
    low = torch.nn.functional.avg_pool2d(img[None], 5, 1, 2, count_include_pad=False)[0]
    return float(((img - low) ** 2).mean())


def test_unsharp_mask_increases_high_frequency_energy():
    blurry = gaussian_blur(sharp_image(2), 1.0)
    model = build(dict(type="UnsharpMask", sigma=1.0, amount=1.5))
    with torch.no_grad():
        out = model(blurry[None])[0]
    assert high_frequency_energy(out) > 1.5 * high_frequency_energy(blurry)
    zero = build(dict(type="UnsharpMask", sigma=1.0, amount=0.0))
    assert torch.allclose(zero(blurry[None])[0], blurry)


def test_richardson_lucy_iterations_reduce_the_error():
    sharp = sharp_image(3)
    blurry = gaussian_blur(sharp, 1.5)
    errors = []
    for iterations in (0, 5, 30):
        model = build(dict(type="RichardsonLucy", sigma=1.5, iterations=iterations))
        with torch.no_grad():
            errors.append(float(((model(blurry[None])[0] - sharp) ** 2).mean()))
    assert errors[0] == pytest.approx(float(((blurry - sharp) ** 2).mean()), rel=1e-4)
    assert errors[2] < errors[1] < 0.8 * errors[0], errors


def test_grid_search_picks_the_true_sigma():
    pairs = [(gaussian_blur(s, 1.5, noise=0.001, seed=i), s)
             for i, s in enumerate(sharp_image(i, 40) for i in range(3))]
    model = build(dict(type="WienerDeconvolution"))
    result = grid_search(model, pairs, dict(sigma=[0.5, 1.0, 1.5, 2.0, 2.5], nsr=[1e-2]))
    assert result["best"] == {"sigma": 1.5, "nsr": 0.01}
    assert model.get_params() == result["best"]  # left at the best combination
    assert len(result["table"]) == 5 and result["psnr"] > result["input_psnr"] + 3
    with pytest.raises(KeyError, match="amount"):
        grid_search(model, pairs, dict(amount=[1.0]))


@pytest.mark.parametrize("cfg, fitted", [
    (dict(type="WienerDeconvolution"), dict(sigma=2.5, nsr=0.3)),
    (dict(type="UnsharpMask"), dict(sigma=0.5, amount=2.0)),
    (dict(type="RichardsonLucy"), dict(sigma=1.25, iterations=7)),
])
def test_parameters_survive_a_checkpoint_round_trip(tmp_path, cfg, fitted):
    model = build(cfg)
    model.set_params(**fitted)
    path = tmp_path / "ckpt.pth"
    torch.save({"state_dict": model.state_dict(), "meta": {}}, path)
    fresh = build(cfg)
    assert fresh.get_params() != fitted
    fresh.load_state_dict(torch.load(path, weights_only=True)["state_dict"], strict=True)
    assert fresh.get_params() == fitted
    x = torch.rand(1, 3, 16, 16)
    assert torch.equal(fresh(x), model(x))


def test_training_is_refused_with_a_pointer_to_the_fit_tool():
    with pytest.raises(RuntimeError, match="fit_classical"):
        build(dict(type="WienerDeconvolution")).train_step({}, None)
