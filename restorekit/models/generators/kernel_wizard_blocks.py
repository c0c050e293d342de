"""Parts of the BKSE KernelWizard (Tran et al., CVPR 2021, "Explore Image Deblurring via
Encoded Blur Kernel Space"): residual blocks, the kernel extractor F and the adapter U-Net of G.

Written from ``reference/methods.md`` §4.4 (BKSE ``models/kernel_encoding/kernel_wizard.py``,
the copy in Blur2Blur ``models/explore/``) for the configuration Blur2Blur loads
(``GOPRO_woVAE``: norm ``none`` everywhere, no VAE, reflect padding in F's ResNet blocks). With
norm ``none`` the official code builds its convolutions *without* bias except where noted, and
keeps an identity module where the norm layer would be; the identities are kept here too so
that the ``nn.Sequential`` indices, and therefore the state-dict keys, equal the official ones
and ``GOPRO_woVAE.pth`` loads without renaming.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F


class ResidualBlockNoBN(nn.Module):
    """``x + conv2(relu(conv1(x)))`` with biased 3x3 convs (BKSE ``ResidualBlock_noBN``).

    Shape preserving (N, C, H, W). Initialised like BKSE: kaiming-normal (fan-in) x 0.1, zero
    bias. Keys: ``conv1.*``, ``conv2.*``.
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, 1, 1)
        self.conv2 = nn.Conv2d(channels, channels, 3, 1, 1)
        for layer in (self.conv1, self.conv2):
            nn.init.kaiming_normal_(layer.weight, a=0, mode="fan_in")
            layer.weight.data.mul_(0.1)
            nn.init.zeros_(layer.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv2(F.relu(self.conv1(x)))


class ReflectResnetBlock(nn.Module):
    """pix2pix ``ResnetBlock`` with reflect padding, no norm, no bias, no dropout.

    ``x + [pad, conv3x3, -, ReLU, pad, conv3x3, -](x)`` (``-`` = identity in the norm slot);
    keys ``conv_block.1.weight``, ``conv_block.5.weight``.
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv_block = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(channels, channels, 3, bias=False), nn.Identity(),
            nn.ReLU(),
            nn.ReflectionPad2d(1), nn.Conv2d(channels, channels, 3, bias=False), nn.Identity(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv_block(x)


class KernelExtractor(nn.Module):
    """F: blur-kernel code from sharp and blurred *features*.

    ``(N, nf, h, w)`` x 2 (concatenated, sharp first) -> ``(N, kernel_dim, h/32, w/32)``:
    reflect-pad 3 + 7x7 conv 2nf->nf + ReLU; five 3x3 stride-2 convs + ReLU with channels
    ``min(nf * 2**i, kernel_dim) -> min(nf * 2**(i+1), kernel_dim)``; ``num_blocks``
    :class:`ReflectResnetBlock`. No biases (official with norm ``none``). Keys ``model.<i>.*``.
    """

    def __init__(self, nf: int, kernel_dim: int, num_blocks: int) -> None:
        super().__init__()
        layers: list[nn.Module] = [
            nn.ReflectionPad2d(3), nn.Conv2d(2 * nf, nf, 7, bias=False), nn.Identity(), nn.ReLU()]
        for i in range(5):
            c_in, c_out = min(nf * 2**i, kernel_dim), min(nf * 2 ** (i + 1), kernel_dim)
            layers += [nn.Conv2d(c_in, c_out, 3, 2, 1, bias=False), nn.Identity(), nn.ReLU()]
        layers += [ReflectResnetBlock(kernel_dim) for _ in range(num_blocks)]
        self.model = nn.Sequential(*layers)

    def forward(self, sharp_feat: torch.Tensor, blur_feat: torch.Tensor) -> torch.Tensor:
        return self.model(torch.cat([sharp_feat, blur_feat], dim=1))


class AdapterLevel(nn.Module):
    """One level of the adapter U-Net (pix2pix ``UnetSkipConnectionBlock``, norm ``none``).

    ``down``: [LReLU(0.2)] + 4x4 s2 conv (no bias) [+ identity]; ``up``: ReLU + 4x4 s2 ConvT
    [+ identity | Tanh]. The innermost level concatenates the kernel code to its bottleneck
    (so its ConvT takes ``inner + kernel_dim`` channels); inner levels return
    ``cat(up(...), x)``, the outermost returns ``tanh(up(...))`` without the skip.
    """

    def __init__(self, outer: int, inner: int, submodule: AdapterLevel | None, kernel_dim: int,
                 outermost: bool = False) -> None:
        super().__init__()
        self.outermost = outermost
        down_conv = nn.Conv2d(outer, inner, 4, 2, 1, bias=False)
        if outermost:
            self.down = nn.Sequential(down_conv)
            self.up = nn.Sequential(nn.ReLU(), nn.ConvTranspose2d(2 * inner, outer, 4, 2, 1),
                                    nn.Tanh())
        elif submodule is None:  # innermost
            self.down = nn.Sequential(nn.LeakyReLU(0.2), down_conv)
            self.up = nn.Sequential(
                nn.ReLU(), nn.ConvTranspose2d(inner + kernel_dim, outer, 4, 2, 1, bias=False),
                nn.Identity())
        else:
            self.down = nn.Sequential(nn.LeakyReLU(0.2), down_conv, nn.Identity())
            self.up = nn.Sequential(
                nn.ReLU(), nn.ConvTranspose2d(2 * inner, outer, 4, 2, 1, bias=False),
                nn.Identity())
        if submodule is not None:
            self.submodule = submodule

    def forward(self, x: torch.Tensor, code: torch.Tensor) -> torch.Tensor:
        y = self.down(x)
        inner = self.submodule(y, code) if hasattr(self, "submodule") else torch.cat([y, code], 1)
        y = self.up(inner)
        return y if self.outermost else torch.cat([y, x], dim=1)


class KernelAdapter(nn.Module):
    """The U-Net of G: ``(N, nf, h, w)`` features + code ``(N, kernel_dim, h/32, w/32)`` ->
    ``(N, nf, h, w)`` in (-1, 1) (tanh). Levels nf, 2nf, 4nf, 8nf, 8nf; keys ``model.*``."""

    def __init__(self, nf: int, kernel_dim: int) -> None:
        super().__init__()
        level = AdapterLevel(8 * nf, 8 * nf, None, kernel_dim)
        for outer, inner in ((4 * nf, 8 * nf), (2 * nf, 4 * nf), (nf, 2 * nf)):
            level = AdapterLevel(outer, inner, level, kernel_dim)
        self.model = AdapterLevel(nf, nf, level, kernel_dim, outermost=True)

    def forward(self, feat: torch.Tensor, code: torch.Tensor) -> torch.Tensor:
        return self.model(feat, code)


__all__ = [
    "AdapterLevel",
    "KernelAdapter",
    "KernelExtractor",
    "ReflectResnetBlock",
    "ResidualBlockNoBN",
]
