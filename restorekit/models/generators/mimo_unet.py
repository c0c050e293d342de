"""MIMO-UNet and MIMO-UNet+ (Cho et al., ICCV 2021): multi-input multi-output U-Net deblurrer.

Follows ``reference/methods.md`` §4.2 (official chosj95/MIMO-UNet ``models/MIMOUNet.py``;
Blur2Blur uses the same network as its translator G). Blocks are in :mod:`.mimo_blocks`;
official checkpoints are mapped by :mod:`.mimo_checkpoint`.

Shapes and ranges
-----------------
* input: float32 ``(N, 3, H, W)`` RGB in [0, 1] with ``H`` and ``W`` multiples of 4
  (:attr:`MIMOUNet.size_divisor`). The generator does **not** pad: the data preprocessor
  (``pad_size_divisor=4``) or ``restorekit.apis`` inference (which reads ``size_divisor``) pads
  and crops back, as for every generator whose stride is small. Other sizes raise ``ValueError``.
* output: a list of three float32 tensors, **coarse to fine**::

      [out_4 (N, 3, H/4, W/4), out_2 (N, 3, H/2, W/2), out_1 (N, 3, H, W)]

  ``out_k = x_k + residual_k`` where ``x_2 = nearest(x, 1/2)`` and ``x_4 = nearest(x_2, 1/2)``
  (``F.interpolate`` default mode, as official). The outputs are in the [0, 1] convention but
  **not clamped** (no output activation, as official): losses see the raw values, and a method's
  ``predict`` clamps ``out_1`` to [0, 1]. Multi-scale losses compare ``out_k`` with the target
  resized to the same size (official MIMO recipe: bilinear; §5.1).

Architecture (``c = base_channels``; 32 in the paper)
-----------------------------------------------------
Encoder: ``head`` 3x3 3->c + ReLU -> ``encoders[0]`` (c, full) -> ``enc_down2`` 3x3 s2 c->2c
+ ReLU -> ``fam2``(., ``scm2``(x_2)) -> ``encoders[1]`` (2c, 1/2) -> ``enc_down4`` 3x3 s2
2c->4c + ReLU -> ``fam4``(., ``scm4``(x_4)) -> ``encoders[2]`` (4c, 1/4).
AFF skips (nearest resampling): ``aff1``(e1, up2(e2), up4(e4)) -> c; ``aff2``(down2(e1), e2,
up2(e4)) -> 2c (MIMO-UNet+: ``Dropout2d(dropout)`` on both).
Decoder: ``decoders[0]``(e4) -> ``out4`` 3x3 ->3; ``dec_up2`` ConvT 4x4 s2 4c->2c + ReLU, concat
aff2 -> ``dec_fuse2`` 1x1 4c->2c + ReLU -> ``decoders[1]`` -> ``out2`` 3x3 ->3; ``dec_up1`` ConvT
2c->c + ReLU, concat aff1 -> ``dec_fuse1`` 1x1 2c->c + ReLU -> ``decoders[2]`` -> ``out1`` 3x3 ->3.
Each ``encoders[i]`` / ``decoders[i]`` is ``num_blocks`` residual blocks (8; 20 for MIMO-UNet+).

Parameters at paper size: MIMO-UNet 6,807,171; MIMO-UNet+ 16,107,651 (equal to the official
models; pinned by ``tests/models/generators/test_mimo_unet.py``).
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from restorekit.registry import MODELS

from .mimo_blocks import AFF, FAM, SCM, ConvReLU, UpConvReLU, conv, res_stack

_INITS = ("default", "normal")


def _half(x: torch.Tensor) -> torch.Tensor:
    return F.interpolate(x, scale_factor=0.5)  # nearest, as official


def _double(x: torch.Tensor) -> torch.Tensor:
    return F.interpolate(x, scale_factor=2)


@MODELS.register_module()
class MIMOUNet(nn.Module):
    """MIMO-UNet deblurring generator; see the module docstring for shapes, ranges, layers.

    Args:
        base_channels: width ``c`` of the full-resolution level (32 in the paper); the levels
            have c, 2c, 4c channels. Must be >= 2.
        num_blocks: residual blocks per encoder / decoder level (``None``: 8, or 20 with
            ``plus=True``).
        dropout: ``Dropout2d`` probability on the two AFF outputs (``None``: 0, or 0.1 with
            ``plus=True``); the official MIMO-UNet has none, MIMO-UNet+ 0.1.
        plus: MIMO-UNet+ defaults (20 blocks, dropout 0.1). Explicit ``num_blocks`` /
            ``dropout`` win.
        init: ``'default'`` (PyTorch's initialisation, as the official MIMO-UNet) or
            ``'normal'`` (N(0, ``init_std``) conv weights, zero biases: pix2pix ``init_net``,
            which Blur2Blur applies to its MIMO-UNet translator).
        init_std: standard deviation for ``init='normal'`` (0.02 in Blur2Blur).

    ``forward(x)`` returns ``[out_4, out_2, out_1]`` (coarse to fine); ``H``, ``W`` must be
    multiples of :attr:`size_divisor` (4).
    """

    size_divisor = 4

    def __init__(
        self,
        base_channels: int = 32,
        num_blocks: int | None = None,
        dropout: float | None = None,
        plus: bool = False,
        init: str = "default",
        init_std: float = 0.02,
    ) -> None:
        super().__init__()
        num_blocks = (20 if plus else 8) if num_blocks is None else num_blocks
        dropout = (0.1 if plus else 0.0) if dropout is None else dropout
        if base_channels < 2:
            raise ValueError(f"MIMOUNet: base_channels must be >= 2, got {base_channels}")
        if num_blocks < 0:
            raise ValueError(f"MIMOUNet: num_blocks must be >= 0, got {num_blocks}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"MIMOUNet: dropout must be in [0, 1), got {dropout}")
        if init not in _INITS:
            raise ValueError(f"MIMOUNet: init={init!r} is not one of {_INITS}")
        c = base_channels
        self.base_channels, self.num_blocks, self.dropout = c, num_blocks, dropout

        self.head = ConvReLU(3, c, 3)
        self.enc_down2 = ConvReLU(c, 2 * c, 3, stride=2)
        self.enc_down4 = ConvReLU(2 * c, 4 * c, 3, stride=2)
        self.encoders = nn.ModuleList([res_stack(c * m, num_blocks) for m in (1, 2, 4)])
        self.scm2, self.scm4 = SCM(2 * c), SCM(4 * c)
        self.fam2, self.fam4 = FAM(2 * c), FAM(4 * c)
        self.aff1, self.aff2 = AFF(7 * c, c), AFF(7 * c, 2 * c)
        self.drop1, self.drop2 = nn.Dropout2d(dropout), nn.Dropout2d(dropout)
        self.decoders = nn.ModuleList([res_stack(c * m, num_blocks) for m in (4, 2, 1)])
        self.dec_up2 = UpConvReLU(4 * c, 2 * c)
        self.dec_up1 = UpConvReLU(2 * c, c)
        self.dec_fuse2 = ConvReLU(4 * c, 2 * c, 1)
        self.dec_fuse1 = ConvReLU(2 * c, c, 1)
        self.out4 = conv(4 * c, 3, 3)
        self.out2 = conv(2 * c, 3, 3)
        self.out1 = conv(c, 3, 3)
        if init == "normal":
            self._init_normal(init_std)

    def _init_normal(self, std: float) -> None:
        for module in self.modules():
            if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
                nn.init.normal_(module.weight, 0.0, std)
                nn.init.zeros_(module.bias)

    def _check_input(self, x: torch.Tensor) -> None:
        if x.dim() != 4 or x.shape[1] != 3:
            raise ValueError(f"MIMOUNet expects (N, 3, H, W) RGB in [0, 1], got {tuple(x.shape)}")
        h, w = x.shape[-2:]
        if h % self.size_divisor or w % self.size_divisor:
            raise ValueError(
                f"MIMOUNet needs H and W divisible by {self.size_divisor}, got {h}x{w}. Pad the "
                f"input (data preprocessor pad_size_divisor={self.size_divisor}, or "
                f"restorekit.apis inference, which pads to model.size_divisor) and crop back.")

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        """``(N, 3, H, W)`` in [0, 1] -> ``[out_4, out_2, out_1]`` (coarse to fine, unclamped)."""
        self._check_input(x)
        x_2 = _half(x)
        x_4 = _half(x_2)

        e1 = self.encoders[0](self.head(x))
        e2 = self.encoders[1](self.fam2(self.enc_down2(e1), self.scm2(x_2)))
        e4 = self.encoders[2](self.fam4(self.enc_down4(e2), self.scm4(x_4)))

        e4_up2 = _double(e4)
        skip2 = self.drop2(self.aff2(_half(e1), e2, e4_up2))
        skip1 = self.drop1(self.aff1(e1, _double(e2), _double(e4_up2)))

        d4 = self.decoders[0](e4)
        out_4 = self.out4(d4) + x_4
        d2 = self.dec_fuse2(torch.cat([self.dec_up2(d4), skip2], dim=1))
        d2 = self.decoders[1](d2)
        out_2 = self.out2(d2) + x_2
        d1 = self.dec_fuse1(torch.cat([self.dec_up1(d2), skip1], dim=1))
        out_1 = self.out1(self.decoders[2](d1)) + x
        return [out_4, out_2, out_1]


@MODELS.register_module()
class MIMOUNetPlus(MIMOUNet):
    """MIMO-UNet+: :class:`MIMOUNet` with ``plus=True`` (20 blocks per level, Dropout2d 0.1).

    Same arguments as :class:`MIMOUNet` (``plus`` is fixed); ``num_blocks`` / ``dropout`` may
    still be set explicitly, e.g. for small demo networks.
    """

    def __init__(self, **kwargs) -> None:
        if "plus" in kwargs:
            raise TypeError("MIMOUNetPlus: `plus` is fixed to True; use MIMOUNet(plus=...)")
        super().__init__(plus=True, **kwargs)


__all__ = ["MIMOUNet", "MIMOUNetPlus"]
