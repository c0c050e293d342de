"""The one home of float <-> uint8 image conversion.

Every image that leaves the models (grids, saved predictions, ``deblur()`` output) becomes
uint8 here: clamp to [0, 1], scale by 255, round half to even, cast. Rounding (not truncation)
matches BasicSR's ``tensor2img`` and mmagic's ``tensor2img``.
"""

from __future__ import annotations

import numpy as np
import torch


def float_to_uint8(image: np.ndarray | torch.Tensor) -> np.ndarray:
    """An array in [0, 1] (any shape, any float dtype) -> uint8 of the same shape, rounded."""
    if isinstance(image, torch.Tensor):
        image = image.detach().float().cpu().numpy()
    image = np.asarray(image)
    if not np.issubdtype(image.dtype, np.floating):
        image = image.astype(np.float32)
    # computed in the input's precision: float32 tensors round exactly as torch would
    return np.clip(np.rint(image * image.dtype.type(255.0)), 0, 255).astype(np.uint8)


def tensor_to_uint8(img: torch.Tensor) -> np.ndarray:
    """A (3, H, W) or (1, 3, H, W) float tensor in [0, 1] -> (H, W, 3) uint8 RGB array."""
    if img.dim() == 4:
        if img.shape[0] != 1:
            raise ValueError(f"tensor_to_uint8 takes one image, got a batch of {img.shape[0]}")
        img = img[0]
    if img.dim() != 3:
        raise ValueError(f"tensor_to_uint8 expects (3, H, W), got shape {tuple(img.shape)}")
    return float_to_uint8(img.permute(1, 2, 0))


__all__ = ["float_to_uint8", "tensor_to_uint8"]
