"""PSNRLoss: NAFNet's official formula, per-image averaging, luma option, errors."""

from __future__ import annotations

import math

import pytest
import torch

from restorekit.registry import MODELS


def build(**kwargs):
    return MODELS.build(dict(type="PSNRLoss", **kwargs))


def test_is_minus_the_mean_per_image_psnr():
    target = torch.zeros(2, 3, 4, 4)
    pred = target.clone()
    pred[0] += 0.1  # mse 1e-2 -> 20 dB
    pred[1] += 0.01  # mse 1e-4 -> 40 dB
    loss = build()(pred, target)
    # the official 10 / ln(10) * mean(log(mse + 1e-8)): -(20 + 40) / 2 up to the 1e-8 guard
    expected = 10 / math.log(10) * (math.log(1e-2 + 1e-8) + math.log(1e-4 + 1e-8)) / 2
    assert loss.item() == pytest.approx(expected, rel=1e-6)
    assert loss.item() == pytest.approx(-30.0, abs=1e-3)
    # averaging per-image PSNRs is not the PSNR of the pooled MSE (about -23 dB here)
    pooled = 10 * math.log10((1e-2 + 1e-4) / 2)
    assert abs(loss.item() - pooled) > 5


def test_weight_identical_images_and_gradient_direction():
    target = torch.rand(1, 3, 8, 8)
    assert build(loss_weight=0.5)(target, target).item() == pytest.approx(0.5 * -80.0, abs=1e-3)
    pred = (target + 0.05).requires_grad_()
    build()(pred, target).backward()
    assert (pred.grad > 0).all()  # descending the loss moves pred towards the target


def test_to_y_compares_luma_only():
    target = torch.full((1, 3, 4, 4), 0.5)
    shifted = target.clone()
    # a colour change with zero luma change: +R and a compensating -G
    shifted[:, 0] += 0.1
    shifted[:, 1] -= 0.1 * 65.481 / 128.553
    assert build(to_y=True)(shifted, target).item() == pytest.approx(-80.0, abs=1e-2)
    assert build()(shifted, target).item() > -30


def test_errors():
    with pytest.raises(ValueError, match="reduction='mean'"):
        build(reduction="sum")
    with pytest.raises(ValueError, match="one shape"):
        build()(torch.zeros(1, 3, 4, 4), torch.zeros(1, 3, 4, 5))
    with pytest.raises(ValueError, match="RGB"):
        build(to_y=True)(torch.zeros(1, 1, 4, 4), torch.zeros(1, 1, 4, 4))
