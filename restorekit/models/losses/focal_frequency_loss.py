"""Focal Frequency Loss (Jiang et al., "Focal Frequency Loss for Image Reconstruction and
Synthesis", ICCV 2021), as used by the LUR U-Net variant (``reference/methods.md`` §2.3).

Written from the paper's formula, not copied. For each patch (``patch_factor`` × ``patch_factor``
grid of equal patches) and channel::

    F   = fft2(x, norm='ortho')                              # complex spectrum of a patch
    d   = |F_pred - F_target| ** 2                           # squared frequency distance
    w   = |F_pred - F_target| ** alpha                       # spectrum weight ("focal")
    w   = log(w + 1)                                         # if log_matrix
    w   = w / max(w)     # max over the (h, w) of each sample/patch/channel, or over the whole
                         # batch if batch_matrix
    w   = clamp(nan_to_zero(w), 0, 1), detached (no gradient through the weights)
    L   = loss_weight * mean(w * d)                          # mean over B, patches, C, h, w

``ave_spectrum=True`` averages the spectra over the batch before the distance (minibatch
average spectrum). Inputs are any range (the loss does not convert); restorekit passes [0, 1].
Spectra are computed in float32 even under autocast.
"""

from __future__ import annotations

import torch
from torch import nn

from restorekit.registry import MODELS


@MODELS.register_module()
class FocalFrequencyLoss(nn.Module):
    """Focal frequency loss; see the module docstring for the formula.

    Args:
        loss_weight: multiplier of the loss value.
        alpha: exponent of the spectrum weight (``|ΔF| ** alpha``).
        patch_factor: split H and W into this many equal parts (H and W must be divisible).
        ave_spectrum: use the batch-average spectrum of pred and target.
        log_matrix: weight by ``log(1 + |ΔF| ** alpha)`` before normalisation.
        batch_matrix: normalise the weights by the maximum over the whole batch instead of per
            sample / patch / channel.

    ``forward(pred, target)``: two ``(B, C, H, W)`` tensors -> scalar tensor.
    """

    def __init__(
        self,
        loss_weight: float = 1.0,
        alpha: float = 1.0,
        patch_factor: int = 1,
        ave_spectrum: bool = False,
        log_matrix: bool = False,
        batch_matrix: bool = False,
    ) -> None:
        super().__init__()
        if patch_factor < 1:
            raise ValueError(f"FocalFrequencyLoss: patch_factor={patch_factor} must be >= 1")
        self.loss_weight = loss_weight
        self.alpha = alpha
        self.patch_factor = patch_factor
        self.ave_spectrum = ave_spectrum
        self.log_matrix = log_matrix
        self.batch_matrix = batch_matrix

    def _spectrum(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, C, H, W)`` -> complex ``(B, P*P, C, H/P, W/P)`` orthonormal 2-D spectra."""
        b, c, h, w = x.shape
        p = self.patch_factor
        if h % p or w % p:
            raise ValueError(
                f"FocalFrequencyLoss: image size {h}×{w} is not divisible by "
                f"patch_factor={p}; crop the images or change patch_factor.")
        ph, pw = h // p, w // p
        patches = x.reshape(b, c, p, ph, p, pw).permute(0, 2, 4, 1, 3, 5)
        patches = patches.reshape(b, p * p, c, ph, pw)
        return torch.fft.fft2(patches.float(), norm="ortho")

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Scalar focal frequency loss between ``pred`` and ``target`` (both (B, C, H, W))."""
        if pred.shape != target.shape or pred.dim() != 4:
            raise ValueError(
                f"FocalFrequencyLoss expects two (B, C, H, W) tensors of the same shape, got "
                f"{tuple(pred.shape)} and {tuple(target.shape)}")
        pred_f, target_f = self._spectrum(pred), self._spectrum(target)
        if self.ave_spectrum:
            pred_f = pred_f.mean(0, keepdim=True)
            target_f = target_f.mean(0, keepdim=True)
        diff = pred_f - target_f
        distance = diff.real**2 + diff.imag**2
        with torch.no_grad():
            weight = distance.sqrt() ** self.alpha
            if self.log_matrix:
                weight = torch.log(weight + 1.0)
            if self.batch_matrix:
                weight = weight / weight.max()
            else:
                weight = weight / weight.amax(dim=(-2, -1), keepdim=True)
            weight = torch.nan_to_num(weight, nan=0.0).clamp(0.0, 1.0)
        return self.loss_weight * torch.mean(weight * distance)
