"""NAFNet's ``PSNRLoss``: the negative PSNR of each image, averaged over the batch.

Official form (megvii-research/NAFNet ``basicsr/models/losses/losses.py``, class ``PSNRLoss``;
the GoPro options ``options/train/GoPro/NAFNet-width{32,64}.yml`` use it with
``loss_weight: 1``, ``reduction: mean``)::

    L = loss_weight * 10 / ln(10) * mean_n( ln( mean_{c,h,w} (pred - target)^2 + 1e-8 ) )

i.e. ``loss_weight * mean_n(10 * log10(mse_n + 1e-8))`` = minus the mean per-image PSNR of
images with peak 1 (a [0, 1] range), up to the ``1e-8`` guard. Minimising it maximises PSNR;
its gradient is ``~ 1 / mse_n``, so well-restored images weigh more than with MSE.

``to_y=True`` is the official ``toY`` option: compare only the BT.601 luma
``(65.481 R + 128.553 G + 24.966 B) / 255 + 16 / 255`` of RGB inputs in [0, 1] (unused by the
GoPro options). Only ``reduction='mean'`` exists (the official class asserts it).

Inputs: ``pred``, ``target`` float (N, C, H, W), same shape; the loss is a scalar tensor (can
be negative: -40 for a 40 dB batch).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from restorekit.registry import MODELS

_Y_COEF = (65.481, 128.553, 24.966)


@MODELS.register_module()
class PSNRLoss(nn.Module):
    """``loss_weight * 10/ln(10) * mean_n(ln(mse_n + eps))`` (see the module docstring).

    Args:
        loss_weight: multiplier (1 in the official GoPro options).
        reduction: only ``'mean'`` (over the batch), as the official class.
        to_y: compare BT.601 luma instead of RGB (official ``toY``; needs C == 3).
        eps: the guard inside the logarithm (official 1e-8).
    """

    def __init__(self, loss_weight: float = 1.0, reduction: str = "mean", to_y: bool = False,
                 eps: float = 1e-8) -> None:
        super().__init__()
        if reduction != "mean":
            raise ValueError(f"PSNRLoss supports reduction='mean' only (as the official "
                             f"NAFNet class), got {reduction!r}")
        self.loss_weight = loss_weight
        self.reduction = reduction
        self.to_y = to_y
        self.eps = eps
        self.scale = 10.0 / math.log(10.0)

    @staticmethod
    def luma(img: torch.Tensor) -> torch.Tensor:
        """(N, 3, H, W) RGB in [0, 1] -> (N, 1, H, W) BT.601 Y in [16/255, 235/255]."""
        coef = img.new_tensor(_Y_COEF).view(1, 3, 1, 1)
        return ((img * coef).sum(dim=1, keepdim=True) + 16.0) / 255.0

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if pred.dim() != 4 or pred.shape != target.shape:
            raise ValueError(f"PSNRLoss expects two (N, C, H, W) tensors of one shape, got "
                             f"{tuple(pred.shape)} and {tuple(target.shape)}")
        if self.to_y:
            if pred.shape[1] != 3:
                raise ValueError(f"PSNRLoss(to_y=True) needs RGB (C=3), got C={pred.shape[1]}")
            pred, target = self.luma(pred), self.luma(target)
        mse = ((pred - target) ** 2).mean(dim=(1, 2, 3))
        return self.loss_weight * self.scale * torch.log(mse + self.eps).mean()
