"""Structural similarity: the pure function :func:`ssim` and the registered :class:`SSIM`.

Same input conventions as :mod:`restorekit.evaluation.metrics.psnr` (tensor (C, H, W) or numpy
(H, W, C), RGB, white at ``data_range``, float64 on the [0, 255] scale, ``quantize``,
``convert_to='Y'``, ``crop_border``). The SSIM itself follows Wang et al. 2004 as implemented
by mmagic (``mmagic/evaluation/metrics/ssim.py``) and BasicSR (``calculate_ssim``):

* an 11x11 Gaussian window with sigma 1.5 (``cv2.getGaussianKernel(11, 1.5)`` outer product);
* ``C1 = (0.01 * 255)^2``, ``C2 = (0.03 * 255)^2``; population (biased) variances;
* only the "valid" region is kept: the SSIM map loses 5 pixels on each side, so no padded
  pixel ever enters the mean;
* 2-D SSIM per channel, then the mean over channels (for RGB). This is *not* MATLAB's
  ``ssim`` on an RGB array, which uses a 3-D kernel across channels (the GoPro protocol of
  Restormer/MPRNet); see ``docs/metrics.md``.

The result equals ``skimage.metrics.structural_similarity(gaussian_weights=True, sigma=1.5,
use_sample_covariance=False, data_range=255)`` up to float rounding: skimage filters with
reflect padding but then crops the same 5-pixel border before averaging.
"""

from __future__ import annotations

import cv2
import numpy as np
import torch

from restorekit.registry import METRICS

from .psnr import ImageLike, check_same_shape, to_eval_array
from .sample_wise_metric import SampleWiseMetric

_WIN_SIZE = 11
_SIGMA = 1.5
_C1 = (0.01 * 255.0) ** 2
_C2 = (0.03 * 255.0) ** 2


def _gaussian_window() -> np.ndarray:
    k = cv2.getGaussianKernel(_WIN_SIZE, _SIGMA).astype(np.float64)
    return k @ k.T


def ssim_channel(a: np.ndarray, b: np.ndarray) -> float:
    """Mean SSIM of two single-channel float64 (H, W) images on the [0, 255] scale.

    Uses the valid region of the 11x11 Gaussian filtering only; H and W must be >= 11.
    """
    h, w = a.shape
    if min(h, w) < _WIN_SIZE:
        raise ValueError(
            f"SSIM needs images of at least {_WIN_SIZE}x{_WIN_SIZE} pixels after crop_border, "
            f"got {h}x{w}."
        )
    window = _gaussian_window()
    r = _WIN_SIZE // 2

    def filt(x: np.ndarray) -> np.ndarray:
        return cv2.filter2D(x, -1, window)[r:-r, r:-r]

    mu_a, mu_b = filt(a), filt(b)
    mu_a2, mu_b2, mu_ab = mu_a * mu_a, mu_b * mu_b, mu_a * mu_b
    var_a = filt(a * a) - mu_a2
    var_b = filt(b * b) - mu_b2
    cov = filt(a * b) - mu_ab
    ssim_map = ((2 * mu_ab + _C1) * (2 * cov + _C2)) / (
        (mu_a2 + mu_b2 + _C1) * (var_a + var_b + _C2)
    )
    return float(ssim_map.mean())


def ssim(
    pred: ImageLike,
    gt: ImageLike,
    crop_border: int = 0,
    convert_to: str | None = None,
    quantize: bool = False,
    data_range: float = 1.0,
) -> float:
    """SSIM between two images: mean over channels of the per-channel 2-D SSIM.

    Args:
        pred: prediction, tensor (C, H, W) or numpy (H, W, C), white at ``data_range``.
        gt: ground truth of the same shape.
        crop_border: pixels removed from each side before measuring.
        convert_to: ``None`` for RGB, ``'Y'`` for BT.601 MATLAB luma.
        quantize: round both images to uint8 levels first (BasicSR); mmagic does not.
        data_range: value of white in the inputs (1.0 for [0, 1] images).

    Returns:
        SSIM in float64 arithmetic, 1.0 for identical images.
    """
    check_same_shape(pred, gt)
    a = to_eval_array(pred, crop_border, convert_to, quantize, data_range)
    b = to_eval_array(gt, crop_border, convert_to, quantize, data_range)
    return float(np.mean([ssim_channel(a[..., c], b[..., c]) for c in range(a.shape[2])]))


@METRICS.register_module()
class SSIM(SampleWiseMetric):
    """Mean over images of the per-image SSIM. Output key: ``'SSIM'``.

    Keys as :class:`SampleWiseMetric`: ``crop_border``, ``convert_to`` (``None`` = mean of
    per-channel SSIM on RGB, ``'Y'`` = BT.601 MATLAB luma), ``quantize``, ``pred_key``,
    ``gt_key``, ``collect_device``, ``prefix``.
    """

    metric_name = "SSIM"

    def compute_one(self, pred: torch.Tensor, gt: torch.Tensor) -> float:
        """SSIM of one (3, H, W) [0, 1] pair with this metric's settings."""
        return ssim(pred, gt, self.crop_border, self.convert_to, self.quantize)
