"""The "no restoration" baseline: the blurry input itself."""

from __future__ import annotations

import torch

from restorekit.registry import MODELS

from .base import ClassicalRestorer


@MODELS.register_module()
class IdentityRestorer(ClassicalRestorer):
    """Returns its input unchanged: ``(N, 3, H, W)`` in [0, 1] -> the same tensor values.

    The floor every deblurring method must beat (the ``blurry input`` row of
    ``tools/benchmark.py``, as a model). No parameters: its checkpoint has an empty
    ``state_dict``.
    """

    def restore(self, x: torch.Tensor) -> torch.Tensor:
        return x.clone()
