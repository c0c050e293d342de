"""Small building blocks shared by the VGG-style discriminators."""

from __future__ import annotations

import torch.nn as nn

from restorekit.models.layers import build_norm


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
        build_norm(norm, out_ch),
        nn.LeakyReLU(0.2, inplace=True),
    )
