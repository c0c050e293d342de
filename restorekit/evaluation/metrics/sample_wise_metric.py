"""Shared base of the full-reference metrics computed per image and averaged over the set."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from mmengine.evaluator import BaseMetric


def get_sample_image(sample: Any, key: str) -> torch.Tensor:
    """Fetch ``key`` from a data sample given as dict (Evaluator) or DataSample."""
    value = sample.get(key) if isinstance(sample, dict) else getattr(sample, key, None)
    if value is None:
        have = sorted(sample.keys()) if hasattr(sample, "keys") else "?"
        raise KeyError(f"Data sample has no {key!r} to evaluate (it has: {have}).")
    return value


def _meta(sample: Any, key: str) -> Any:
    if isinstance(sample, dict):
        return sample.get(key, (sample.get("metainfo") or {}).get(key))
    return sample.metainfo.get(key) if hasattr(sample, "metainfo") else None


def check_pair_sizes(sample: Any) -> None:
    """Raise ``ImageSizeError`` if the loaded input and target (``ori_img_shape`` /
    ``ori_gt_shape``, set by ``LoadImageFromFile``) differ, naming both files."""
    img_shape, gt_shape = _meta(sample, "ori_img_shape"), _meta(sample, "ori_gt_shape")
    if img_shape is None or gt_shape is None or tuple(img_shape) == tuple(gt_shape):
        return
    from restorekit.datasets.errors import ImageSizeError

    raise ImageSizeError(
        f"Test pair sizes differ: input '{_meta(sample, 'img_path')}' is "
        f"{img_shape[0]}x{img_shape[1]} but target '{_meta(sample, 'gt_path')}' is "
        f"{gt_shape[0]}x{gt_shape[1]} (HxW); metrics would compare against a padded or "
        f"cropped target. Fix or remove the pair.")


class SampleWiseMetric(BaseMetric):
    """One value per (prediction, target) pair; the reported value is the mean over images.

    Subclasses set ``metric_name`` and implement :meth:`compute_one`.

    Args:
        crop_border: pixels removed from each side before measuring.
        convert_to: ``None`` (RGB) or ``'Y'`` (BT.601 MATLAB luma, offset 16).
        quantize: round to uint8 levels first (BasicSR); default False (mmagic).
        pred_key / gt_key: fields of the data sample holding the float32 (3, H, W) RGB [0, 1]
            tensors.
        collect_device / prefix: as in :class:`mmengine.evaluator.BaseMetric`; the logged key
            is ``'<prefix>/<metric_name>'`` when ``prefix`` is set.
    """

    default_prefix: str | None = ""  # no prefix unless configured (silences mmengine)
    metric_name = ""

    def __init__(
        self,
        crop_border: int = 0,
        convert_to: str | None = None,
        quantize: bool = False,
        pred_key: str = "pred_img",
        gt_key: str = "gt_img",
        collect_device: str = "cpu",
        prefix: str | None = None,
    ) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if convert_to is not None and str(convert_to).upper() != "Y":
            raise ValueError(f"convert_to must be None or 'Y', got {convert_to!r}.")
        self.crop_border = crop_border
        self.convert_to = convert_to
        self.quantize = quantize
        self.pred_key = pred_key
        self.gt_key = gt_key

    def compute_one(self, pred: torch.Tensor, gt: torch.Tensor) -> float:
        """The metric of one (3, H, W) [0, 1] pair with this metric's settings."""
        raise NotImplementedError

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        """Store one value per data sample (dicts from the Evaluator, or DataSample).

        Raises:
            ImageSizeError: the input and target files of a pair have different sizes (the
                model's output would be scored against a padded or cropped target).
        """
        for sample in data_samples:
            check_pair_sizes(sample)
            pred = get_sample_image(sample, self.pred_key)
            gt = get_sample_image(sample, self.gt_key)
            self.results.append(self.compute_one(pred, gt))

    def compute_metrics(self, results: list) -> dict[str, float]:
        """Mean of the per-image values (``inf`` if any value is ``inf``)."""
        return {self.metric_name: float(np.mean(np.asarray(results, dtype=np.float64)))}
