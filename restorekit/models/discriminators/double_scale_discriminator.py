"""DeblurGAN-v2 double-scale discriminator: a local PatchGAN plus a global (deeper) PatchGAN.

Reference: ``reference/methods.md`` §3.4 (DeblurGAN-v2 ``models/networks.py``, ``double_gan``):
``patch`` = ``NLayerDiscriminator(n_layers=3)``, ``full`` = ``NLayerDiscriminator(n_layers=5)``,
kernel 4, padding 2, conv bias only where no BatchNorm follows, LeakyReLU 0.2, no sigmoid. Both
are unconditional (they see only the sharp or restored image). Each branch is a
:class:`~restorekit.models.discriminators.patch_discriminator.PatchDiscriminator`.

Ranges and shapes
-----------------
* input ``(B, in_channels, H, W)`` in [0, 1]; each branch maps it to [-1, 1] inside, since the
  official discriminators see [-1, 1] images;
* output ``[patch_logits, full_logits]``: a list of raw logit maps ``(B, 1, h, w)``; for a
  256×256 input 35×35 (patch) and 11×11 (full). Adversarial losses average over the list
  (one pooled state per entry for the relativistic losses), which equals the official
  ``(L_patch + L_full) / 2``.

Deliberate deviation: ``norm='instance'`` has no running statistics (the official
InstanceNorm tracks running stats that are never used in train-mode training).
"""

from __future__ import annotations

import torch
from torch import nn

from restorekit.registry import MODELS

from .patch_discriminator import PatchDiscriminator


@MODELS.register_module()
class DoubleScaleDiscriminator(nn.Module):
    """``{patch: PatchGAN(patch_layers), full: PatchGAN(full_layers)}``; see module docstring.

    Args:
        in_channels: image channels (3; unconditional as in DeblurGAN-v2).
        base_channels: channels of the first conv (official ``ndf=64``).
        patch_layers: stride-2 layers of the local D (official ``d_layers=3``).
        full_layers: stride-2 layers of the global D (official 5).
        norm: ``'instance'``, ``'batch'`` or ``'none'`` for both branches.
        padding: conv padding (official 2 = ``ceil((4 - 1) / 2)``).
    """

    def __init__(
        self,
        in_channels: int = 3,
        base_channels: int = 64,
        patch_layers: int = 3,
        full_layers: int = 5,
        norm: str = "instance",
        padding: int = 2,
    ) -> None:
        super().__init__()
        kw = dict(in_channels=in_channels, base_channels=base_channels, norm=norm,
                  kernel_size=4, padding=padding)
        self.patch = PatchDiscriminator(n_layers=patch_layers, **kw)
        self.full = PatchDiscriminator(n_layers=full_layers, **kw)

    def output_sizes(self, height: int, width: int) -> list[tuple[int, int]]:
        """Logit map sizes ``[(h, w) patch, (h, w) full]`` for an input of that size."""
        return [self.patch.output_size(height, width), self.full.output_size(height, width)]

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        """``(B, C, H, W)`` in [0, 1] -> ``[patch_logits, full_logits]``."""
        return [self.patch(x), self.full(x)]
