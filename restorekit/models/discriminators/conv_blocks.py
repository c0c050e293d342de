"""Small building blocks shared by the VGG-style discriminators."""

from __future__ import annotations

import torch.nn as nn


def norm_layer(norm: str, channels: int) -> nn.Module:
    """``'batch'`` | ``'instance'`` | ``'none'`` -> a 2-D normalisation module."""
    if norm == "batch":
        return nn.BatchNorm2d(channels)
    if norm == "instance":
        return nn.InstanceNorm2d(channels, affine=True)
    if norm == "none":
        return nn.Identity()
    raise ValueError(f"norm must be 'batch', 'instance' or 'none', got {norm!r}")


def conv_norm_act(
    in_ch: int, out_ch: int, kernel: int, stride: int, norm: str, bias: bool = True
) -> nn.Sequential:
    """conv (padding 1 for kernel 3 and 4) + norm + LeakyReLU(0.2).

    ``bias=True`` even before a norm layer, as ESRGAN's ``conv_block`` (the official
    ``Discriminator_VGG_128`` has 14,502,281 parameters only with those biases).
    """
    padding = 1
    return nn.Sequential(
        nn.Conv2d(in_ch, out_ch, kernel, stride, padding, bias=bias),
        norm_layer(norm, out_ch),
        nn.LeakyReLU(0.2, inplace=True),
    )
