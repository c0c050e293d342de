"""Low-pass content loss: pins tone, colour and contrast but leaves the fine detail free.

For a learning-to-blur generator (BGAN) the paper's content term compares the generated blur
with its own sharp input (``reference/methods.md`` §1.4: perceptual, weight 1, plus RBL 0.005).
A full-resolution L1 / perceptual term fights the blur (every removed detail costs) while
leaving a global tone shift cheap enough for the adversarial term to buy it (issue 8: BGAN
learnt a brightness/contrast change instead of a blur). Comparing only the low frequencies
fixes both: a blur keeps the area averages (a sum-1 kernel much smaller than the averaging
cell), a gain or contrast change does not.

Not from the paper; a restorekit addition (``docs/methods/bgan.md``, deviations).
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from restorekit.registry import MODELS

_MODES = ("area", "gaussian")
_CRITERIA = ("l1", "charbonnier")
_REDUCTIONS = ("mean", "sum", "none")


def _gaussian_lowpass(x: torch.Tensor, sigma: float) -> torch.Tensor:
    """Separable Gaussian blur of (N, C, H, W) with reflect padding (radius 3 sigma)."""
    radius = max(1, round(3 * sigma))
    t = torch.arange(-radius, radius + 1, dtype=x.dtype, device=x.device)
    g = torch.exp(-0.5 * (t / sigma) ** 2)
    g = (g / g.sum()).repeat(x.shape[1], 1)
    c = x.shape[1]
    pad_h, pad_w = min(radius, x.shape[2] - 1), min(radius, x.shape[3] - 1)
    x = F.pad(x, (pad_w, pad_w, pad_h, pad_h), mode="reflect")
    x = F.conv2d(x, g[:, None, None, radius - pad_w:radius + pad_w + 1], groups=c)
    return F.conv2d(x, g[:, None, radius - pad_h:radius + pad_h + 1, None], groups=c)


@MODELS.register_module()
class LowPassLoss(nn.Module):
    """``loss_weight * criterion(lowpass(pred), lowpass(target))``.

    Shapes: ``pred`` and ``target`` (N, C, H, W), same shape, any range (images in [0, 1]).

    Args:
        scale: size of the low-pass cell in pixels (4: compare 4 x 4 area averages).
        mode: ``'area'`` (area downsampling to ``ceil(H / scale) x ceil(W / scale)`` by
            adaptive average pooling; the default) or ``'gaussian'`` (Gaussian blur with
            sigma ``scale / 2`` at full resolution, reflect padding).
        criterion: ``'l1'`` or ``'charbonnier'`` (``sqrt(d^2 + eps^2)``).
        eps: Charbonnier epsilon.
        loss_weight: multiplier (weights live in configs).
        reduction: ``'mean'``, ``'sum'`` or ``'none'`` (the low-passed map).
    """

    def __init__(self, scale: int = 4, mode: str = "area", criterion: str = "l1",
                 eps: float = 1e-3, loss_weight: float = 1.0, reduction: str = "mean") -> None:
        super().__init__()
        if mode not in _MODES:
            raise ValueError(f"mode must be one of {_MODES}, got {mode!r}")
        if criterion not in _CRITERIA:
            raise ValueError(f"criterion must be one of {_CRITERIA}, got {criterion!r}")
        if reduction not in _REDUCTIONS:
            raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")
        if int(scale) < 1:
            raise ValueError(f"scale must be >= 1, got {scale}")
        self.scale, self.mode, self.criterion = int(scale), mode, criterion
        self.eps, self.loss_weight, self.reduction = eps, loss_weight, reduction

    def lowpass(self, x: torch.Tensor) -> torch.Tensor:
        """The low-passed (N, C, H', W') map the loss compares."""
        if self.scale == 1:
            return x
        if self.mode == "area":
            h, w = x.shape[-2:]
            size = (-(-h // self.scale), -(-w // self.scale))
            return F.adaptive_avg_pool2d(x, size)
        return _gaussian_lowpass(x, self.scale / 2.0)

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if pred.shape != target.shape:
            raise ValueError(f"pred {tuple(pred.shape)} and target {tuple(target.shape)} differ")
        diff = self.lowpass(pred) - self.lowpass(target)
        loss = diff.abs() if self.criterion == "l1" else torch.sqrt(diff**2 + self.eps**2)
        if self.reduction == "mean":
            loss = loss.mean()
        elif self.reduction == "sum":
            loss = loss.sum()
        return self.loss_weight * loss
