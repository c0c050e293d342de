"""Building blocks of NAFNet: LayerNorm2d, SimpleGate, simplified channel attention, NAFBlock.

Reference: Chen, Chu, Zhang, Sun, "Simple Baselines for Image Restoration", ECCV 2022, and the
official MIT code (megvii-research/NAFNet, ``basicsr/models/archs/NAFNet_arch.py`` and
``arch_util.py``). Written from the architecture description; the layer order, shapes,
epsilon and initial values follow the official code so that official weights load (through
:mod:`restorekit.models.generators.nafnet_checkpoint`) and give the same outputs.

All blocks map float32 ``(N, C, H, W) -> (N, C, H, W)`` (SimpleGate halves ``C``); they have no
range constraint (feature maps).
"""

from __future__ import annotations

import torch
from torch import nn


class LayerNorm2d(nn.Module):
    """Layer normalisation over the channel axis of an ``(N, C, H, W)`` map, per pixel.

    ``y = weight * (x - mean_c(x)) / sqrt(var_c(x) + eps) + bias`` with the biased variance,
    ``eps=1e-6`` and per-channel affine ``weight`` (ones) / ``bias`` (zeros), as the official
    ``LayerNorm2d``. The official code uses a hand-written autograd function for memory; this
    one uses plain tensor operations (same forward values and gradients, exportable to ONNX).
    """

    def __init__(self, channels: int, eps: float = 1e-6) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mu = x.mean(1, keepdim=True)
        var = (x - mu).pow(2).mean(1, keepdim=True)
        y = (x - mu) / (var + self.eps).sqrt()
        return self.weight.view(1, -1, 1, 1) * y + self.bias.view(1, -1, 1, 1)


class SimpleGate(nn.Module):
    """Split the channels in two halves and multiply them: ``(N, 2C, H, W) -> (N, C, H, W)``."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a, b = x.chunk(2, dim=1)
        return a * b


class SimplifiedChannelAttention(nn.Module):
    """SCA: ``x * conv1x1(global_avg_pool(x))`` (no non-linearity), ``(N, C, H, W)`` kept."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.conv = nn.Conv2d(channels, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.conv(self.pool(x))


class NAFBlock(nn.Module):
    """Nonlinear-activation-free block on ``c`` channels, ``(N, c, H, W) -> (N, c, H, W)``.

    Spatial half: ``y = x + beta * project(SCA(gate(dwconv3x3(expand(norm1(x))))))`` where
    ``expand`` is a 1x1 conv to ``2c`` (``dw_expand=2``), the depthwise 3x3 conv keeps ``2c``,
    the gate halves to ``c`` and ``project`` is a 1x1 conv back to ``c``.
    Channel half: ``out = y + gamma * ffn_project(gate(ffn_expand(norm2(y))))`` with
    ``ffn_expand`` 1x1 to ``2c`` (``ffn_expand=2``) and ``ffn_project`` 1x1 back to ``c``.
    ``beta`` and ``gamma`` are ``(1, c, 1, 1)`` parameters initialised to zero (as official):
    an untrained block is the identity. Dropout (official ``drop_out_rate``) is omitted: it is
    0 in every official option file.

    Parameters: ``7 c^2 + 33 c`` (see ``tests/models/generators/test_nafnet.py``).
    """

    def __init__(self, c: int, dw_expand: int = 2, ffn_expand: int = 2) -> None:
        super().__init__()
        dw = c * dw_expand
        ffn = c * ffn_expand
        self.norm1 = LayerNorm2d(c)
        self.expand = nn.Conv2d(c, dw, 1)
        self.dwconv = nn.Conv2d(dw, dw, 3, padding=1, groups=dw)
        self.gate = SimpleGate()
        self.sca = SimplifiedChannelAttention(dw // 2)
        self.project = nn.Conv2d(dw // 2, c, 1)
        self.norm2 = LayerNorm2d(c)
        self.ffn_expand = nn.Conv2d(c, ffn, 1)
        self.ffn_project = nn.Conv2d(ffn // 2, c, 1)
        self.beta = nn.Parameter(torch.zeros(1, c, 1, 1))
        self.gamma = nn.Parameter(torch.zeros(1, c, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        t = self.gate(self.dwconv(self.expand(self.norm1(x))))
        y = x + self.project(self.sca(t)) * self.beta
        t = self.gate(self.ffn_expand(self.norm2(y)))
        return y + self.ffn_project(t) * self.gamma
