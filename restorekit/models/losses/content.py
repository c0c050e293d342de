"""Content losses (pixel, perceptual, frequency) of a generator output, at one or more scales."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn


def resize_like(target: torch.Tensor, pred: torch.Tensor) -> torch.Tensor:
    """``target`` bilinearly resized to ``pred``'s size (MIMO-UNet's downsampled targets,
    ``reference/methods.md`` §5.1); unchanged when the sizes match."""
    if target.shape[-2:] == pred.shape[-2:]:
        return target
    return F.interpolate(target, size=pred.shape[-2:], mode="bilinear", align_corners=False)


def content_losses(
    pred: torch.Tensor | Sequence[torch.Tensor],
    target: torch.Tensor,
    losses: dict[str, nn.Module | None],
) -> dict[str, torch.Tensor]:
    """``{name: loss(pred, target)}`` for every configured loss.

    ``pred`` is (N, C, H, W) or a coarse-to-fine list of such tensors; for a list each loss is
    summed over the scales with the target resized to each scale (MIMO-UNet's
    ``sum_k L1(out_k, y_k) + 0.1 sum_k FFT-L1(out_k, y_k)``). ``None`` losses are skipped.
    """
    preds = [pred] if isinstance(pred, torch.Tensor) else list(pred)
    out = {}
    for name, loss in losses.items():
        if loss is not None:
            out[name] = sum(loss(p, resize_like(target, p)) for p in preds)
    return out
