"""pix2pix U-Net generator (``unet_256`` when ``depth=8``).

Follows ``UnetGenerator`` / ``UnetSkipConnectionBlock`` of junyanz/pytorch-CycleGAN-and-pix2pix
(``models/networks.py``), as used by the LUR U-Net variant of Realistic Blurring
(``reference/methods.md`` §2.2). Written from the layer description, not copied.

Ranges and shapes
-----------------
* input: float32 ``(B, in_channels, H, W)`` in [0, 1], any ``H``, ``W``. **Every** input channel
  is mapped by ``x * 2 - 1`` (pix2pix works in [-1, 1]); extra channels (e.g. the noise
  channels of a BGAN input, ``in_channels=6`` or ``7``) go through the same affine map, so a
  zero-mean noise channel becomes ``2 * noise - 1``. Feed noise with that in mind.
* output: float32 ``(B, out_channels, H, W)`` in [0, 1] (``(tanh + 1) / 2``).

Any image size: :attr:`UNetGenerator.padding` declares bottom/right padding (``pad_mode``) up to
a multiple of ``2 ** depth`` (256 for ``depth=8``); callers (:func:`restorekit.apis.deblur`,
the data preprocessor) apply it through :mod:`restorekit.models.padding` and crop back, and
``forward`` aligns an unaligned input itself with the same function (a no-op after callers).
``pad_mode='official'`` (default) is reflect: pix2pix itself never pads (it resizes to a
multiple of 256), so inputs that are multiples of ``2 ** depth`` run exactly as in pix2pix. Padding
costs memory and time in proportion to the padded area: a 720×1280 frame runs as 768×1280
(+6.7 %), but a 300×300 image runs as 512×512 (2.9× the pixels) and anything smaller than
256 runs at 256 with ``depth=8``. Reflect padding larger than the image is applied in steps
(mirror of the mirror).

Deliberate deviations from pix2pix
----------------------------------
* Range handled inside (see above); pix2pix expects callers to normalise to [-1, 1].
* Bias rule: pix2pix gives the inner convolutions a bias only with InstanceNorm, so with
  ``--norm none`` (used by the LUR scripts) *no* inner convolution has a bias. By default we
  use a bias whenever there is no BatchNorm (``instance`` or ``none``); set
  ``pix2pix_bias_quirk=True`` to reproduce pix2pix exactly (bias only with ``instance``).
  The outermost transposed convolution always has a bias, as in pix2pix.
* ``depth`` may be 2..4 as well (pix2pix needs >= 5); level ``i`` (0 = outermost) has
  ``base_channels * min(2 ** i, 8)`` channels, which reproduces pix2pix for ``depth >= 5``.
* Optional ``global_residual``: output = ``clamp(x[:, :out] + tanh(f), -1, 1)`` in [-1, 1]
  before mapping back to [0, 1] (off by default; pix2pix has none).
"""

from __future__ import annotations

import torch
from torch import nn

from restorekit.models.layers import build_norm
from restorekit.registry import MODELS

from ..padding import PadPolicy, pad_to_policy

_NORMS = ("batch", "instance", "none")


def _norm_layer(norm: str, channels: int) -> nn.Module:
    return build_norm(norm, channels, allowed=_NORMS)


class _UNetLevel(nn.Module):
    """One U-Net level: down conv, the inner levels, up conv; skip by channel concatenation.

    ``(B, outer_in, H, W) -> (B, outer_in + outer_out, H, W)`` for inner levels (the input is
    concatenated with the output), ``-> (B, outer_out, H, W)`` for the outermost level.
    """

    def __init__(
        self,
        outer_in: int,
        outer_out: int,
        inner: int,
        submodule: nn.Module | None,
        norm: str,
        bias: bool,
        dropout: bool,
        outermost: bool = False,
    ) -> None:
        super().__init__()
        self.outermost = outermost
        innermost = submodule is None
        down_conv = nn.Conv2d(outer_in, inner, 4, stride=2, padding=1, bias=bias)
        up_in = inner if innermost else inner * 2
        if outermost:
            down = [down_conv]
            up = [nn.ReLU(True), nn.ConvTranspose2d(up_in, outer_out, 4, stride=2, padding=1),
                  nn.Tanh()]
        else:
            down = [nn.LeakyReLU(0.2, True), down_conv]
            if not innermost:
                down.append(_norm_layer(norm, inner))
            up = [nn.ReLU(True),
                  nn.ConvTranspose2d(up_in, outer_out, 4, stride=2, padding=1, bias=bias),
                  _norm_layer(norm, outer_out)]
            if dropout:
                up.append(nn.Dropout(0.5))
        self.down = nn.Sequential(*down)
        self.submodule = submodule if submodule is not None else nn.Identity()
        self.up = nn.Sequential(*up)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.up(self.submodule(self.down(x)))
        return y if self.outermost else torch.cat([x, y], dim=1)


@MODELS.register_module()
class UNetGenerator(nn.Module):
    """pix2pix U-Net generator; see the module docstring for ranges, padding and deviations.

    Args:
        in_channels: input channels (3 RGB, or 3 + noise channels for a BGAN input).
        out_channels: output channels.
        depth: number of stride-2 down-samplings (8 = pix2pix ``unet_256``, 7 = ``unet_128``).
        base_channels: channels of the outermost level (pix2pix ``ngf``); capped at 8x.
        norm: ``'batch'`` (BatchNorm, affine, running stats), ``'instance'`` (InstanceNorm,
            no affine, no running stats, as pix2pix) or ``'none'``.
        dropout: ``Dropout(0.5)`` after the up-conv of the intermediate 8x-channel levels
            (levels 4 .. depth-2, three levels for ``depth=8``), as pix2pix.
        pix2pix_bias_quirk: reproduce pix2pix's bias rule exactly (no bias with ``norm='none'``).
        global_residual: add the first ``out_channels`` input channels to the output (in [-1, 1]).
        pad_mode: padding used to reach a multiple of ``2 ** depth``: ``'official'`` (=
            ``'reflect'``, see the module docstring), ``'reflect'``, ``'replicate'`` or
            ``'constant'`` (zeros on the [0, 1] scale).

    Shapes: ``(B, in_channels, H, W)`` in [0, 1] -> ``(B, out_channels, H, W)`` in [0, 1].
    """

    def __init__(
        self,
        in_channels: int = 3,
        out_channels: int = 3,
        depth: int = 8,
        base_channels: int = 64,
        norm: str = "batch",
        dropout: bool = True,
        pix2pix_bias_quirk: bool = False,
        global_residual: bool = False,
        pad_mode: str = "official",
    ) -> None:
        super().__init__()
        if norm not in _NORMS:
            raise ValueError(f"UNetGenerator: norm={norm!r} is not one of {_NORMS}")
        if depth < 2:
            raise ValueError(f"UNetGenerator: depth={depth} must be >= 2")
        if pad_mode not in ("official", "reflect", "replicate", "constant"):
            raise ValueError(
                f"UNetGenerator: pad_mode={pad_mode!r} must be 'official', 'reflect', "
                "'replicate' or 'constant'")
        if global_residual and in_channels < out_channels:
            raise ValueError(
                f"UNetGenerator: global_residual needs in_channels ({in_channels}) >= "
                f"out_channels ({out_channels})")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.depth = depth
        self.global_residual = global_residual
        self.pad_mode = pad_mode
        self.size_divisor = 2**depth
        mode = "reflect" if pad_mode == "official" else pad_mode
        self.padding = PadPolicy(self.size_divisor, mode)
        bias = norm == "instance" if pix2pix_bias_quirk else norm != "batch"

        def channels(level: int) -> int:
            return base_channels * min(2**level, 8)

        block: nn.Module | None = None
        for level in range(depth - 1, 0, -1):  # innermost first
            block = _UNetLevel(
                outer_in=channels(level - 1),
                outer_out=channels(level - 1),
                inner=channels(level),
                submodule=block,
                norm=norm,
                bias=bias,
                dropout=dropout and 4 <= level <= depth - 2,
            )
        self.model = _UNetLevel(in_channels, out_channels, channels(0), block, norm, bias,
                                dropout=False, outermost=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, in_channels, H, W)`` in [0, 1] -> ``(B, out_channels, H, W)`` in [0, 1]."""
        if x.dim() != 4 or x.shape[1] != self.in_channels:
            raise ValueError(
                f"UNetGenerator expects (B, {self.in_channels}, H, W), got {tuple(x.shape)}")
        h, w = x.shape[-2:]
        x_pad = pad_to_policy(x, self.padding, inference=False) * 2 - 1
        x = x * 2 - 1
        y = self.model(x_pad)[..., :h, :w]
        if self.global_residual:
            y = torch.clamp(y + x[:, : self.out_channels], -1, 1)
        return (y + 1) / 2
