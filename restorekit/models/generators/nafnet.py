"""NAFNet: nonlinear-activation-free U-Net for image restoration (Chen et al., ECCV 2022).

Follows the official MIT code (megvii-research/NAFNet, ``basicsr/models/archs/NAFNet_arch.py``)
and its GoPro option files (``options/test/GoPro/NAFNet-width{32,64}.yml``): ``width`` 32 or
64, ``enc_blk_nums=(1, 1, 1, 28)``, ``middle_blk_num=1``, ``dec_blk_nums=(1, 1, 1, 1)``.
Blocks are in :mod:`restorekit.models.generators.nafnet_blocks`; official checkpoints are
converted by :mod:`restorekit.models.generators.nafnet_checkpoint` (module names differ).

Ranges and shapes
-----------------
* input: float32 ``(N, img_channels, H, W)`` RGB in [0, 1], any ``H``, ``W``;
* output: same shape, ``network(x) + x`` (global residual, as official), **not clamped**
  (the method's ``predict`` clamps to [0, 1]).

Layout: ``conv_first`` (3x3, ``img_channels -> width``); level ``i`` of the encoder runs
``enc_blk_nums[i]`` NAFBlocks on ``width * 2**i`` channels, keeps the skip, then ``downs[i]``
(2x2 conv, stride 2, doubling the channels); ``middle`` runs ``middle_blk_num`` blocks on
``width * 2**L`` channels (``L = len(enc_blk_nums)``); each decoder level ``ups[j]`` (1x1 conv
without bias to twice the channels + PixelShuffle(2), halving them), adds the skip and runs
``dec_blk_nums[j]`` blocks; ``conv_last`` (3x3 to ``img_channels``) plus the input.

Padding (the generator is this model's padding authority)
---------------------------------------------------------
The network needs ``H`` and ``W`` to be multiples of :attr:`NAFNet.size_divisor`
``= 2 ** len(enc_blk_nums)`` (16 for the GoPro models). ``forward`` pads the bottom/right with
``pad_mode`` and crops the output back. The default ``pad_mode='constant'`` (zeros) is the
official ``check_image_size`` (``F.pad`` default), so the official inference is reproduced
for any size. ``pad_mode=None`` disables the internal padding and raises on other sizes.
Outside code (the data preprocessor, :func:`restorekit.apis.deblur`) may pad to
``size_divisor`` itself, which makes the internal padding a no-op; it then decides the padded
values, so keep the data preprocessor's ``pad_mode='constant'`` (or ``pad_size_divisor=1``)
to stay identical to the official inference. Zero padding outside plus cropping equals the
internal padding exactly (bottom/right, crop after the residual).

Deliberate differences: module names (see the converter), no dropout (0 in all official
options), no ``NAFNetLocal`` test-time local pooling (TLSC; the official GoPro numbers were
measured with it, see ``docs/methods/nafnet.md``).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from restorekit.registry import MODELS

from ..padding import PadPolicy, pad_to_policy
from .nafnet_blocks import NAFBlock

_PAD_MODES = ("constant", "reflect", "replicate", None)


@MODELS.register_module()
class NAFNet(nn.Module):
    """NAFNet generator; see the module docstring for layout, ranges and padding.

    Args:
        img_channels: input and output channels (3 for RGB).
        width: channels of the first level (32 or 64 in the official GoPro models).
        enc_blk_nums: NAFBlocks per encoder level; its length sets the number of
            down-samplings (``size_divisor = 2 ** len(enc_blk_nums)``).
        middle_blk_num: NAFBlocks at the bottleneck.
        dec_blk_nums: NAFBlocks per decoder level, deepest first; same length as
            ``enc_blk_nums``.
        pad_mode: internal padding to ``size_divisor``: ``'constant'`` (zeros, official),
            ``'reflect'``, ``'replicate'``, or ``None`` (inputs must already be multiples).

    Shapes: ``(N, img_channels, H, W)`` in [0, 1] -> ``(N, img_channels, H, W)``, unclamped.
    """

    def __init__(
        self,
        img_channels: int = 3,
        width: int = 32,
        enc_blk_nums: Sequence[int] = (1, 1, 1, 28),
        middle_blk_num: int = 1,
        dec_blk_nums: Sequence[int] = (1, 1, 1, 1),
        pad_mode: str | None = "constant",
    ) -> None:
        super().__init__()
        if len(enc_blk_nums) != len(dec_blk_nums):
            raise ValueError(
                f"NAFNet: enc_blk_nums {list(enc_blk_nums)} and dec_blk_nums "
                f"{list(dec_blk_nums)} must have the same length (one decoder per encoder)")
        if pad_mode not in _PAD_MODES:
            raise ValueError(f"NAFNet: pad_mode={pad_mode!r} is not one of {_PAD_MODES}")
        if width < 1 or img_channels < 1:
            raise ValueError(f"NAFNet: width ({width}) and img_channels ({img_channels}) "
                             "must be positive")
        self.img_channels = img_channels
        self.pad_mode = pad_mode
        self.size_divisor = 2 ** len(enc_blk_nums)
        #: the padding authority's rule (official ``check_image_size``: zeros, bottom/right)
        self.padding = PadPolicy(self.size_divisor, pad_mode or "constant")
        self.conv_first = nn.Conv2d(img_channels, width, 3, padding=1)
        self.encoders = nn.ModuleList()
        self.downs = nn.ModuleList()
        chan = width
        for num in enc_blk_nums:
            self.encoders.append(nn.Sequential(*[NAFBlock(chan) for _ in range(num)]))
            self.downs.append(nn.Conv2d(chan, chan * 2, 2, stride=2))
            chan *= 2
        self.middle = nn.Sequential(*[NAFBlock(chan) for _ in range(middle_blk_num)])
        self.ups = nn.ModuleList()
        self.decoders = nn.ModuleList()
        for num in dec_blk_nums:
            self.ups.append(nn.Sequential(nn.Conv2d(chan, chan * 2, 1, bias=False),
                                          nn.PixelShuffle(2)))
            chan //= 2
            self.decoders.append(nn.Sequential(*[NAFBlock(chan) for _ in range(num)]))
        self.conv_last = nn.Conv2d(width, img_channels, 3, padding=1)

    def _pad(self, x: torch.Tensor) -> torch.Tensor:
        h, w = x.shape[-2:]
        if h % self.size_divisor == 0 and w % self.size_divisor == 0:
            return x
        if self.pad_mode is None:
            raise ValueError(
                f"NAFNet(pad_mode=None) needs H and W to be multiples of {self.size_divisor}, "
                f"got {h}x{w}; pad the input (data preprocessor pad_size_divisor="
                f"{self.size_divisor}) or set pad_mode='constant' (official)")
        return pad_to_policy(x, self.padding, inference=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(N, img_channels, H, W)`` in [0, 1] -> same shape (restored, unclamped)."""
        if x.dim() != 4 or x.shape[1] != self.img_channels:
            raise ValueError(
                f"NAFNet expects (N, {self.img_channels}, H, W), got {tuple(x.shape)}")
        h, w = x.shape[-2:]
        inp = self._pad(x)
        feat = self.conv_first(inp)
        skips = []
        for encoder, down in zip(self.encoders, self.downs):
            feat = encoder(feat)
            skips.append(feat)
            feat = down(feat)
        feat = self.middle(feat)
        for decoder, up, skip in zip(self.decoders, self.ups, reversed(skips)):
            feat = decoder(up(feat) + skip)
        out = self.conv_last(feat) + inp
        return out[..., :h, :w]
