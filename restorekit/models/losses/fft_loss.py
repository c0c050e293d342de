"""L1 loss between 2-D Fourier spectra (MIMO-UNet, ``reference/methods.md`` §5.1).

MIMO-UNet's ``L1(torch.rfft(pred, 2, onesided=False), torch.rfft(target, 2, onesided=False))``:
the full (two-sided) complex 2-D FFT of every channel, real and imaginary parts stacked as a
last dimension, unnormalised. The modern equivalent (MIMO-UNet issue #39) is
``torch.view_as_real(torch.fft.fft2(x))``, which is what this loss computes::

    L = loss_weight * mean(|view_as_real(fft2(pred)) - view_as_real(fft2(target))|)

the mean running over B, C, H, W and the real/imag pair. ``norm`` is passed to ``fft2``
(``'backward'`` = unnormalised, as MIMO-UNet; ``'ortho'`` or ``'forward'`` scale the spectrum by
``1/sqrt(HW)`` or ``1/(HW)``). MIMO-UNet uses ``loss_weight=0.1`` per output scale.
Inputs are any range (no conversion); restorekit passes [0, 1]. Computed in float32.
"""

from __future__ import annotations

import torch
from torch import nn

from restorekit.registry import MODELS

_FFT_NORMS = ("backward", "ortho", "forward")


@MODELS.register_module()
class FFTL1Loss(nn.Module):
    """L1 distance of full 2-D FFT spectra (real/imag stacked).

    Args:
        loss_weight: multiplier of the loss value.
        norm: ``torch.fft.fft2`` normalisation: ``'backward'`` (default, unnormalised),
            ``'ortho'`` or ``'forward'``.

    ``forward(pred, target)``: two ``(..., H, W)`` tensors of the same shape (normally
    ``(B, C, H, W)``) -> scalar tensor.
    """

    def __init__(self, loss_weight: float = 1.0, norm: str = "backward") -> None:
        super().__init__()
        if norm not in _FFT_NORMS:
            raise ValueError(f"FFTL1Loss: norm={norm!r} is not one of {_FFT_NORMS}")
        self.loss_weight = loss_weight
        self.norm = norm

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Scalar L1 loss between the spectra of ``pred`` and ``target``."""
        if pred.shape != target.shape or pred.dim() < 2:
            raise ValueError(
                f"FFTL1Loss expects two (B, C, H, W) tensors of the same shape, got "
                f"{tuple(pred.shape)} and {tuple(target.shape)}")
        pred_f = torch.view_as_real(torch.fft.fft2(pred.float(), norm=self.norm))
        target_f = torch.view_as_real(torch.fft.fft2(target.float(), norm=self.norm))
        return self.loss_weight * torch.mean(torch.abs(pred_f - target_f))
