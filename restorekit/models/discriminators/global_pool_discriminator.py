"""A size-agnostic VGG-style discriminator (global average pooling head)."""

from __future__ import annotations

import torch
import torch.nn as nn

from restorekit.registry import MODELS

from .conv_blocks import conv_norm_act


@MODELS.register_module()
class GlobalPoolDiscriminator(nn.Module):
    """SRGAN-style discriminator that accepts any input size.

    conv3x3 -> LeakyReLU, then ``num_stages`` pairs of (3x3 s1, 4x4 s2) conv + norm + LReLU
    with channels doubling up to ``8 * base_channels``, then global average pooling and a
    1x1 conv head (C -> 2C -> 1), as in the size-agnostic D of the jkhu29 re-implementation
    (reference/methods.md §1.3), with the VGG-128 stage layout.

    Input (N, in_channels, H, W) in [0, 1], H and W >= 2 ** num_stages (twice that with
    instance norm); output (N, 1) logits.

    Args:
        in_channels: 3 (6 for a conditional variant).
        base_channels: width of the first stage.
        num_stages: number of stride-2 stages (4 for 64-px crops, 5 matches VGG-128).
        norm: a name of :func:`restorekit.models.layers.build_norm` (``'none'`` keeps DDP and
            single-process runs exactly comparable).
    """

    def __init__(
        self,
        in_channels: int = 3,
        base_channels: int = 64,
        num_stages: int = 5,
        norm: str = "batch",
    ) -> None:
        super().__init__()
        c = base_channels
        layers = [nn.Conv2d(in_channels, c, 3, 1, 1), nn.LeakyReLU(0.2, inplace=True)]
        layers.append(conv_norm_act(c, c, 4, 2, norm))
        prev = c
        for i in range(1, num_stages):
            width = min(c * 2**i, c * 8)
            layers += [
                conv_norm_act(prev, width, 3, 1, norm),
                conv_norm_act(width, width, 4, 2, norm),
            ]
            prev = width
        self.features = nn.Sequential(*layers)
        # instance norm needs more than one spatial element in the last stage
        self.min_size = 2 ** (num_stages + 1) if norm == "instance" else 2**num_stages
        self.head = nn.Sequential(
            nn.Conv2d(prev, prev * 2, 1),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(prev * 2, 1, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if min(x.shape[-2:]) < self.min_size:
            raise ValueError(
                f"GlobalPoolDiscriminator needs inputs of at least {self.min_size}x"
                f"{self.min_size}, got {tuple(x.shape[-2:])}"
            )
        feat = self.features(x).mean(dim=(-2, -1), keepdim=True)
        return self.head(feat).flatten(1)
