"""RRDBNet without upsampler: the DBGAN deblurring generator.

Follows the official DBGAN test model (HDCVLab/Deblurring-by-Realistic-Blurring,
``options/test/test.json``: ``RRDB_net`` nf=64, nb=16, gc=32, scale 1), which is ESRGAN's
RRDBNet without the upsampler: ``clamp(x + f(x), 0, 1)``.

Module names differ from the official ``model.0`` / ``model.1.sub1`` flattening;
:func:`restorekit.models.generators.rrdb_checkpoint.convert_official_dbgan_state_dict` maps
an official ``G.pth`` onto this module with a strict key report.
"""

from __future__ import annotations

import torch
import torch.nn as nn
from torch.utils.checkpoint import checkpoint

from restorekit.registry import MODELS

from ..padding import PadPolicy


class ResidualDenseBlock(nn.Module):
    """ESRGAN's ResidualDenseBlock_5C: five 3x3 convs with dense connections.

    (N, C, H, W) -> (N, C, H, W); output ``x + res_scale * conv5(...)``.
    """

    def __init__(self, channels: int = 64, growth: int = 32, res_scale: float = 0.2) -> None:
        super().__init__()
        for i in range(4):
            setattr(self, f"conv{i + 1}", nn.Conv2d(channels + i * growth, growth, 3, 1, 1))
        self.conv5 = nn.Conv2d(channels + 4 * growth, channels, 3, 1, 1)
        self.lrelu = nn.LeakyReLU(0.2, inplace=True)
        self.res_scale = res_scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = [x]
        for i in range(4):
            conv = getattr(self, f"conv{i + 1}")
            features.append(self.lrelu(conv(torch.cat(features, 1))))
        return x + self.res_scale * self.conv5(torch.cat(features, 1))


class RRDB(nn.Module):
    """Residual-in-residual dense block: three RDBs and a scaled skip. Shape preserving."""

    def __init__(self, channels: int = 64, growth: int = 32, res_scale: float = 0.2) -> None:
        super().__init__()
        self.rdb1 = ResidualDenseBlock(channels, growth)
        self.rdb2 = ResidualDenseBlock(channels, growth)
        self.rdb3 = ResidualDenseBlock(channels, growth)
        self.res_scale = res_scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.res_scale * self.rdb3(self.rdb2(self.rdb1(x)))


@MODELS.register_module()
class RRDBNet(nn.Module):
    """RRDB trunk with a global residual on the RGB input, output clamped to [0, 1].

    Input (N, in_channels, H, W) float in [0, 1] (any H, W); output (N, out_channels, H, W)
    in [0, 1] = ``clamp(x[:, :out_channels] + f(x), 0, 1)``. With ``in_channels > 3`` the
    extra channels (e.g. BGAN's noise) feed the network but not the residual.

    Args:
        in_channels: input channels (3 for DBGAN).
        out_channels: output channels (3).
        mid_channels: trunk width ``nf`` (64 in the paper).
        num_blocks: number of RRDBs ``nb`` (16 for DBGAN, 9 for BGAN).
        growth_channels: dense growth ``gc`` (32).
        clamp_output: clamp to [0, 1] as the official model does.
        init: ``'kaiming_scaled'`` (ESRGAN/official: kaiming-normal fan-in x0.1) or
            ``'normal'`` (the paper's N(0, 0.01^2)) or ``'default'`` (PyTorch's).
        with_cp: activation checkpointing of the trunk in training: each RRDB keeps only its
            (N, nf, H, W) input for the backward pass and recomputes its 15 convolutions there
            (``torch.utils.checkpoint``, non-reentrant). Outputs and gradients are the same as
            without it; the step costs one more trunk forward and the trunk's saved activations
            shrink about 12x (docs/training_performance.md). Only active when gradients are
            recorded (no effect on inference).
    """

    #: any H, W; the official DBGAN test (``DB_model.test``) feeds images unpadded
    padding = PadPolicy()

    def __init__(
        self,
        in_channels: int = 3,
        out_channels: int = 3,
        mid_channels: int = 64,
        num_blocks: int = 16,
        growth_channels: int = 32,
        clamp_output: bool = True,
        init: str = "kaiming_scaled",
        with_cp: bool = False,
    ) -> None:
        super().__init__()
        if in_channels < out_channels:
            raise ValueError(
                f"in_channels ({in_channels}) must be >= out_channels ({out_channels}) for the "
                f"global residual"
            )
        self.out_channels = out_channels
        self.clamp_output = clamp_output
        self.with_cp = with_cp
        self.conv_first = nn.Conv2d(in_channels, mid_channels, 3, 1, 1)
        self.body = nn.Sequential(*[RRDB(mid_channels, growth_channels) for _ in range(num_blocks)])
        self.conv_body = nn.Conv2d(mid_channels, mid_channels, 3, 1, 1)
        self.conv_hr = nn.Conv2d(mid_channels, mid_channels, 3, 1, 1)
        self.conv_last = nn.Conv2d(mid_channels, out_channels, 3, 1, 1)
        self.lrelu = nn.LeakyReLU(0.2, inplace=True)
        self._init_weights(init)

    def _init_weights(self, init: str) -> None:
        if init == "default":
            return
        if init not in ("kaiming_scaled", "normal"):
            raise ValueError(f"init must be 'kaiming_scaled', 'normal' or 'default', got {init!r}")
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                if init == "kaiming_scaled":
                    nn.init.kaiming_normal_(module.weight, a=0, mode="fan_in")
                    module.weight.data.mul_(0.1)
                else:
                    nn.init.normal_(module.weight, 0.0, 0.01)
                nn.init.zeros_(module.bias)

    def compile(self, *args, **kwargs) -> None:
        """``torch.compile`` each RRDB in place (``nn.Module.compile`` arguments) and keep the
        stem and tail eager: all blocks share one compiled graph, so compiling takes seconds,
        where compiling the whole 16-block network as one graph takes minutes on a CPU."""
        for block in self.body:
            block.compile(*args, **kwargs)

    def trunk(self, feat: torch.Tensor) -> torch.Tensor:
        """The RRDB blocks, (N, nf, H, W) -> (N, nf, H, W); checkpointed per block when
        ``with_cp`` and gradients are being recorded."""
        if not (self.with_cp and torch.is_grad_enabled()):
            return self.body(feat)
        for block in self.body:
            feat = checkpoint(block, feat, use_reentrant=False)
        return feat

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        feat = self.conv_first(x)
        feat = feat + self.conv_body(self.trunk(feat))
        out = x[:, : self.out_channels] + self.conv_last(self.lrelu(self.conv_hr(feat)))
        return out.clamp(0, 1) if self.clamp_output else out
