"""Pixel losses: L1, MSE and Charbonnier, each with ``loss_weight`` and ``reduction``."""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from restorekit.registry import MODELS

_REDUCTIONS = ("mean", "sum", "none")


class _PixelLoss(nn.Module):
    """Base: ``loss_weight * reduce(elementwise(pred, target))`` on (N, C, H, W) tensors."""

    def __init__(self, loss_weight: float = 1.0, reduction: str = "mean") -> None:
        super().__init__()
        if reduction not in _REDUCTIONS:
            raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")
        self.loss_weight = loss_weight
        self.reduction = reduction

    def elementwise(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if pred.shape != target.shape:
            raise ValueError(f"pred {tuple(pred.shape)} and target {tuple(target.shape)} differ")
        loss = self.elementwise(pred, target)
        if self.reduction == "mean":
            loss = loss.mean()
        elif self.reduction == "sum":
            loss = loss.sum()
        return self.loss_weight * loss


@MODELS.register_module()
class L1Loss(_PixelLoss):
    """Mean absolute error ``|pred - target|``."""

    def elementwise(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return F.l1_loss(pred, target, reduction="none")


@MODELS.register_module()
class MSELoss(_PixelLoss):
    """Mean squared error ``(pred - target)^2`` (DBGAN's content loss)."""

    def elementwise(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return F.mse_loss(pred, target, reduction="none")


@MODELS.register_module()
class CharbonnierLoss(_PixelLoss):
    """Charbonnier (smooth L1) ``sqrt((pred - target)^2 + eps^2)``; eps 1e-3 as in MPRNet."""

    def __init__(
        self, loss_weight: float = 1.0, reduction: str = "mean", eps: float = 1e-3
    ) -> None:
        super().__init__(loss_weight, reduction)
        self.eps = eps

    def elementwise(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return torch.sqrt((pred - target) ** 2 + self.eps**2)
