"""Building blocks of MIMO-UNet (Cho et al., ICCV 2021, "Rethinking Coarse-to-Fine Approach in
Single Image Deblurring").

Written from the layer description in ``reference/methods.md`` §4.2 (official code:
chosj95/MIMO-UNet ``models/layers.py`` and ``models/MIMOUNet.py``; Blur2Blur ships an identical
copy). Every convolution has a bias and "same" padding (``k // 2``); no normalisation layers.
Module names are restorekit's own; :mod:`.mimo_checkpoint` maps the official names onto them.
"""

from __future__ import annotations

import torch
import torch.nn as nn


def conv(in_channels: int, out_channels: int, kernel_size: int, stride: int = 1) -> nn.Conv2d:
    """Conv2d with bias and padding ``kernel_size // 2`` (official ``BasicConv`` without act)."""
    return nn.Conv2d(in_channels, out_channels, kernel_size, stride, kernel_size // 2)


class ConvReLU(nn.Sequential):
    """``conv`` followed by ReLU (official ``BasicConv(..., relu=True)``); keys ``0.*``."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int,
                 stride: int = 1) -> None:
        super().__init__(conv(in_channels, out_channels, kernel_size, stride), nn.ReLU())


class UpConvReLU(nn.Sequential):
    """4x4 stride-2 transposed conv (padding 1) + ReLU: (N, C_in, H, W) -> (N, C_out, 2H, 2W)."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__(nn.ConvTranspose2d(in_channels, out_channels, 4, 2, 1), nn.ReLU())


class ResBlock(nn.Module):
    """``x + conv3x3(relu(conv3x3(x)))``; shape preserving (N, C, H, W)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = conv(channels, channels, 3)
        self.conv2 = conv(channels, channels, 3)
        self.act = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv2(self.act(self.conv1(x)))


def res_stack(channels: int, num_blocks: int) -> nn.Sequential:
    """``num_blocks`` :class:`ResBlock` in a row (the official EBlock / DBlock)."""
    return nn.Sequential(*[ResBlock(channels) for _ in range(num_blocks)])


class SCM(nn.Module):
    """Shallow convolutional module: features of a downsampled RGB input.

    (N, 3, h, w) in [0, 1] -> (N, channels, h, w). ``body`` = 3x3 3->c/4, 1x1 ->c/2, 3x3 ->c/2,
    1x1 ->c-3 (each + ReLU); its output is concatenated with the RGB input (c channels) and
    mixed by a 1x1 conv c->c without activation (``fuse``).
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        if channels < 4:
            raise ValueError(f"SCM needs at least 4 channels, got {channels}")
        self.body = nn.Sequential(
            ConvReLU(3, channels // 4, 3),
            ConvReLU(channels // 4, channels // 2, 1),
            ConvReLU(channels // 2, channels // 2, 3),
            ConvReLU(channels // 2, channels - 3, 1),
        )
        self.fuse = conv(channels, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fuse(torch.cat([x, self.body(x)], dim=1))


class FAM(nn.Module):
    """Feature attention module: ``x + conv3x3(x * scm)``; both (N, C, h, w), same output."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv = conv(channels, channels, 3)

    def forward(self, x: torch.Tensor, scm: torch.Tensor) -> torch.Tensor:
        return x + self.conv(x * scm)


class AFF(nn.Module):
    """Asymmetric feature fusion of the three encoder scales (already resampled to one size).

    ``cat(x1, x2, x4)`` with ``in_channels`` = 7 x base channels -> 1x1 conv + ReLU ->
    3x3 conv -> (N, out_channels, h, w).
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.conv1 = ConvReLU(in_channels, out_channels, 1)
        self.conv2 = conv(out_channels, out_channels, 3)

    def forward(self, x1: torch.Tensor, x2: torch.Tensor, x4: torch.Tensor) -> torch.Tensor:
        return self.conv2(self.conv1(torch.cat([x1, x2, x4], dim=1)))


__all__ = ["AFF", "FAM", "SCM", "ConvReLU", "ResBlock", "UpConvReLU", "conv", "res_stack"]
