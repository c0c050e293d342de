"""RealBlur-protocol PSNR / SSIM: the registered :class:`RealBlurPSNRSSIM`.

Per image: quantise to uint8 levels (the official script reads saved PNGs), scale the
prediction's intensity onto the GT, **then** ECC-align it (homography), and measure PSNR and
SSIM inside the warp's valid mask (:mod:`restorekit.evaluation.functional.realblur`). One
alignment serves both numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from mmengine.logging import MMLogger

from restorekit.registry import METRICS

from ..functional.realblur import MOTIONS, AlignmentError, masked_psnr, masked_ssim, realblur_align
from .psnr import check_same_shape, to_eval_array
from .sample_wise_metric import SampleWiseMetric, get_sample_image

FAILURE_MODES = ("raise", "unaligned")


def realblur_scores(
    pred: torch.Tensor | np.ndarray,
    gt: torch.Tensor | np.ndarray,
    motion: str = "homography",
    quantize: bool = True,
    on_align_failure: str = "raise",
) -> tuple[float, float, bool]:
    """(PSNR, SSIM, aligned) of one pair (tensor (3, H, W) / array (H, W, 3), [0, 1]).

    ``on_align_failure='unaligned'`` measures an ECC failure without the warp (the intensity
    scaling is still applied, full mask) and returns ``aligned=False``; ``'raise'`` re-raises
    :class:`AlignmentError`.
    """
    check_same_shape(pred, gt)
    z = (to_eval_array(pred, quantize=quantize) / 255.0).astype(np.float32)
    x = (to_eval_array(gt, quantize=quantize) / 255.0).astype(np.float32)
    try:
        zr, xr, mask, _, _ = realblur_align(z, x, motion)
        aligned = True
    except AlignmentError:
        if on_align_failure == "raise":
            raise
        zr = (np.sum(x * z) / np.sum(z * z) * z).astype(np.float32)
        xr, mask, aligned = x, np.ones_like(x), False
    return masked_psnr(xr, zr, mask), masked_ssim(xr, zr, mask), aligned


@METRICS.register_module()
class RealBlurPSNRSSIM(SampleWiseMetric):
    """RealBlur's aligned, masked PSNR and SSIM. Output keys: ``'PSNR_aligned'``,
    ``'SSIM_aligned'`` (means over images), plus ``'align_failures'`` (count) when
    ``on_align_failure='unaligned'``.

    Args:
        motion: ECC motion model: ``'homography'`` (official), ``'affine'``, ``'euclidean'``
            or ``'translation'``.
        quantize: round to uint8 levels first (default True, as the official script).
        on_align_failure: ``'raise'`` (default: the official script also stops) or
            ``'unaligned'`` (warn, measure without the warp, count it).
        pred_key / gt_key / collect_device / prefix: as :class:`SampleWiseMetric`.
    """

    metric_name = "PSNR_aligned"

    def __init__(self, motion: str = "homography", quantize: bool = True,
                 on_align_failure: str = "raise", **kwargs: Any) -> None:
        super().__init__(quantize=quantize, **kwargs)
        if motion not in MOTIONS:
            raise ValueError(f"motion must be one of {sorted(MOTIONS)}, got {motion!r}.")
        if on_align_failure not in FAILURE_MODES:
            raise ValueError(f"on_align_failure must be one of {FAILURE_MODES}.")
        if self.crop_border or self.convert_to is not None:
            raise ValueError("RealBlurPSNRSSIM measures full RGB images (no crop_border / Y).")
        self.motion = motion
        self.on_align_failure = on_align_failure

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        """Store ``(psnr, ssim, aligned)`` per data sample."""
        for sample in data_samples:
            pred = get_sample_image(sample, self.pred_key)
            gt = get_sample_image(sample, self.gt_key)
            scores = realblur_scores(pred, gt, self.motion, self.quantize, self.on_align_failure)
            if not scores[2]:
                name = (sample.get("img_path") if isinstance(sample, dict)
                        else getattr(sample, "img_path", None))
                MMLogger.get_current_instance().warning(
                    f"RealBlurPSNRSSIM: ECC alignment failed for {name or 'an image'}; "
                    f"measured without alignment.")
            self.results.append(scores)

    def compute_metrics(self, results: list) -> dict[str, float]:
        """Means of the per-image aligned PSNR / SSIM (and the failure count)."""
        arr = np.asarray(results, dtype=np.float64)
        out = {"PSNR_aligned": float(arr[:, 0].mean()), "SSIM_aligned": float(arr[:, 1].mean())}
        if self.on_align_failure == "unaligned":
            out["align_failures"] = float(np.sum(arr[:, 2] == 0))
        return out


__all__ = ["RealBlurPSNRSSIM", "realblur_scores"]
