"""Peak signal-to-noise ratio: the pure function :func:`psnr` and the registered :class:`PSNR`.

Conventions (shared with :mod:`restorekit.evaluation.metrics.ssim`, see ``docs/metrics.md``):

* Input: a torch tensor of shape (3, H, W) or (H, W), or a numpy array of shape (H, W, 3) or
  (H, W); RGB, float, white = ``data_range`` (1.0 by default, i.e. the [0, 1] images that
  predictions and targets carry). Values are used as given (no clamping) unless ``quantize``.
* Everything is computed in float64 on the [0, 255] scale.
* ``quantize=True`` clamps to [0, 1] and rounds to the 256 uint8 levels first, as BasicSR's
  ``tensor2img`` does before its metrics; mmagic does not round (the default here).
* ``convert_to='Y'`` uses the BT.601 "MATLAB" luma with offset 16,
  ``Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255`` on the [0, 255] scale, exactly as
  mmagic (``mmcv.bgr2ycbcr(y_only=True)``) and BasicSR (``to_y_channel``). No rounding.
* ``crop_border=c`` drops ``c`` pixels from each side of H and W (order versus the pointwise Y
  conversion does not matter).
* PSNR = ``10 log10(255^2 / MSE)``; identical images give ``inf`` (as mmagic and BasicSR).

The metric class averages per-image values over the evaluated set (mean over images, not the
PSNR of the pooled MSE), like mmagic's ``BaseSampleWiseMetric`` and BasicSR's validation.
"""

from __future__ import annotations

import math
from typing import Union

import numpy as np
import torch

from restorekit.registry import METRICS

from .sample_wise_metric import SampleWiseMetric

ImageLike = Union[np.ndarray, torch.Tensor]

# BT.601 luma on the [0, 255] scale for RGB in [0, 255] ("MATLAB rgb2ycbcr"): 16 + w . rgb
_Y_WEIGHTS_RGB = np.array([65.481, 128.553, 24.966], dtype=np.float64) / 255.0
_Y_OFFSET = 16.0


def to_eval_array(
    img: ImageLike,
    crop_border: int = 0,
    convert_to: str | None = None,
    quantize: bool = False,
    data_range: float = 1.0,
) -> np.ndarray:
    """Bring one image to the float64 (H, W, C) array on the [0, 255] scale that metrics use.

    Args:
        img: torch tensor (C, H, W) / (H, W) or numpy array (H, W, C) / (H, W), RGB, white at
            ``data_range``.
        crop_border: pixels removed from each side of H and W.
        convert_to: ``None`` (keep RGB) or ``'Y'`` (BT.601 MATLAB luma with offset 16; needs 3
            channels); case-insensitive.
        quantize: clamp to [0, data_range] and round to uint8 levels (BasicSR's ``tensor2img``).
        data_range: value of white in ``img``; the image is scaled by ``255 / data_range``.

    Returns:
        float64 array of shape (H - 2c, W - 2c, C) with C = 3 (RGB) or 1 (Y).
    """
    if isinstance(img, torch.Tensor):
        arr = img.detach().to("cpu", torch.float64).numpy()
        if arr.ndim == 3:
            arr = arr.transpose(1, 2, 0)
    elif isinstance(img, np.ndarray):
        arr = img.astype(np.float64)
    else:
        raise TypeError(f"Expected a numpy array or torch tensor, got {type(img).__name__}.")
    if arr.ndim == 2:
        arr = arr[..., None]
    if arr.ndim != 3:
        raise ValueError(
            f"Expected an image of shape (C, H, W) (tensor) or (H, W, C) (numpy), got "
            f"{tuple(img.shape)}."
        )
    arr = arr * (255.0 / data_range)
    if quantize:
        arr = np.round(np.clip(arr, 0.0, 255.0))
    if convert_to is not None:
        if str(convert_to).upper() != "Y":
            raise ValueError(f"convert_to must be None or 'Y', got {convert_to!r}.")
        if arr.shape[2] != 3:
            raise ValueError(
                f"convert_to='Y' needs an RGB image with 3 channels, got {arr.shape[2]}."
            )
        arr = (arr @ _Y_WEIGHTS_RGB + _Y_OFFSET)[..., None]
    if crop_border < 0:
        raise ValueError(f"crop_border must be >= 0, got {crop_border}.")
    if crop_border > 0:
        h, w = arr.shape[:2]
        if 2 * crop_border >= min(h, w):
            raise ValueError(
                f"crop_border={crop_border} removes the whole {h}x{w} image."
            )
        arr = arr[crop_border:-crop_border, crop_border:-crop_border]
    return arr


def check_same_shape(pred: ImageLike, gt: ImageLike) -> None:
    """Raise a ValueError naming both shapes when ``pred`` and ``gt`` differ in shape."""
    if tuple(pred.shape) != tuple(gt.shape):
        raise ValueError(
            f"Prediction and ground truth must have the same shape, got {tuple(pred.shape)} "
            f"and {tuple(gt.shape)}."
        )


def psnr(
    pred: ImageLike,
    gt: ImageLike,
    crop_border: int = 0,
    convert_to: str | None = None,
    quantize: bool = False,
    data_range: float = 1.0,
) -> float:
    """PSNR in dB between two images (see the module docstring for every convention).

    Args:
        pred: prediction, tensor (C, H, W) or numpy (H, W, C), white at ``data_range``.
        gt: ground truth of the same shape and type convention.
        crop_border: pixels removed from each side before measuring.
        convert_to: ``None`` for RGB, ``'Y'`` for BT.601 MATLAB luma.
        quantize: round both images to uint8 levels first (BasicSR); mmagic does not.
        data_range: value of white in the inputs (1.0 for [0, 1] images, 255 for uint8 scale).

    Returns:
        ``10 log10(255^2 / MSE)`` in float64 arithmetic; ``inf`` when the images are equal.
    """
    check_same_shape(pred, gt)
    a = to_eval_array(pred, crop_border, convert_to, quantize, data_range)
    b = to_eval_array(gt, crop_border, convert_to, quantize, data_range)
    mse = float(np.mean((a - b) ** 2))
    if mse == 0.0:
        return math.inf
    return 10.0 * math.log10(255.0**2 / mse)


@METRICS.register_module()
class PSNR(SampleWiseMetric):
    """Mean over images of the per-image PSNR (dB). Output key: ``'PSNR'``.

    Args:
        max_psnr: if set, per-image values are capped at it (so one image identical to its
            ground truth does not make the mean ``inf``); ``None`` keeps ``inf`` as
            mmagic / BasicSR do, and the mean is then ``inf``.
        **kwargs: ``crop_border``, ``convert_to``, ``quantize``, ``pred_key``, ``gt_key``,
            ``collect_device``, ``prefix`` (see :class:`SampleWiseMetric`).
    """

    metric_name = "PSNR"

    def __init__(self, max_psnr: float | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.max_psnr = max_psnr

    def compute_one(self, pred: torch.Tensor, gt: torch.Tensor) -> float:
        """PSNR of one (3, H, W) [0, 1] pair with this metric's settings."""
        value = psnr(pred, gt, self.crop_border, self.convert_to, self.quantize)
        return value if self.max_psnr is None else min(value, float(self.max_psnr))
