"""Tests of FFTL1Loss (MIMO-UNet frequency L1) against numpy."""

import numpy as np
import pytest
import torch

from restorekit.registry import MODELS


def _numpy_fft_l1(pred, target, norm="backward"):
    fp, ft = np.fft.fft2(pred, norm=norm), np.fft.fft2(target, norm=norm)
    diff = np.stack([fp.real - ft.real, fp.imag - ft.imag], axis=-1)
    return float(np.mean(np.abs(diff)))


@pytest.mark.parametrize("norm", ["backward", "ortho", "forward"])
def test_matches_numpy(norm):
    rng = np.random.default_rng(1)
    pred, target = rng.random((2, 3, 7, 10)), rng.random((2, 3, 7, 10))
    loss = MODELS.build(dict(type="FFTL1Loss", norm=norm))
    value = loss(torch.tensor(pred, dtype=torch.float32), torch.tensor(target, dtype=torch.float32))
    assert value.item() == pytest.approx(_numpy_fft_l1(pred, target, norm), rel=1e-5)


def test_loss_weight_zero_and_gradient():
    torch.manual_seed(0)
    pred = torch.rand(1, 3, 8, 8, requires_grad=True)
    target = torch.rand(1, 3, 8, 8)
    base = MODELS.build(dict(type="FFTL1Loss"))
    scaled = MODELS.build(dict(type="FFTL1Loss", loss_weight=0.1))
    assert base(target, target).item() == 0.0
    value = scaled(pred, target)
    assert value.item() == pytest.approx(0.1 * base(pred, target).item(), rel=1e-6)
    value.backward()
    assert pred.grad is not None and pred.grad.abs().sum() > 0
    with pytest.raises(ValueError, match="norm"):
        MODELS.build(dict(type="FFTL1Loss", norm="none"))
