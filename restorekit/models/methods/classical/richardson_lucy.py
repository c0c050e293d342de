"""Richardson–Lucy deconvolution with a Gaussian PSF."""

from __future__ import annotations

from typing import ClassVar

import torch

from restorekit.registry import MODELS

from .base import ClassicalRestorer
from .psf import blur, gaussian_psf

_EPS = 1e-6


@MODELS.register_module()
class RichardsonLucy(ClassicalRestorer):
    """Richardson–Lucy (Richardson 1972, Lucy 1974) deconvolution per RGB channel.

    Starting from the blurry image ``y``, each iteration is
    ``x <- x * (K^T * (y / (K * x)))`` (``K^T`` = the flipped PSF, the same PSF for a
    Gaussian): the multiplicative maximum-likelihood update for Poisson noise, which keeps
    ``x >= 0``. ``iterations`` is the only regulariser (more = sharper and noisier).
    Convolutions are spatial with reflected borders, so there is no FFT wrap-around.
    Denominators are floored at 1e-6.

    Input ``(N, 3, H, W)`` in [0, 1]; output same shape, >= 0, unclamped above.

    Args:
        sigma: Gaussian PSF standard deviation in pixels.
        iterations: number of updates (0 = identity); stored as an int64 buffer.
        data_preprocessor: see :class:`ClassicalRestorer`.
    """

    param_names: ClassVar[tuple[str, ...]] = ("sigma", "iterations")
    default_grid: ClassVar[dict[str, list[float]]] = {
        "sigma": [0.5, 1.0, 1.5, 2.0, 2.5, 3.0], "iterations": [5, 10, 20, 40]}

    def __init__(self, sigma: float = 1.0, iterations: int = 10, **kwargs) -> None:
        super().__init__(**kwargs)
        if iterations < 0:
            raise ValueError(f"RichardsonLucy: iterations={iterations} must be >= 0")
        self._scalar("sigma", sigma)
        self._scalar("iterations", int(iterations), dtype=torch.long)

    def restore(self, y: torch.Tensor) -> torch.Tensor:
        psf = gaussian_psf(self.sigma.item(), dtype=y.dtype, device=y.device)
        psf_t = psf.flip(-1, -2)
        y = y.clamp_min(0)
        x = y.clamp_min(_EPS)
        for _ in range(int(self.iterations.item())):
            x = x * blur(y / blur(x, psf).clamp_min(_EPS), psf_t)
        return x
