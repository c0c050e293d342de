"""MATLAB-protocol SSIM (GoPro / HIDE papers): the registered :class:`SSIM3D`.

Wraps :func:`restorekit.evaluation.functional.matlab_ssim.ssim_matlab` (MATLAB R2017a+
``ssim``: an RGB image is one H x W x 3 volume filtered with an 11 x 11 x 11 Gaussian,
sigma 1.5, ``'replicate'`` padding, full-size map) behind the usual metric conventions of
:mod:`restorekit.evaluation.metrics.psnr` (tensor (3, H, W) in [0, 1], ``crop_border``,
``convert_to``, ``quantize``).
"""

from __future__ import annotations

import torch

from restorekit.registry import METRICS

from ..functional.matlab_ssim import ssim_matlab
from .psnr import ImageLike, check_same_shape, to_eval_array
from .sample_wise_metric import SampleWiseMetric


def ssim3d(
    pred: ImageLike,
    gt: ImageLike,
    crop_border: int = 0,
    convert_to: str | None = None,
    quantize: bool = False,
    data_range: float = 1.0,
) -> float:
    """MATLAB ``ssim`` of two images on the [0, 255] scale (3-D kernel on RGB, 2-D on Y).

    Args:
        pred: prediction, tensor (C, H, W) or numpy (H, W, C), white at ``data_range``.
        gt: ground truth of the same shape.
        crop_border: pixels removed from each side before measuring.
        convert_to: ``None`` (RGB volume) or ``'Y'`` (BT.601 MATLAB luma, 2-D SSIM).
        quantize: round to uint8 levels first, as the MATLAB scripts read saved 8-bit PNGs.
        data_range: value of white in the inputs.

    Returns:
        float64 SSIM, 1.0 for identical images.
    """
    check_same_shape(pred, gt)
    a = to_eval_array(pred, crop_border, convert_to, quantize, data_range)
    b = to_eval_array(gt, crop_border, convert_to, quantize, data_range)
    return ssim_matlab(a, b, data_range=255.0)


@METRICS.register_module()
class SSIM3D(SampleWiseMetric):
    """Mean over images of MATLAB's SSIM (3-D on RGB). Output key: ``'SSIM3D'``.

    Keys as :class:`SampleWiseMetric` (``crop_border``, ``convert_to``, ``quantize``,
    ``pred_key``, ``gt_key``, ``collect_device``, ``prefix``). The ``matlab`` protocol sets
    ``quantize=True`` (MATLAB reads the saved uint8 PNGs).
    """

    metric_name = "SSIM3D"

    def compute_one(self, pred: torch.Tensor, gt: torch.Tensor) -> float:
        """MATLAB SSIM of one (3, H, W) [0, 1] pair with this metric's settings."""
        return ssim3d(pred, gt, self.crop_border, self.convert_to, self.quantize)


__all__ = ["SSIM3D", "ssim3d"]
