"""SSIM: identity, skimage equivalence (RGB / Y / crop), quantize, small images, mean over images.

skimage's ``structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False)``
filters with reflect padding and then drops the same 5-pixel border (``(win_size - 1) // 2``)
before averaging, so on the kept region both use only interior pixels and agree to float
rounding: the comparison is tight (1e-10).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from mmengine.evaluator import Evaluator
from skimage.color import rgb2ycbcr
from skimage.metrics import structural_similarity

from restorekit.evaluation.metrics import ssim
from restorekit.registry import METRICS
from restorekit.structures import DataSample


def _pair(seed: int = 0, h: int = 48, w: int = 40, noise: float = 0.05):
    rng = np.random.default_rng(seed)
    # smooth-ish content (a ramp plus blobs) so SSIM is far from 0 and from 1
    yy, xx = np.mgrid[0:h, 0:w] / max(h, w)
    base = np.stack([xx, yy, 0.5 * (xx + yy)], axis=-1)
    base = 0.2 + 0.6 * base + 0.1 * np.sin(rng.uniform(5, 15) * base)
    pred = np.clip(base + rng.normal(0, noise, base.shape), 0, 1)
    return pred, base


def _skimage_ssim(a: np.ndarray, b: np.ndarray, channel_axis=None) -> float:
    return structural_similarity(
        a, b, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
        data_range=255, channel_axis=channel_axis,
    )


def _chw(arr: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(arr.transpose(2, 0, 1).copy()).float()


def test_identical_is_one():
    _, gt = _pair()
    assert ssim(gt, gt) == pytest.approx(1.0, abs=1e-12)
    assert ssim(_chw(gt), _chw(gt), convert_to="Y") == pytest.approx(1.0, abs=1e-12)


def test_matches_skimage_rgb():
    pred, gt = _pair(seed=1)
    ref = _skimage_ssim(pred * 255, gt * 255, channel_axis=2)
    value = ssim(pred, gt)
    assert 0.2 < value < 0.99
    assert value == pytest.approx(ref, abs=1e-10)


def test_matches_skimage_y_and_crop():
    pred, gt = _pair(seed=2, noise=0.08)
    y_pred, y_gt = rgb2ycbcr(pred)[..., 0], rgb2ycbcr(gt)[..., 0]
    assert ssim(pred, gt, convert_to="Y") == pytest.approx(_skimage_ssim(y_pred, y_gt), abs=1e-10)
    c = 4
    ref = _skimage_ssim(pred[c:-c, c:-c] * 255, gt[c:-c, c:-c] * 255, channel_axis=2)
    assert ssim(pred, gt, crop_border=c) == pytest.approx(ref, abs=1e-10)


def test_tensor_input_matches_numpy():
    pred, gt = _pair(seed=3)
    pred32, gt32 = _chw(pred), _chw(gt)
    ref = ssim(pred32.numpy().transpose(1, 2, 0), gt32.numpy().transpose(1, 2, 0))
    assert ssim(pred32, gt32) == pytest.approx(ref, abs=1e-12)


def test_quantize_changes_value():
    pred, gt = _pair(seed=4, noise=0.01)
    gt = np.round(gt * 255) / 255
    plain, quant = ssim(pred, gt), ssim(pred, gt, quantize=True)
    ref = _skimage_ssim(np.round(pred * 255), gt * 255, channel_axis=2)
    assert quant == pytest.approx(ref, abs=1e-10)
    assert quant != pytest.approx(plain, abs=1e-6)


def test_too_small_image_raises():
    with pytest.raises(ValueError, match="11x11"):
        ssim(np.zeros((10, 30, 3)), np.zeros((10, 30, 3)))
    with pytest.raises(ValueError, match="11x11"):
        ssim(np.zeros((20, 20, 3)), np.zeros((20, 20, 3)), crop_border=5)


def test_metric_mean_over_images_through_evaluator():
    samples, values = [], []
    for i in range(3):
        pred, gt = _pair(seed=10 + i, noise=0.02 * (i + 1))
        samples.append(DataSample(pred_img=_chw(pred), gt_img=_chw(gt)))
        values.append(ssim(_chw(pred), _chw(gt), convert_to="Y", crop_border=1))
    evaluator = Evaluator([METRICS.build(dict(type="SSIM", convert_to="Y", crop_border=1))])
    evaluator.process(samples)
    out = evaluator.evaluate(3)
    assert out == {"SSIM": pytest.approx(float(np.mean(values)), abs=1e-12)}
