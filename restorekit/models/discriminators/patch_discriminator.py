"""PatchGAN discriminator (pix2pix ``NLayerDiscriminator``, also DeblurGAN-v2 / Blur2Blur).

Follows ``NLayerDiscriminator`` of junyanz/pytorch-CycleGAN-and-pix2pix (``reference/methods.md``
§2.3, §4.3) and its DeblurGAN-v2 copy with ``padding=2`` (§3.4). Written from the layer
description, not copied.

Layers (``nf(n) = base_channels * min(2 ** n, 8)``, kernel ``kernel_size``, padding ``padding``)::

    conv s2 in -> nf(0)  (bias)               + LeakyReLU(0.2)
    conv s2 nf(n-1) -> nf(n)   n = 1..L-1     + norm + LeakyReLU(0.2)
    conv s1 nf(L-1) -> nf(L)                  + norm + LeakyReLU(0.2)
    conv s1 nf(L) -> 1  (bias)                  -> logits, no sigmoid

Ranges and shapes
-----------------
* input: float32 ``(B, in_channels, H, W)`` in [0, 1]; mapped inside to [-1, 1] (``x * 2 - 1``)
  because pix2pix / DeblurGAN-v2 discriminators see [-1, 1]. Callers always pass [0, 1].
  ``in_channels=3`` is unconditional; ``in_channels=6`` is conditional: the *method*
  concatenates ``(input, image)`` along channels before calling the discriminator.
* output: raw logits ``(B, 1, h, w)``. For 256×256: 30×30 (n_layers 3, padding 1),
  35×35 (n_layers 3, padding 2), 11×11 (n_layers 5, padding 2). The receptive field of one
  output logit is :attr:`PatchDiscriminator.receptive_field` (70 for n_layers 3).
* Inputs smaller than the receptive field work (each logit then sees padding too, as in
  Blur2Blur's 64×64 scale); an input so small that the output would be empty, or a
  normalised map 1×1 (InstanceNorm, and BatchNorm at batch size 1, cannot normalise a single
  value), raises ``ValueError`` naming the size and the minimum (24 for the default).

Deliberate deviations
---------------------
* Range handled inside (see above).
* Bias rule: pix2pix gives the inner convolutions a bias only with InstanceNorm (so none with
  ``norm='none'``). By default we use a bias whenever there is no BatchNorm;
  ``pix2pix_bias_quirk=True`` reproduces pix2pix exactly.
* ``norm='instance'`` is pix2pix's InstanceNorm (no affine, no running stats); DeblurGAN-v2's
  instance norm with running statistics is not provided here.
"""

from __future__ import annotations

import torch
from torch import nn

from restorekit.models.layers import build_norm
from restorekit.registry import MODELS

_NORMS = ("batch", "instance", "none")


def _norm_layer(norm: str, channels: int) -> nn.Module:
    return build_norm(norm, channels, allowed=_NORMS)


@MODELS.register_module()
class PatchDiscriminator(nn.Module):
    """PatchGAN discriminator; see the module docstring for layers, ranges and deviations.

    Args:
        in_channels: 3 (unconditional) or 6 (conditional: the method concatenates
            ``input ⊕ image``); any positive number is accepted.
        base_channels: channels of the first conv (pix2pix ``ndf``); capped at 8x.
        n_layers: number of stride-2 convolutions (3 = pix2pix ``basic`` 70×70 PatchGAN;
            DeblurGAN-v2's "full" D uses 5).
        norm: ``'batch'``, ``'instance'`` or ``'none'``.
        kernel_size: convolution kernel size (4 in pix2pix and DeblurGAN-v2).
        padding: convolution padding (1 in pix2pix, 2 in DeblurGAN-v2).
        pix2pix_bias_quirk: reproduce pix2pix's bias rule exactly (no bias with ``norm='none'``).

    Shapes: ``(B, in_channels, H, W)`` in [0, 1] -> logits ``(B, 1, h, w)``.
    """

    def __init__(
        self,
        in_channels: int = 3,
        base_channels: int = 64,
        n_layers: int = 3,
        norm: str = "batch",
        kernel_size: int = 4,
        padding: int = 1,
        pix2pix_bias_quirk: bool = False,
    ) -> None:
        super().__init__()
        if norm not in _NORMS:
            raise ValueError(f"PatchDiscriminator: norm={norm!r} is not one of {_NORMS}")
        if n_layers < 1:
            raise ValueError(f"PatchDiscriminator: n_layers={n_layers} must be >= 1")
        self.in_channels = in_channels
        self.norm = norm
        self.kernel_size = kernel_size
        self.padding = padding
        bias = norm == "instance" if pix2pix_bias_quirk else norm != "batch"

        def nf(n: int) -> int:
            return base_channels * min(2**n, 8)

        k, p = kernel_size, padding
        layers: list[nn.Module] = [nn.Conv2d(in_channels, nf(0), k, 2, p), nn.LeakyReLU(0.2, True)]
        for n in range(1, n_layers):
            layers += [nn.Conv2d(nf(n - 1), nf(n), k, 2, p, bias=bias),
                       _norm_layer(norm, nf(n)), nn.LeakyReLU(0.2, True)]
        layers += [nn.Conv2d(nf(n_layers - 1), nf(n_layers), k, 1, p, bias=bias),
                   _norm_layer(norm, nf(n_layers)), nn.LeakyReLU(0.2, True),
                   nn.Conv2d(nf(n_layers), 1, k, 1, p)]
        self.model = nn.Sequential(*layers)
        self._strides = [2] * n_layers + [1, 1]
        rf, jump = 1, 1
        for s in self._strides:
            rf += (k - 1) * jump
            jump *= s
        self.receptive_field = rf

    def _sizes(self, size: int) -> list[int]:
        """Spatial size after each convolution for an input side of ``size``."""
        sizes = []
        for s in self._strides:
            size = (size + 2 * self.padding - self.kernel_size) // s + 1
            sizes.append(size)
        return sizes

    def output_size(self, height: int, width: int) -> tuple[int, int]:
        """Logit map size ``(h, w)`` for an ``height`` × ``width`` input (may be <= 0)."""
        return self._sizes(height)[-1], self._sizes(width)[-1]

    def _valid(self, height: int, width: int) -> bool:
        hs, ws = self._sizes(height), self._sizes(width)
        if min(hs + ws) < 1:
            return False
        if self.norm != "none":  # normalised maps (conv outputs 1 .. n_layers) need > 1 value
            return all(h * w > 1 for h, w in zip(hs[1:-1], ws[1:-1]))
        return True

    def min_input_size(self) -> int:
        """Smallest square input side this discriminator accepts."""
        size = 1
        while not self._valid(size, size):
            size += 1
        return size

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, in_channels, H, W)`` in [0, 1] -> logits ``(B, 1, h, w)``."""
        if x.dim() != 4 or x.shape[1] != self.in_channels:
            raise ValueError(
                f"PatchDiscriminator expects (B, {self.in_channels}, H, W), got "
                f"{tuple(x.shape)}; a conditional D (in_channels=6) takes input ⊕ image.")
        h, w = x.shape[-2:]
        if not self._valid(h, w):
            raise ValueError(
                f"PatchDiscriminator: input {h}×{w} is too small for n_layers="
                f"{len(self._strides) - 2}, kernel {self.kernel_size}, padding {self.padding}, "
                f"norm {self.norm!r}: the logit map would be {self.output_size(h, w)}; use inputs "
                f"of at least {self.min_input_size()}×{self.min_input_size()} (receptive field "
                f"{self.receptive_field}).")
        return self.model(x * 2 - 1)
