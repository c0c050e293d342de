"""Gaussian point-spread functions and the image operations the classical baselines share.

Conventions: images are float32 ``(N, C, H, W)`` in [0, 1]; a PSF is a 2-D ``(k, k)`` kernel
with odd ``k``, sum 1, centred at ``(k // 2, k // 2)``.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def gaussian_psf(sigma: float, radius: int | None = None, dtype=torch.float32,
                 device=None) -> torch.Tensor:
    """Isotropic Gaussian PSF ``exp(-(x^2 + y^2) / (2 sigma^2))`` normalised to sum 1.

    ``radius`` defaults to ``ceil(3 sigma)`` (at least 1): side ``2 * radius + 1``. ``sigma <= 0``
    gives the identity PSF (a single 1).
    """
    if sigma <= 0:
        return torch.ones(1, 1, dtype=dtype, device=device)
    radius = max(1, math.ceil(3 * sigma)) if radius is None else radius
    x = torch.arange(-radius, radius + 1, dtype=torch.float64, device=device)
    g = torch.exp(-(x**2) / (2 * sigma**2))
    psf = torch.outer(g, g)
    return (psf / psf.sum()).to(dtype)


def blur(img: torch.Tensor, psf: torch.Tensor) -> torch.Tensor:
    """Convolve each channel of ``img`` (N, C, H, W) with ``psf`` (k, k); reflect borders
    (replicate when the image is smaller than the kernel radius). Same shape out."""
    k = psf.shape[-1]
    if k == 1:
        return img * psf.reshape(())
    r = k // 2
    c = img.shape[1]
    mode = "reflect" if min(img.shape[-2:]) > r else "replicate"
    padded = F.pad(img, (r, r, r, r), mode=mode)
    weight = psf.to(img).flip(-1, -2).expand(c, 1, k, k)  # flip: true convolution
    return F.conv2d(padded, weight, groups=c)


def mirror_extend(img: torch.Tensor) -> torch.Tensor:
    """``(N, C, H, W) -> (N, C, 2H, 2W)``: the image and its mirror images, so that the
    periodic extension the DFT assumes is continuous (no wrap-around edges, no ringing from
    them). For a symmetric PSF, circular deconvolution of this extension is deconvolution
    with symmetric (reflective) boundary conditions."""
    top = torch.cat([img, img.flip(-1)], dim=-1)
    return torch.cat([top, top.flip(-2)], dim=-2)


def psf_to_otf(psf: torch.Tensor, shape: tuple[int, int]) -> torch.Tensor:
    """The ``rfft2`` transfer function of ``psf`` for images of ``shape`` (H, W): the kernel
    zero-padded to ``shape`` and rolled so its centre is at pixel (0, 0). Complex
    ``(H, W // 2 + 1)``."""
    k = psf.shape[-1]
    h, w = shape
    if k > h or k > w:
        raise ValueError(f"PSF of side {k} is larger than the (extended) image {h}x{w}")
    big = psf.new_zeros(h, w)
    big[:k, :k] = psf
    big = torch.roll(big, shifts=(-(k // 2), -(k // 2)), dims=(0, 1))
    return torch.fft.rfft2(big)
