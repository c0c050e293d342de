"""Light curves and normalised-kernel application used by :class:`KernelBlurGenerator`.

Images are (N, 3, H, W) float tensors; kernels are non-negative and sum to 1, so every output
pixel is a convex combination of input pixels in its k x k neighbourhood (reflect padding).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

_TOE = 1e-4  # linear light below which 'gamma' is a straight line (bounded gradient at 0)


def to_linear(x: torch.Tensor, curve: str = "srgb", gamma: float = 2.2) -> torch.Tensor:
    """sRGB-encoded [0, 1] -> linear light: the IEC 61966-2-1 curve, ``x ** gamma`` (with a
    linear toe below linear 1e-4, i.e. x < 0.015 for gamma 2.2, so that the inverse has a
    bounded gradient at 0), or the identity (``'none'``)."""
    if curve == "srgb":
        return torch.where(x <= 0.04045, x / 12.92,
                           ((x.clamp(min=0.04045) + 0.055) / 1.055) ** 2.4)
    if curve == "gamma":
        knee = _TOE ** (1 / gamma)
        return torch.where(x < knee, x * (_TOE / knee), x.clamp(min=knee) ** gamma)
    return x


def to_srgb(x: torch.Tensor, curve: str = "srgb", gamma: float = 2.2) -> torch.Tensor:
    """Inverse of :func:`to_linear` (same ``curve`` and ``gamma``)."""
    if curve == "srgb":
        return torch.where(x <= 0.0031308, x * 12.92,
                           1.055 * x.clamp(min=0.0031308) ** (1 / 2.4) - 0.055)
    if curve == "gamma":
        knee = _TOE ** (1 / gamma)
        return torch.where(x < _TOE, x * (knee / _TOE), x.clamp(min=_TOE) ** (1 / gamma))
    return x


def apply_image_kernels(img: torch.Tensor, kernels: torch.Tensor) -> torch.Tensor:
    """One kernel per image (the ``region_size=0`` case of :func:`apply_pixel_kernels`, same
    gather form and borders) as a grouped convolution: about 10x faster on CPU.

    Args:
        img: (N, C, H, W).
        kernels: (N, k * k) weights, k odd, row-major taps.

    Returns:
        (N, C, H, W).
    """
    n, c, h, w = img.shape
    k = math.isqrt(kernels.shape[1])
    if k * k != kernels.shape[1] or k % 2 == 0 or kernels.shape[0] != n:
        raise ValueError(f"kernels must be ({n}, k*k) with odd k, got {tuple(kernels.shape)}")
    r = k // 2
    mode = "reflect" if min(h, w) > r else "replicate"
    padded = F.pad(img, (r, r, r, r), mode=mode).reshape(1, n * c, h + 2 * r, w + 2 * r)
    weight = kernels.view(n, 1, 1, k, k).expand(n, c, 1, k, k).reshape(n * c, 1, k, k)
    return F.conv2d(padded, weight, groups=n * c).view(n, c, h, w)


def apply_pixel_kernels(img: torch.Tensor, kernels: torch.Tensor) -> torch.Tensor:
    """Per-pixel kernels, gather form (each output pixel collects from its neighbourhood)::

        out[n, c, y, x] = sum_{i,j} kernels[n, i*k + j, y, x] * img[n, c, y + i - r, x + j - r]

    Args:
        img: (N, C, H, W).
        kernels: (N, k * k, H, W) per-pixel weights, k odd, r = k // 2, row-major taps.
            Borders are reflect-padded (replicate when the image is smaller than r + 1).

    Returns:
        (N, C, H, W). One ``unfold`` per channel: peak memory about twice the kernels' size
        (a loop over the k^2 taps used less memory but was 8x slower on CPU, 30x backward).
    """
    h, w = img.shape[-2:]
    k = math.isqrt(kernels.shape[1])
    if k * k != kernels.shape[1] or k % 2 == 0 or kernels.shape[-2:] != (h, w):
        raise ValueError(f"kernels must be (N, k*k, {h}, {w}) with odd k, got "
                         f"{tuple(kernels.shape)}")
    r = k // 2
    mode = "reflect" if min(h, w) > r else "replicate"
    padded = F.pad(img, (r, r, r, r), mode=mode)
    n = img.shape[0]
    return torch.cat([
        (F.unfold(padded[:, c:c + 1], k).view(n, k * k, h, w) * kernels).sum(1, keepdim=True)
        for c in range(img.shape[1])
    ], dim=1)


