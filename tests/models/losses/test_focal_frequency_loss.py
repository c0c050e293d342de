"""Tests of FocalFrequencyLoss against an independent numpy computation."""

import numpy as np
import pytest
import torch

from restorekit.registry import MODELS


def _numpy_ffl(pred, target, alpha=1.0, patch_factor=1, ave_spectrum=False, log_matrix=False,
               batch_matrix=False):
    b, c, h, w = pred.shape
    p = patch_factor
    ph, pw = h // p, w // p

    def spectra(x):
        out = np.zeros((b, p * p, c, ph, pw), dtype=np.complex128)
        for i in range(p):
            for j in range(p):
                patch = x[:, :, i * ph:(i + 1) * ph, j * pw:(j + 1) * pw]
                out[:, i * p + j] = np.fft.fft2(patch) / np.sqrt(ph * pw)
        return out

    fp, ft = spectra(pred.astype(np.float64)), spectra(target.astype(np.float64))
    if ave_spectrum:
        fp, ft = fp.mean(0, keepdims=True), ft.mean(0, keepdims=True)
    d = np.abs(fp - ft) ** 2
    wgt = np.sqrt(d) ** alpha
    if log_matrix:
        wgt = np.log(wgt + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        wgt = wgt / (wgt.max() if batch_matrix else wgt.max(axis=(-2, -1), keepdims=True))
    wgt = np.clip(np.nan_to_num(wgt, nan=0.0), 0, 1)
    return float(np.mean(wgt * d))


def _build(**kwargs):
    return MODELS.build(dict(type="FocalFrequencyLoss", **kwargs))


def test_zero_for_identical_and_positive_otherwise():
    x = torch.rand(2, 3, 8, 8)
    loss = _build()
    assert loss(x, x.clone()).item() == 0.0
    assert loss(x, torch.rand(2, 3, 8, 8)).item() > 0


def test_hand_computed_tiny_example():
    pred = np.zeros((1, 1, 2, 2))
    target = np.array([[[[1.0, 0.0], [0.0, 0.0]]]])
    # ortho FFT of a delta = 0.5 everywhere -> d = 0.25, w = 0.5 / 0.5 = 1 -> mean 0.25
    value = _build()(torch.tensor(pred, dtype=torch.float32),
                     torch.tensor(target, dtype=torch.float32))
    assert value.item() == pytest.approx(0.25)
    assert _numpy_ffl(pred, target) == pytest.approx(0.25)


@pytest.mark.parametrize(
    "options",
    [dict(), dict(alpha=2.0), dict(patch_factor=2), dict(ave_spectrum=True),
     dict(log_matrix=True), dict(batch_matrix=True),
     dict(patch_factor=2, log_matrix=True, batch_matrix=True, alpha=0.5)],
)
def test_matches_numpy(options):
    rng = np.random.default_rng(0)
    pred, target = rng.random((2, 3, 8, 12)), rng.random((2, 3, 8, 12))
    value = _build(**options)(torch.tensor(pred, dtype=torch.float32),
                              torch.tensor(target, dtype=torch.float32))
    assert value.item() == pytest.approx(_numpy_ffl(pred, target, **options), rel=1e-4)


def test_loss_weight_gradient_and_errors():
    torch.manual_seed(0)
    pred = torch.rand(1, 3, 6, 6, requires_grad=True)
    target = torch.rand(1, 3, 6, 6)
    base = _build()(pred, target)
    scaled = _build(loss_weight=100.0)(pred, target)
    assert scaled.item() == pytest.approx(100 * base.item(), rel=1e-5)
    scaled.backward()
    assert pred.grad is not None and torch.isfinite(pred.grad).all() and pred.grad.abs().sum() > 0
    with pytest.raises(ValueError, match="6×6"):
        _build(patch_factor=4)(pred, target)
