"""PSNR: closed forms, skimage, Y channel, crop_border, quantize, mean over images, Evaluator."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from mmengine.evaluator import Evaluator
from skimage.color import rgb2ycbcr
from skimage.metrics import peak_signal_noise_ratio

from restorekit.evaluation.metrics import psnr
from restorekit.registry import METRICS
from restorekit.structures import DataSample


def _rand_img(h: int = 32, w: int = 40, seed: int = 0, lo: float = 0.1, hi: float = 0.8):
    rng = np.random.default_rng(seed)
    return rng.uniform(lo, hi, size=(h, w, 3))


def _chw(arr: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(arr.transpose(2, 0, 1).copy()).float()


def test_constant_offset_closed_form():
    gt = _rand_img()
    for k in (1, 3, 10):
        expected = 20 * math.log10(255 / k)
        assert psnr(gt + k / 255, gt) == pytest.approx(expected, abs=1e-9)


def test_matches_skimage_and_tensor_equals_numpy():
    gt = _rand_img(seed=1)
    pred = np.clip(gt + np.random.default_rng(2).normal(0, 0.05, gt.shape), 0, 1)
    ref = peak_signal_noise_ratio(gt * 255, pred * 255, data_range=255)
    assert psnr(pred, gt) == pytest.approx(ref, abs=1e-9)
    # data_range=255 takes [0, 255] inputs directly
    assert psnr(pred * 255, gt * 255, data_range=255) == pytest.approx(ref, abs=1e-9)
    # (3, H, W) float32 tensors: same value up to float32 storage of the inputs
    assert psnr(_chw(pred), _chw(gt)) == pytest.approx(ref, abs=1e-4)


def test_y_channel_against_skimage_rgb2ycbcr():
    gt = _rand_img(seed=3)
    pred = np.clip(gt + np.random.default_rng(4).normal(0, 0.03, gt.shape), 0, 1)
    y_gt, y_pred = rgb2ycbcr(gt)[..., 0], rgb2ycbcr(pred)[..., 0]  # [16, 235] scale
    ref = peak_signal_noise_ratio(y_gt, y_pred, data_range=255)
    assert psnr(pred, gt, convert_to="Y") == pytest.approx(ref, abs=1e-9)
    assert psnr(pred, gt, convert_to="y") == pytest.approx(ref, abs=1e-9)
    assert psnr(pred, gt, convert_to="Y") != pytest.approx(psnr(pred, gt), abs=1e-3)


def test_crop_border():
    gt = _rand_img(seed=5)
    pred = gt.copy()
    pred[:4] += 0.1  # differences only inside a 4-pixel border
    pred[:, -2:] -= 0.05
    assert math.isfinite(psnr(pred, gt, crop_border=3))
    assert psnr(pred, gt, crop_border=4) == math.inf
    noisy = gt + np.random.default_rng(6).normal(0, 0.02, gt.shape)
    ref = peak_signal_noise_ratio(gt[5:-5, 5:-5] * 255, noisy[5:-5, 5:-5] * 255, data_range=255)
    assert psnr(noisy, gt, crop_border=5) == pytest.approx(ref, abs=1e-9)
    with pytest.raises(ValueError, match="crop_border"):
        psnr(noisy, gt, crop_border=16)


def test_quantize_rounds_to_uint8_levels():
    gt = np.random.default_rng(7).integers(0, 256, size=(16, 16, 3)).astype(np.float64) / 255
    pred = gt + 0.3 / 255  # under half a level: rounding removes it
    assert psnr(pred, gt) == pytest.approx(20 * math.log10(255 / 0.3), abs=1e-9)
    assert psnr(pred, gt, quantize=True) == math.inf
    pred = gt + 0.7 / 255  # over half a level (where no clipping): rounds up to one level
    inner = (gt * 255 < 254.5)
    expected_mse = inner.mean()  # error exactly 1 where not clipped at 255, else 0
    expected = 10 * math.log10(255**2 / expected_mse)
    assert psnr(pred, gt, quantize=True) == pytest.approx(expected, abs=1e-9)


def test_shape_mismatch_names_shapes():
    with pytest.raises(ValueError, match=r"\(8, 8, 3\).*\(8, 9, 3\)"):
        psnr(np.zeros((8, 8, 3)), np.zeros((8, 9, 3)))
    with pytest.raises(ValueError, match="convert_to"):
        psnr(np.zeros((8, 8, 3)), np.zeros((8, 8, 3)), convert_to="lab")


def test_metric_mean_over_images_not_pooled_mse():
    gt = _rand_img(seed=8)
    metric = METRICS.build(dict(type="PSNR"))
    samples = [
        {"pred_img": _chw(gt + 1 / 255), "gt_img": _chw(gt)},
        {"pred_img": _chw(gt + 4 / 255), "gt_img": _chw(gt)},
    ]
    metric.process({}, samples)
    out = metric.compute_metrics(metric.results)
    expected = (20 * math.log10(255) + 20 * math.log10(255 / 4)) / 2
    pooled = 10 * math.log10(255**2 / ((1 + 16) / 2))
    assert out["PSNR"] == pytest.approx(expected, abs=1e-3)
    assert abs(out["PSNR"] - pooled) > 1.0


def test_identical_images_inf_and_cap():
    gt = _chw(_rand_img(seed=9))
    samples = [{"pred_img": gt, "gt_img": gt}, {"pred_img": gt + 0.01, "gt_img": gt}]
    metric = METRICS.build(dict(type="PSNR"))
    metric.process({}, samples)
    assert metric.compute_metrics(metric.results)["PSNR"] == math.inf
    capped = METRICS.build(dict(type="PSNR", max_psnr=100.0))
    capped.process({}, samples)
    expected = (100.0 + psnr(gt + 0.01, gt)) / 2
    assert capped.compute_metrics(capped.results)["PSNR"] == pytest.approx(expected)


def test_evaluator_with_datasamples_and_prefix():
    rng = np.random.default_rng(10)
    batch = []
    values = []
    for i in range(3):
        gt = _rand_img(seed=20 + i)
        pred = np.clip(gt + rng.normal(0, 0.02 * (i + 1), gt.shape), 0, 1)
        batch.append(DataSample(pred_img=_chw(pred), gt_img=_chw(gt), metainfo={"key": str(i)}))
        values.append(psnr(_chw(pred), _chw(gt), crop_border=2, convert_to="Y"))
    evaluator = Evaluator(
        [
            METRICS.build(dict(type="PSNR", crop_border=2, convert_to="Y", prefix="GoPro")),
            METRICS.build(dict(type="SSIM", prefix="GoPro")),
        ]
    )
    evaluator.process(batch[:2])
    evaluator.process(batch[2:])
    out = evaluator.evaluate(3)
    assert set(out) == {"GoPro/PSNR", "GoPro/SSIM"}
    assert out["GoPro/PSNR"] == pytest.approx(np.mean(values), abs=1e-9)
    assert 0 < out["GoPro/SSIM"] < 1


def test_missing_key_is_named():
    metric = METRICS.build(dict(type="PSNR", pred_key="output"))
    with pytest.raises(KeyError, match="output"):
        metric.process({}, [{"pred_img": torch.zeros(3, 4, 4), "gt_img": torch.zeros(3, 4, 4)}])
