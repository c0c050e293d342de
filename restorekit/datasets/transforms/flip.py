"""Random flips and transposition applied identically to every listed image."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from restorekit.registry import TRANSFORMS

from ..errors import require_keys

_AXES = {"horizontal": 1, "vertical": 0}


def _check_prob(prob: float) -> float:
    if not 0.0 <= prob <= 1.0:
        raise ValueError(f"prob must be in [0, 1], got {prob}.")
    return float(prob)


@TRANSFORMS.register_module()
class Flip(BaseTransform):
    """With probability ``prob`` flip every key's (H, W, C) array along one axis.

    One draw (``np.random.random() < prob``) decides for all keys, so pairs stay aligned.
    ``'horizontal'`` mirrors left-right (W axis), ``'vertical'`` top-bottom (H axis). A flip is
    its own inverse. Records ``results['flip_<direction>']`` (bool). Outputs are contiguous.

    Args:
        keys: image keys to flip together.
        direction: ``'horizontal'`` or ``'vertical'``.
        prob: flip probability in [0, 1].
    """

    def __init__(self, keys: Sequence[str] = ("img", "gt"), direction: str = "horizontal",
                 prob: float = 0.5) -> None:
        if direction not in _AXES:
            raise ValueError(f"direction must be one of {tuple(_AXES)}, got {direction!r}.")
        self.keys = tuple(keys)
        self.direction = direction
        self.prob = _check_prob(prob)

    def transform(self, results: dict) -> dict:
        require_keys(results, self.keys, type(self).__name__)
        flip = bool(np.random.random() < self.prob)
        if flip:
            axis = _AXES[self.direction]
            for k in self.keys:
                results[k] = np.ascontiguousarray(np.flip(results[k], axis=axis))
        results[f"flip_{self.direction}"] = flip
        return results

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(keys={self.keys}, direction={self.direction!r}, "
                f"prob={self.prob})")


@TRANSFORMS.register_module()
class RandomTransposeHW(BaseTransform):
    """With probability ``prob`` swap H and W of every key: (H, W, C) → (W, H, C).

    One draw decides for all keys; the transpose is its own inverse. Records
    ``results['transpose']`` (bool). Together with the two flips it covers the 8 dihedral
    orientations (BasicSR ``augment(hflip, rot)``; mmagic ``RandomTransposeHW``).
    """

    def __init__(self, keys: Sequence[str] = ("img", "gt"), prob: float = 0.5) -> None:
        self.keys = tuple(keys)
        self.prob = _check_prob(prob)

    def transform(self, results: dict) -> dict:
        require_keys(results, self.keys, type(self).__name__)
        transpose = bool(np.random.random() < self.prob)
        if transpose:
            for k in self.keys:
                results[k] = np.ascontiguousarray(np.swapaxes(results[k], 0, 1))
        results["transpose"] = transpose
        return results

    def __repr__(self) -> str:
        return f"{type(self).__name__}(keys={self.keys}, prob={self.prob})"


__all__ = ["Flip", "RandomTransposeHW"]
