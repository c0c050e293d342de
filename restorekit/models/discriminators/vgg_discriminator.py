"""ESRGAN's VGG-style discriminator, the one the official DBGAN code base ships."""

from __future__ import annotations

import torch
import torch.nn as nn

from restorekit.registry import MODELS

from .conv_blocks import conv_norm_act


@MODELS.register_module()
class VGGStyleDiscriminator(nn.Module):
    """``Discriminator_VGG_128`` of HDC/ESRGAN (reference/methods.md §1.3).

    Five stages of (3x3 s1, 4x4 s2) convs with 64, 128, 256, 512, 512 channels, LeakyReLU(0.2)
    after every conv and ``norm`` after every conv but the first; then
    Linear(512 * (S/32)^2, 100) -> LeakyReLU -> Linear(100, 1).

    Input (N, in_channels, S, S) in [0, 1] with S == ``input_size`` exactly (128 in the
    paper); output (N, 1) logits. Any other size raises ``ValueError`` naming the size: use
    :class:`GlobalPoolDiscriminator` for variable sizes.

    Args:
        in_channels: 3 (6 for a conditional variant).
        base_channels: width of the first stage (64).
        norm: ``'batch'`` (ESRGAN), ``'instance'`` (no affine), ``'instance_affine'`` or ``'none'``.
        input_size: spatial size, a multiple of 32 (128, 96->no; use 128, 160, 192, ...).
    """

    def __init__(
        self,
        in_channels: int = 3,
        base_channels: int = 64,
        norm: str = "batch",
        input_size: int = 128,
    ) -> None:
        super().__init__()
        if input_size % 32:
            raise ValueError(f"input_size must be a multiple of 32, got {input_size}")
        c = base_channels
        widths = [c, c * 2, c * 4, c * 8, c * 8]
        layers = [
            nn.Conv2d(in_channels, c, 3, 1, 1),
            nn.LeakyReLU(0.2, inplace=True),
            conv_norm_act(c, c, 4, 2, norm),
        ]
        prev = c
        for width in widths[1:]:
            layers += [
                conv_norm_act(prev, width, 3, 1, norm),
                conv_norm_act(width, width, 4, 2, norm),
            ]
            prev = width
        self.features = nn.Sequential(*layers)
        spatial = input_size // 32
        self.classifier = nn.Sequential(
            nn.Linear(prev * spatial * spatial, 100),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(100, 1),
        )
        self.input_size = input_size

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-2:] != (self.input_size, self.input_size):
            raise ValueError(
                f"VGGStyleDiscriminator expects {self.input_size}x{self.input_size} inputs, got "
                f"{tuple(x.shape[-2:])}; crop training patches to that size or use "
                f"GlobalPoolDiscriminator"
            )
        return self.classifier(self.features(x).flatten(1))
