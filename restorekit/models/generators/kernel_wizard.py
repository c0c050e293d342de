"""BKSE KernelWizard: blur-kernel encoder F and blur adapter G (Tran et al., CVPR 2021).

Follows ``reference/methods.md`` §4.4 (BKSE ``models/kernel_encoding/kernel_wizard.py``; the
copy Blur2Blur uses to synthesise known-blur targets, config ``GOPRO_woVAE``: nf 64, 10 front
and 20 back residual blocks, kernel_dim 512, norm ``none``, no VAE). Parts are in
:mod:`.kernel_wizard_blocks`. Blur2Blur extracts a code from a known-domain pair (sharp D,
blurred C) and transfers it to an unknown-domain sharp image B: ``adapt(B, extract(D, C))``.

Shapes and ranges
-----------------
* images: float32 ``(N, 3, H, W)`` RGB in [0, 1], **any** ``H``, ``W``. The network's stride is
  128 (4 in the shared feature extractor x 2**5 in F and in the adapter U-Net), so every public
  method pads its images on the bottom/right to multiples of :attr:`size_divisor` (128) and
  to at least :attr:`min_size` (256) with ``pad_mode`` (reflect; mirrored repeatedly for images
  smaller than the pad) and crops the result back. The minimum is real: F's ResNet blocks
  reflect-pad the code by 1 pixel, which needs a code of at least 2 x 2 (BKSE and Blur2Blur use
  256 crops; their random codes are ``(1, 512, 2, 2)``). A caller whose images already have
  these sizes pays nothing extra.
* kernel code: ``(N, kernel_dim, h_c, w_c)`` with ``h_c = max(ceil(H/128), 2)`` (same for W;
  see :meth:`KernelWizard.code_size`), unbounded floats.
* blurred output: ``(N, 3, H, W)`` = sharp + residual, in the [0, 1] convention but **not
  clamped** (as official).

The official ``forward(sharp, blur)`` returns F's code ``(mean, zeros)``; here
:meth:`KernelWizard.extract` returns the code (the mean; the variance part is only used by the
VAE variant, which is not implemented), :meth:`KernelWizard.adapt` is the official
``adaptKernel`` and :meth:`KernelWizard.forward` is ``adapt(sharp, extract(sharp, blur))``
(re-blurring an image with its own blur, the BKSE training reconstruction).

State-dict keys equal the official ones (``feature_extractor.*``, ``kernel_extractor.model.*``,
``adapter.model.*``, ``recon_trunk.*``); :mod:`.kernel_wizard_checkpoint` checks an official
file strictly. Widths are configurable for demos; at ``nf != 64`` the trunk after the first
PixelShuffle uses ``nf`` channels where the official code hard-codes 64, and the innermost
adapter ConvT takes ``8 nf + kernel_dim`` channels (official ``16 nf``, equal when
``kernel_dim = 8 nf``).
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from restorekit.registry import MODELS

from .kernel_wizard_blocks import KernelAdapter, KernelExtractor, ResidualBlockNoBN

_PAD_MODES = ("reflect", "replicate", "constant")


def pad_bottom_right(x: torch.Tensor, height: int, width: int, mode: str) -> torch.Tensor:
    """Pad ``x`` (N, C, h, w) on the bottom/right to ``height`` x ``width``.

    Reflect padding wider than the image is applied in steps (mirror of the mirror); a side of
    1 pixel falls back to replicate.
    """
    pad_h, pad_w = height - x.shape[-2], width - x.shape[-1]
    if mode != "reflect":
        return F.pad(x, (0, pad_w, 0, pad_h), mode=mode)
    while pad_h > 0 or pad_w > 0:
        cur_h, cur_w = x.shape[-2:]
        if (pad_h > 0 and cur_h < 2) or (pad_w > 0 and cur_w < 2):
            return F.pad(x, (0, pad_w, 0, pad_h), mode="replicate")
        step_h, step_w = min(pad_h, cur_h - 1), min(pad_w, cur_w - 1)
        x = F.pad(x, (0, step_w, 0, step_h), mode="reflect")
        pad_h, pad_w = pad_h - step_h, pad_w - step_w
    return x


@MODELS.register_module()
class KernelWizard(nn.Module):
    """BKSE blur-kernel encoder (F) and adapter (G); see the module docstring for shapes.

    Args:
        in_channels: image channels (3).
        nf: feature width (64 official).
        front_blocks: residual blocks in the shared feature extractor (10 official).
        back_blocks: residual blocks in the reconstruction trunk (20 official).
        kernel_dim: channels of the kernel code (512 official).
        extractor_blocks: ResNet blocks at the end of F (4 official).
        pad_mode: how images are padded to multiples of 128 (at least 256): ``'reflect'``,
            ``'replicate'`` or ``'constant'`` (zeros).
    """

    size_divisor = 128
    min_size = 256

    def __init__(
        self,
        in_channels: int = 3,
        nf: int = 64,
        front_blocks: int = 10,
        back_blocks: int = 20,
        kernel_dim: int = 512,
        extractor_blocks: int = 4,
        pad_mode: str = "reflect",
    ) -> None:
        super().__init__()
        if pad_mode not in _PAD_MODES:
            raise ValueError(f"KernelWizard: pad_mode={pad_mode!r} is not one of {_PAD_MODES}")
        if nf < 1 or kernel_dim < 1:
            raise ValueError(f"KernelWizard: nf ({nf}) and kernel_dim ({kernel_dim}) must be >= 1")
        self.in_channels, self.nf, self.kernel_dim = in_channels, nf, kernel_dim
        self.pad_mode = pad_mode
        self.feature_extractor = nn.Sequential(
            nn.Conv2d(in_channels, nf, 3, 1, 1), nn.LeakyReLU(0.1),
            nn.Conv2d(nf, nf, 3, 2, 1), nn.LeakyReLU(0.1),
            nn.Conv2d(nf, nf, 3, 2, 1), nn.LeakyReLU(0.1),
            *[ResidualBlockNoBN(nf) for _ in range(front_blocks)],
        )
        self.kernel_extractor = KernelExtractor(nf, kernel_dim, extractor_blocks)
        self.adapter = KernelAdapter(nf, kernel_dim)
        self.recon_trunk = nn.Sequential(
            *[ResidualBlockNoBN(nf) for _ in range(back_blocks)],
            nn.Conv2d(nf, 4 * nf, 3, 1, 1), nn.PixelShuffle(2), nn.LeakyReLU(0.1),
            nn.Conv2d(nf, 4 * nf, 3, 1, 1), nn.PixelShuffle(2), nn.LeakyReLU(0.1),
            nn.Conv2d(nf, nf, 3, 1, 1), nn.LeakyReLU(0.1),
            nn.Conv2d(nf, in_channels, 3, 1, 1),
        )

    # ------------------------------------------------------------------ helpers
    def _check(self, x: torch.Tensor, name: str) -> None:
        if x.dim() != 4 or x.shape[1] != self.in_channels:
            raise ValueError(f"KernelWizard: {name} must be (N, {self.in_channels}, H, W) in "
                             f"[0, 1], got {tuple(x.shape)}")

    def padded_size(self, height: int, width: int) -> tuple[int, int]:
        """Size an image is padded to: multiples of 128, at least :attr:`min_size` (256)."""
        d, m = self.size_divisor, self.min_size
        return max(-(-height // d) * d, m), max(-(-width // d) * d, m)

    def code_size(self, height: int, width: int) -> tuple[int, int]:
        """Spatial size of the kernel code of a ``height`` x ``width`` image."""
        ph, pw = self.padded_size(height, width)
        return ph // self.size_divisor, pw // self.size_divisor

    def _pad(self, x: torch.Tensor) -> torch.Tensor:
        return pad_bottom_right(x, *self.padded_size(*x.shape[-2:]), self.pad_mode)

    # ------------------------------------------------------------------ F and G
    def extract(self, sharp: torch.Tensor, blur: torch.Tensor) -> torch.Tensor:
        """F: kernel code of the blur that turns ``sharp`` into ``blur``.

        Args:
            sharp, blur: aligned ``(N, 3, H, W)`` images in [0, 1] (any equal H, W).

        Returns:
            ``(N, kernel_dim, *code_size(H, W))``: ``max(ceil(H/128), 2)`` x
            ``max(ceil(W/128), 2)``.
        """
        self._check(sharp, "sharp")
        self._check(blur, "blur")
        if sharp.shape != blur.shape:
            raise ValueError(f"KernelWizard.extract: sharp {tuple(sharp.shape)} and blur "
                             f"{tuple(blur.shape)} must have the same shape (an aligned pair)")
        feats = self.feature_extractor(self._pad(torch.cat([sharp, blur], dim=0)))
        sharp_feat, blur_feat = feats.chunk(2, dim=0)
        return self.kernel_extractor(sharp_feat, blur_feat)

    def adapt(self, sharp: torch.Tensor, code: torch.Tensor) -> torch.Tensor:
        """G: blur ``sharp`` with the blur encoded in ``code`` (official ``adaptKernel``).

        Args:
            sharp: ``(N, 3, H, W)`` in [0, 1], any H, W.
            code: ``(N, kernel_dim, *code_size(H, W))``, e.g. :meth:`extract` of
                another pair of the same size.

        Returns:
            ``(N, 3, H, W)`` blurred image (sharp + residual, unclamped).
        """
        self._check(sharp, "sharp")
        h, w = sharp.shape[-2:]
        expected = (sharp.shape[0], self.kernel_dim, *self.code_size(h, w))
        if tuple(code.shape) != expected:
            raise ValueError(
                f"KernelWizard.adapt: a {h}x{w} image needs a kernel code of shape {expected}, "
                f"got {tuple(code.shape)}. Extract the code from a pair whose size pads to the "
                f"same multiple of {self.size_divisor} (at least {self.min_size}).")
        padded = self._pad(sharp)
        out = self.recon_trunk(self.adapter(self.feature_extractor(padded), code)) + padded
        return out[..., :h, :w]

    def forward(self, sharp: torch.Tensor, blur: torch.Tensor) -> torch.Tensor:
        """``adapt(sharp, extract(sharp, blur))``: ``(N, 3, H, W)`` x 2 -> ``(N, 3, H, W)``."""
        return self.adapt(sharp, self.extract(sharp, blur))


__all__ = ["KernelWizard"]
