"""A physically constrained BGAN generator: predicted blur kernels applied in linear light.

A restorekit deviation from "Deblurring by Realistic Blurring" (CVPR 2020; the paper's BGAN
generator is :class:`BlurGenerator`, ``reference/methods.md`` §1.1, §1.6), motivated by
issue 8: the free-form RRDB BGAN learnt a brightness / contrast shift instead of a blur.
Here the network only chooses *kernels*: a small CNN, fed with the sharp image and the paper's
noise map (§1.5, :func:`draw_noise`), predicts for every pixel (or every region) a ``k x k``
kernel through a softmax over its ``k^2`` taps (so weights are >= 0 and sum to 1). The sharp
image is converted to linear light, each output pixel is the kernel-weighted sum of the input
pixels in its ``k x k`` neighbourhood (:func:`apply_pixel_kernels`), and the result goes back
to sRGB. Its output is therefore a blur of its input by construction: no tone curve, gain or
colour cast can be produced, only the redistribution of light that a camera shake does.
Real photos also carry sensor noise and compression: an optional residual, bounded by
``residual_scale * tanh`` and made zero-mean per image and channel (it cannot shift the tone
either), is added in sRGB after the blur. With ``residual_mode='noise'`` the residual is
fresh per-pixel noise instead, ``residual_scale * sigmoid(a) * z`` with z ~ N(0, 1) and a
predicted per pixel and channel (a learned, signal-dependent noise level; still zero-mean):
a deterministic residual cannot make sensor noise, and without noise a discriminator that
sees the real domain's noise pushes the kernels towards a delta (sharpening adds high
frequencies) instead of towards the real blur.

With ``kernel_mode='trajectory'`` the kernel is not a free softmax over the taps but a camera
shake *path*: the network predicts ``path_points`` control points (within the kernel's
radius), the piecewise-linear path through them is rasterised with Gaussian splats
(``path_sigma`` px) and normalised to sum 1. Free softmax kernels drift towards isotropic blobs,
which remove every high frequency; a line keeps the frequencies across its direction, as real
shake does (the radial band-energy profile falls like 1 / (f L), not exponentially).

Shapes: ``sharp`` (N, 3, H, W) in [0, 1], any H, W >= 1; output (N, 3, H, W) in [0, 1].
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from restorekit.registry import MODELS

from .bgan_generator import _NOISE_MODES, draw_noise
from .kernel_ops import apply_image_kernels, apply_pixel_kernels, to_linear, to_srgb

__all__ = ["KernelBlurGenerator", "apply_image_kernels", "apply_pixel_kernels", "to_linear",
           "to_srgb"]

_LIGHT = ("srgb", "gamma", "none")
_INITS = ("gaussian", "delta")
_RESIDUALS = ("tanh", "noise")
_KERNEL_MODES = ("free", "trajectory")
@MODELS.register_module()
class KernelBlurGenerator(nn.Module):
    """BGAN generator ``G(sharp, noise)`` that can only blur (see the module docstring).

    Args:
        kernel_size: odd side k of the predicted kernels (13; longest blur ~k px).
        mid_channels / num_layers: width and depth of the kernel CNN (3x3 convs, LeakyReLU
            0.2; receptive field ``2 * num_layers + 3`` px).
        region_size: 1 = one kernel per pixel; s > 1 = one kernel per s x s block (logits
            averaged over the block); 0 = one kernel per image.
        linear_light: ``'srgb'`` (sRGB curve, default), ``'gamma'`` (``x ** gamma``) or
            ``'none'`` (blur the sRGB values).
        gamma: exponent of ``'gamma'`` (2.2).
        residual_scale: bound of the zero-mean noise / compression residual added after the
            blur (0 = none, the output is a pure blur; e.g. 0.03 for noisy JPEG domains).
        residual_mode: ``'tanh'`` (deterministic ``residual_scale * tanh(a)``) or
            ``'noise'`` (``(residual_min + (residual_scale - residual_min) * sigmoid(a)) * z``,
            z ~ N(0, 1) per pixel, drawn with ``generator`` when given); both made zero-mean
            per image and channel.
        residual_min: noise floor (std) of ``'noise'`` (a sensor always has some noise; a
            content term would otherwise push a learned noise level to 0).
        init_kernel / init_sigma: initial kernel, ``'gaussian'`` (default, sigma 1 px) or
            ``'delta'`` (identity); the last conv starts with tiny weights and the log of this
            kernel as bias (floor ``1e-3 / k^2``), so every pixel starts with ~this kernel.
        noise_mode / noise_channels / noise_scale: the paper's noise input, as
            :class:`BlurGenerator` (``'tiled_vector'``, 4, 1.0).
        kernel_mode: ``'free'`` (softmax over the k^2 taps) or ``'trajectory'`` (a path of
            ``path_points`` control points rasterised with Gaussian splats of ``path_sigma``
            px; needs ``region_size=0``). The trajectory starts as a straight segment of
            ``init_length`` px (direction from the noise through the tiny-weight head).
    """

    def __init__(self, kernel_size: int = 13, mid_channels: int = 32, num_layers: int = 4,
                 region_size: int = 1, linear_light: str = "srgb", gamma: float = 2.2,
                 residual_scale: float = 0.0, residual_mode: str = "tanh",
                 residual_min: float = 0.0,
                 init_kernel: str = "gaussian",
                 init_sigma: float = 1.0, noise_mode: str = "tiled_vector",
                 noise_channels: int = 4, noise_scale: float = 1.0,
                 kernel_mode: str = "free", path_points: int = 4, path_sigma: float = 0.6,
                 init_length: float = 3.0) -> None:
        super().__init__()
        if kernel_size < 1 or kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd and >= 1, got {kernel_size}")
        checks = ((linear_light, _LIGHT, "linear_light"), (init_kernel, _INITS, "init_kernel"),
                  (noise_mode, _NOISE_MODES, "noise_mode"),
                  (residual_mode, _RESIDUALS, "residual_mode"),
                  (kernel_mode, _KERNEL_MODES, "kernel_mode"))
        for value, allowed, name in checks:
            if value not in allowed:
                raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
        if region_size < 0 or num_layers < 1 or noise_channels < 0 or residual_scale < 0:
            raise ValueError("region_size, noise_channels, residual_scale must be >= 0 and "
                             "num_layers >= 1")
        self.kernel_size, self.region_size = int(kernel_size), int(region_size)
        self.linear_light, self.gamma = linear_light, float(gamma)
        self.residual_scale, self.residual_mode = float(residual_scale), residual_mode
        self.residual_min = float(residual_min)
        if not 0 <= self.residual_min <= max(self.residual_scale, 0):
            raise ValueError(f"residual_min must be in [0, residual_scale], got {residual_min}")
        if kernel_mode == "trajectory" and (region_size != 0 or path_points < 2):
            raise ValueError("kernel_mode='trajectory' needs region_size=0 and path_points >= 2")
        self.kernel_mode, self.path_points = kernel_mode, int(path_points)
        self.path_sigma, self.init_length = float(path_sigma), float(init_length)
        self.noise_mode, self.noise_channels = noise_mode, int(noise_channels)
        self.noise_scale = float(noise_scale)
        layers: list[nn.Module] = []
        in_ch = 3 + self.noise_channels
        for _ in range(num_layers):
            layers += [nn.Conv2d(in_ch, mid_channels, 3, padding=1), nn.LeakyReLU(0.2, True)]
            in_ch = mid_channels
        self.body = nn.Sequential(*layers)
        taps = self.kernel_size**2 if kernel_mode == "free" else 2 * self.path_points
        self.num_kernel_outputs = taps
        self.head = nn.Conv2d(mid_channels, taps + (3 if self.residual_scale > 0 else 0), 3,
                              padding=1)
        if kernel_mode == "free":
            self._init_head(init_kernel, float(init_sigma))
        else:
            self._init_path_head()

    def _init_head(self, init_kernel: str, sigma: float) -> None:
        k = self.kernel_size
        if init_kernel == "delta":
            kernel = torch.zeros(k, k)
            kernel[k // 2, k // 2] = 1.0
        else:
            t = torch.arange(k, dtype=torch.float32) - k // 2
            g = torch.exp(-0.5 * (t / sigma) ** 2)
            kernel = torch.outer(g, g) / torch.outer(g, g).sum()
        nn.init.normal_(self.head.weight, std=1e-3)
        with torch.no_grad():
            self.head.bias.zero_()
            self.head.bias[:k * k] = torch.log(kernel.flatten() + 1e-3 / (k * k))

    def _init_path_head(self) -> None:
        """Tiny weights; bias = a straight horizontal segment of ``init_length`` px (in
        ``atanh`` units of the kernel radius)."""
        nn.init.normal_(self.head.weight, std=1e-2)
        r = self.kernel_size // 2
        xs = torch.linspace(-self.init_length / 2, self.init_length / 2, self.path_points)
        with torch.no_grad():
            self.head.bias.zero_()
            self.head.bias[0:2 * self.path_points:2] = torch.atanh((xs / r).clamp(-0.99, 0.99))

    def path_kernels(self, params: torch.Tensor) -> torch.Tensor:
        """(N, 2P) path parameters -> (N, k^2) kernels (row-major taps, sum 1): control points
        ``r * tanh(params)`` as (x, y) pairs, the polyline through them sampled at 4 k points,
        each splatted with a Gaussian of ``path_sigma`` px."""
        k, r, p = self.kernel_size, self.kernel_size // 2, self.path_points
        pts = r * torch.tanh(params.view(-1, p, 2))  # (N, P, 2) as (x, y)
        steps = 4 * k
        t = torch.linspace(0, p - 1, steps, device=params.device, dtype=params.dtype)
        i0 = t.floor().clamp(max=p - 2).long()
        frac = (t - i0.to(t.dtype))[None, :, None]
        path = pts[:, i0] * (1 - frac) + pts[:, i0 + 1] * frac  # (N, S, 2)
        grid = torch.arange(k, device=params.device, dtype=params.dtype) - r
        gy, gx = torch.meshgrid(grid, grid, indexing="ij")
        taps = torch.stack([gx.flatten(), gy.flatten()], dim=-1)  # (k^2, 2)
        d2 = ((path[:, :, None, :] - taps[None, None]) ** 2).sum(-1)  # (N, S, k^2)
        kernel = torch.exp(-0.5 * d2 / self.path_sigma**2).sum(1)
        return kernel / kernel.sum(1, keepdim=True)

    def make_noise(self, n: int, h: int, w: int, generator: torch.Generator | None = None,
                   device: torch.device | str | None = None,
                   dtype: torch.dtype = torch.float32) -> torch.Tensor:
        """Noise map (n, noise_channels, h, w), as :meth:`BlurGenerator.make_noise`."""
        if device is None:
            device = generator.device if generator is not None else self.head.weight.device
        return draw_noise(self.noise_mode, self.noise_channels, self.noise_scale, n, h, w,
                          generator, device, dtype)

    def _pool(self, logits: torch.Tensor) -> torch.Tensor:
        """Share logits over ``region_size`` blocks (or the whole image)."""
        h, w = logits.shape[-2:]
        if self.region_size == 0:
            return logits.mean((2, 3), keepdim=True).expand(-1, -1, h, w)
        if self.region_size > 1:
            s = self.region_size
            pooled = F.avg_pool2d(logits, s, s, ceil_mode=True)
            logits = pooled.repeat_interleave(s, 2).repeat_interleave(s, 3)[:, :, :h, :w]
        return logits

    def _mean_head(self, feat: torch.Tensor) -> torch.Tensor:
        """``self.head(feat).mean((2, 3))`` (N, out) without the full-resolution head: the
        mean of a 3x3 convolution is its weights applied to the means of the 9 shifted
        windows of the zero-padded features (exact; the head is the costly layer)."""
        h, w = feat.shape[-2:]
        padded = F.pad(feat, (1, 1, 1, 1))
        means = torch.stack([padded[:, :, i:i + h, j:j + w].mean((2, 3))
                             for i in range(3) for j in range(3)], dim=-1)  # (N, C, 9)
        weight = self.head.weight.flatten(2)  # (out, C, 9)
        return torch.einsum("nck,ock->no", means, weight) + self.head.bias

    def blur_parts(self, sharp: torch.Tensor, noise: torch.Tensor | None = None,
                   generator: torch.Generator | None = None) -> dict[str, torch.Tensor]:
        """The pieces of :meth:`forward`: ``kernels`` (N, k^2, H, W), ``linear_in`` and
        ``linear_out`` (N, 3, H, W) linear light, ``residual`` (N, 3, H, W) or None."""
        if sharp.dim() != 4 or sharp.shape[1] != 3:
            raise ValueError(f"KernelBlurGenerator expects (N, 3, H, W) sharp images, got "
                             f"{tuple(sharp.shape)}")
        n, _, h, w = sharp.shape
        x = sharp
        if self.noise_channels:
            if noise is None:
                noise = self.make_noise(n, h, w, generator, sharp.device, sharp.dtype)
            elif noise.shape != (n, self.noise_channels, h, w):
                raise ValueError(f"noise must be {(n, self.noise_channels, h, w)}, got "
                                 f"{tuple(noise.shape)}")
            x = torch.cat([sharp, noise.to(sharp.dtype)], dim=1)
        feat = self.body(x)
        taps = self.num_kernel_outputs
        linear_in = to_linear(sharp, self.linear_light, self.gamma)
        if self.region_size == 0:  # one kernel per image: fast path, same values
            params = self._mean_head(feat)[:, :taps]
            kernel = (self.path_kernels(params) if self.kernel_mode == "trajectory"
                      else torch.softmax(params, dim=1))
            kernels = kernel[:, :, None, None].expand(-1, -1, h, w)
            linear_out = apply_image_kernels(linear_in, kernel)
        else:
            kernels = torch.softmax(self._pool(self.head(feat)[:, :taps]), dim=1)
            linear_out = apply_pixel_kernels(linear_in, kernels)
        residual = None
        if self.residual_scale > 0:
            res = F.conv2d(feat, self.head.weight[-3:], self.head.bias[-3:], padding=1)
            if self.residual_mode == "noise":
                z = torch.randn(res.shape, generator=generator, device=res.device,
                                dtype=res.dtype)
                span = self.residual_scale - self.residual_min
                residual = (self.residual_min + span * torch.sigmoid(res)) * z
            else:
                residual = self.residual_scale * torch.tanh(res)
            residual = residual - residual.mean((2, 3), keepdim=True)
        return dict(kernels=kernels, linear_in=linear_in, residual=residual,
                    linear_out=linear_out)

    def forward(self, sharp: torch.Tensor, noise: torch.Tensor | None = None,
                generator: torch.Generator | None = None) -> torch.Tensor:
        """Blur ``sharp`` (N, 3, H, W) [0, 1] -> (N, 3, H, W) [0, 1]; ``noise`` as
        :class:`BlurGenerator` (None: drawn, with ``generator`` if given)."""
        parts = self.blur_parts(sharp, noise, generator)
        out = to_srgb(parts["linear_out"], self.linear_light, self.gamma)
        if parts["residual"] is not None:
            out = out + parts["residual"]
        return out.clamp(0, 1)
