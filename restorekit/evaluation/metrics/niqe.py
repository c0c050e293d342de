"""No-reference NIQE for real blurry photos without ground truth: the registered :class:`NIQE`.

Computed on the prediction only (:func:`restorekit.evaluation.functional.niqe.niqe_luma`,
pristine model shipped in the package): BT.601 MATLAB luma on the [0, 255] scale, rounded
(as BasicSR's ``calculate_niqe``, which matches the official MATLAB code), 96 x 96 blocks.
Lower is better.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from mmengine.evaluator import BaseMetric

from restorekit.registry import METRICS

from ..functional.niqe import niqe_luma
from .psnr import ImageLike, to_eval_array
from .sample_wise_metric import get_sample_image


def niqe(img: ImageLike, crop_border: int = 0, quantize: bool = True,
         data_range: float = 1.0) -> float:
    """NIQE of one image (tensor (C, H, W) or array (H, W, C), C = 3 or 1, white at
    ``data_range``); lower is better.

    With ``quantize`` (default) the image is rounded to uint8 levels first (BasicSR's
    ``tensor2img``; MATLAB reads 8-bit files); the luma is always rounded to integers (BasicSR
    / MATLAB). Needs at least 2 textured 96 x 96 blocks after ``crop_border``.
    """
    y = to_eval_array(img, crop_border, quantize=quantize, data_range=data_range)
    if y.shape[2] == 3:
        y = to_eval_array(img, crop_border, "Y", quantize=quantize, data_range=data_range)
    return niqe_luma(np.round(y[..., 0]))


@METRICS.register_module()
class NIQE(BaseMetric):
    """Mean NIQE of the predictions (no ground truth needed). Output key: ``'NIQE'``.

    Args:
        crop_border: pixels removed from each side before measuring.
        quantize: round to uint8 levels first (default True, as BasicSR / MATLAB).
        pred_key: data-sample field with the float32 (3, H, W) RGB [0, 1] prediction.
        collect_device / prefix: as :class:`mmengine.evaluator.BaseMetric`.
    """

    default_prefix: str | None = ""

    def __init__(self, crop_border: int = 0, quantize: bool = True, pred_key: str = "pred_img",
                 collect_device: str = "cpu", prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.crop_border = crop_border
        self.quantize = quantize
        self.pred_key = pred_key

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        """Store one NIQE value per data sample."""
        for sample in data_samples:
            img = get_sample_image(sample, self.pred_key)
            self.results.append(niqe(img, self.crop_border, self.quantize))

    def compute_metrics(self, results: list) -> dict[str, float]:
        """Mean over images."""
        return {"NIQE": float(np.mean(np.asarray(results, dtype=np.float64)))}


__all__ = ["NIQE", "niqe"]
