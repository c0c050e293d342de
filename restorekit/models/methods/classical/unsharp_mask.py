"""Unsharp masking: add back the detail a Gaussian blur removes."""

from __future__ import annotations

from typing import ClassVar

import torch

from restorekit.registry import MODELS

from .base import ClassicalRestorer
from .psf import blur, gaussian_psf


@MODELS.register_module()
class UnsharpMask(ClassicalRestorer):
    """``y = x + amount * (x - G_sigma * x)`` per RGB channel, reflect borders.

    A sharpening filter, not a deconvolution: it boosts mid/high frequencies by up to
    ``1 + amount`` (frequency response ``1 + amount * (1 - exp(-sigma^2 w^2 / 2))``).
    Input ``(N, 3, H, W)`` in [0, 1]; output same shape, unclamped (``predict`` clamps).

    Args:
        sigma: standard deviation (px) of the Gaussian that defines the "blurred" copy.
        amount: gain of the detail layer (0 = identity).
        data_preprocessor: see :class:`ClassicalRestorer`.
    """

    param_names: ClassVar[tuple[str, ...]] = ("sigma", "amount")
    default_grid: ClassVar[dict[str, list[float]]] = {
        "sigma": [0.5, 1.0, 1.5, 2.0, 3.0], "amount": [0.25, 0.5, 1.0, 1.5, 2.0, 3.0]}

    def __init__(self, sigma: float = 1.0, amount: float = 1.0, **kwargs) -> None:
        super().__init__(**kwargs)
        self._scalar("sigma", sigma)
        self._scalar("amount", amount)

    def restore(self, x: torch.Tensor) -> torch.Tensor:
        psf = gaussian_psf(self.sigma.item(), dtype=x.dtype, device=x.device)
        return x + self.amount * (x - blur(x, psf))
