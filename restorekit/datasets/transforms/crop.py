"""Crops that cut the same window out of every listed image (paired training / validation)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from restorekit.registry import TRANSFORMS

from ..errors import ImageSizeError, require_keys


def _as_hw(size: int | Sequence[int], name: str) -> tuple[int, int]:
    hw = (size, size) if isinstance(size, (int, np.integer)) else tuple(size)
    if len(hw) != 2 or any(int(s) != s or s <= 0 for s in hw):
        raise ValueError(f"{name} must be a positive int or (h, w), got {size!r}.")
    return int(hw[0]), int(hw[1])


def common_hw(results: dict, keys: Sequence[str], owner: str) -> tuple[int, int]:
    """The (H, W) shared by ``results[k]`` for ``k`` in ``keys``; raise if they differ."""
    require_keys(results, keys, owner)
    sizes = {k: tuple(results[k].shape[:2]) for k in keys}
    if len(set(sizes.values())) > 1:
        listed = ", ".join(f"{k}={h}x{w}" for k, (h, w) in sizes.items())
        path = results.get(f"{keys[0]}_path", results.get("key", "?"))
        raise ImageSizeError(
            f"{owner}: images must have the same size to be cropped together, got {listed} "
            f"(H x W) for '{path}'. Fix the pair, or crop the keys separately."
        )
    return sizes[keys[0]]


def _check_fits(results: dict, keys: Sequence[str], hw: tuple[int, int], crop: tuple[int, int],
                owner: str) -> None:
    if hw[0] < crop[0] or hw[1] < crop[1]:
        path = results.get(f"{keys[0]}_path", results.get("key", "?"))
        raise ImageSizeError(
            f"{owner}: image {keys[0]!r} ('{path}') is {hw[0]}x{hw[1]} (H x W), smaller than "
            f"the crop {crop[0]}x{crop[1]}. Use a smaller crop_size or pad first (PadToMultiple)."
        )


@TRANSFORMS.register_module()
class PairedRandomCrop(BaseTransform):
    """Crop one random ``crop_size`` window, the same for every key.

    Input: ``results[k]`` (H, W, C) arrays of equal H, W for ``k`` in ``keys``. Output: the
    (h, w, C) crops (contiguous) and ``crop_bbox = (top, left, h, w)``. The window is drawn
    with ``np.random`` (seeded by mmengine's ``randomness`` config and worker seeding).
    Like mmagic's ``PairedRandomCrop`` without the super-resolution ``scale``.

    Args:
        crop_size: int or (h, w).
        keys: image keys cropped together.

    Raises:
        ImageSizeError: an image is smaller than the crop, or the keys' sizes differ.
    """

    def __init__(self, crop_size: int | Sequence[int], keys: Sequence[str] = ("img", "gt")):
        self.crop_size = _as_hw(crop_size, "crop_size")
        self.keys = tuple(keys)

    def transform(self, results: dict) -> dict:
        name = type(self).__name__
        h, w = common_hw(results, self.keys, name)
        ch, cw = self.crop_size
        _check_fits(results, self.keys, (h, w), self.crop_size, name)
        top = int(np.random.randint(0, h - ch + 1))
        left = int(np.random.randint(0, w - cw + 1))
        for k in self.keys:
            results[k] = np.ascontiguousarray(results[k][top:top + ch, left:left + cw])
        results["crop_bbox"] = (top, left, ch, cw)
        return results

    def __repr__(self) -> str:
        return f"{type(self).__name__}(crop_size={self.crop_size}, keys={self.keys})"


@TRANSFORMS.register_module()
class CenterCrop(BaseTransform):
    """Crop the central ``crop_size`` window of every key (deterministic; for validation).

    The top-left corner is ``((H - h) // 2, (W - w) // 2)``; ``crop_bbox = (top, left, h, w)``.

    Raises:
        ImageSizeError: an image is smaller than the crop, or the keys' sizes differ.
    """

    def __init__(self, crop_size: int | Sequence[int], keys: Sequence[str] = ("img", "gt")):
        self.crop_size = _as_hw(crop_size, "crop_size")
        self.keys = tuple(keys)

    def transform(self, results: dict) -> dict:
        name = type(self).__name__
        h, w = common_hw(results, self.keys, name)
        ch, cw = self.crop_size
        _check_fits(results, self.keys, (h, w), self.crop_size, name)
        top, left = (h - ch) // 2, (w - cw) // 2
        for k in self.keys:
            results[k] = np.ascontiguousarray(results[k][top:top + ch, left:left + cw])
        results["crop_bbox"] = (top, left, ch, cw)
        return results

    def __repr__(self) -> str:
        return f"{type(self).__name__}(crop_size={self.crop_size}, keys={self.keys})"


__all__ = ["CenterCrop", "PairedRandomCrop", "common_hw"]
