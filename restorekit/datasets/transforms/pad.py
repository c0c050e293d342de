"""Pad images at the bottom/right so H and W become multiples of a divisor."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from restorekit.registry import TRANSFORMS

from ..errors import require_keys


@TRANSFORMS.register_module()
class PadToMultiple(BaseTransform):
    """Pad each key's (H, W, C) array at the bottom and right to (H', W'), multiples of ``divisor``.

    ``H' = ceil(H / divisor) * divisor`` (same for W); an image already a multiple is returned
    unchanged. Padding only at the bottom/right means ``out[:H, :W]`` recovers the original
    (the MPRNet / MIMO-UNet pad-to-stride idiom). Records, from the first key,
    ``results['unpadded_shape'] = (H, W)`` and ``results['padding'] = (pad_h, pad_w)``;
    :class:`PackInputs` then reports ``unpadded_shape`` as ``ori_shape``.

    Args:
        keys: image keys to pad (each padded to its own multiple).
        divisor: positive int.
        mode: ``'reflect'`` (mirror without repeating the edge, as ``np.pad``/``F.pad``) or
            ``'constant'``.
        value: fill value for ``mode='constant'``.
    """

    def __init__(self, keys: Sequence[str] = ("img", "gt"), divisor: int = 8,
                 mode: str = "reflect", value: int = 0) -> None:
        if int(divisor) != divisor or divisor < 1:
            raise ValueError(f"divisor must be a positive int, got {divisor!r}.")
        if mode not in ("reflect", "constant"):
            raise ValueError(f"mode must be 'reflect' or 'constant', got {mode!r}.")
        self.keys = tuple(keys)
        self.divisor = int(divisor)
        self.mode = mode
        self.value = value

    def transform(self, results: dict) -> dict:
        require_keys(results, self.keys, type(self).__name__)
        for i, k in enumerate(self.keys):
            img = results[k]
            h, w = img.shape[:2]
            pad_h, pad_w = -h % self.divisor, -w % self.divisor
            if i == 0:
                results["unpadded_shape"] = (h, w)
                results["padding"] = (pad_h, pad_w)
            if pad_h == 0 and pad_w == 0:
                continue
            widths = [(0, pad_h), (0, pad_w)] + [(0, 0)] * (img.ndim - 2)
            if self.mode == "reflect":
                results[k] = np.pad(img, widths, mode="reflect")
            else:
                results[k] = np.pad(img, widths, mode="constant", constant_values=self.value)
        return results

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(keys={self.keys}, divisor={self.divisor}, "
                f"mode={self.mode!r})")


__all__ = ["PadToMultiple"]
