"""MATLAB-style 3-D SSIM against independent references (explicit 3-D loop, scipy.ndimage)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy import ndimage

from restorekit.evaluation.functional.matlab_ssim import ssim_matlab
from restorekit.evaluation.metrics import SSIM3D, ssim, ssim3d


def _matlab_ssim_loop(a: np.ndarray, b: np.ndarray, peak: float = 255.0) -> float:
    """MATLAB ssim.m written out: ndgrid 11x11x11 kernel, 'replicate' pad, voxel loop."""
    r = 5
    g = np.arange(-r, r + 1, dtype=np.float64)
    x, y, z = np.meshgrid(g, g, g, indexing="ij")
    kern = np.exp(-(x * x + y * y + z * z) / (2 * 1.5**2))
    kern /= kern.sum()

    def imfilter(v: np.ndarray) -> np.ndarray:
        p = np.pad(v, r, mode="edge")
        out = np.empty_like(v)
        for i in range(v.shape[0]):
            for j in range(v.shape[1]):
                for k in range(v.shape[2]):
                    out[i, j, k] = np.sum(kern * p[i:i + 2 * r + 1, j:j + 2 * r + 1,
                                                   k:k + 2 * r + 1])
        return out

    c1, c2 = (0.01 * peak) ** 2, (0.03 * peak) ** 2
    mx, my = imfilter(a), imfilter(b)
    sx = imfilter(a * a) - mx**2
    sy = imfilter(b * b) - my**2
    sxy = imfilter(a * b) - mx * my
    smap = (2 * mx * my + c1) * (2 * sxy + c2) / ((mx**2 + my**2 + c1) * (sx + sy + c2))
    return float(smap.mean())


@pytest.fixture
def pair() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    gt = rng.integers(0, 256, (12, 13, 3)).astype(np.float64)
    pred = np.clip(gt + rng.normal(0, 25, gt.shape), 0, 255).round()
    return pred, gt


def test_matches_explicit_3d_convolution_loop(pair) -> None:
    pred, gt = pair
    assert ssim_matlab(pred, gt) == pytest.approx(_matlab_ssim_loop(pred, gt), abs=1e-12)


def test_matches_scipy_gaussian_filter_nearest() -> None:
    rng = np.random.default_rng(4)
    gt = rng.random((40, 33, 3)) * 255
    pred = np.clip(gt + rng.normal(0, 20, gt.shape), 0, 255)

    def f(v: np.ndarray) -> np.ndarray:  # radius int(truncate * sigma + 0.5) = 5
        return ndimage.gaussian_filter(v, 1.5, mode="nearest", truncate=5 / 1.5)

    mx, my = f(pred), f(gt)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    num = (2 * mx * my + c1) * (2 * (f(pred * gt) - mx * my) + c2)
    den = (mx**2 + my**2 + c1) * (f(pred**2) - mx**2 + f(gt**2) - my**2 + c2)
    assert ssim_matlab(pred, gt) == pytest.approx(float((num / den).mean()), abs=1e-12)


def test_differs_from_per_channel_2d_ssim_and_identity_is_one(pair) -> None:
    pred, gt = pair
    gt_big = np.kron(gt, np.ones((2, 2, 1)))
    pred_big = np.kron(pred, np.ones((2, 2, 1)))
    value3d = ssim3d(pred_big, gt_big, data_range=255)
    value2d = ssim(pred_big, gt_big, data_range=255)
    assert abs(value3d - value2d) > 1e-3
    assert ssim3d(gt_big, gt_big, data_range=255) == pytest.approx(1.0)


def test_metric_quantizes_tensor_input_like_matlab_on_png(pair) -> None:
    pred, gt = pair
    metric = SSIM3D(quantize=True)
    t_pred = torch.from_numpy(pred / 255.0 + 0.3 / 255).permute(2, 0, 1).float()
    t_gt = torch.from_numpy(gt / 255.0).permute(2, 0, 1).float()
    metric.process({}, [dict(pred_img=t_pred, gt_img=t_gt)])
    value = metric.compute_metrics(metric.results)["SSIM3D"]
    assert value == pytest.approx(_matlab_ssim_loop(pred, gt), abs=1e-9)
