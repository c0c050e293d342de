"""Standard (non-relativistic) GAN losses: vanilla, LSGAN and hinge."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from restorekit.registry import MODELS

from .adversarial_base import AdversarialLoss


@MODELS.register_module()
class GANLoss(AdversarialLoss):
    """Vanilla (BCE with logits), least-squares or hinge GAN loss.

    D: ``c(real, real_label) + c(fake, fake_label)`` (hinge: ``relu(1 - real) + relu(1 +
    fake)``); G: ``c(fake, real_label)`` (hinge: ``-fake``), all as means over elements.
    pix2pix and DeblurGAN-v2 halve the D objective: set ``disc_loss_weight=0.5`` for that.

    Args:
        gan_type: ``'vanilla'``, ``'lsgan'`` or ``'hinge'``.
        real_label, fake_label: targets for vanilla / lsgan.
        loss_weight: weight of the generator term.
        disc_loss_weight: weight of the discriminator objective.
    """

    def __init__(
        self,
        gan_type: str = "vanilla",
        real_label: float = 1.0,
        fake_label: float = 0.0,
        loss_weight: float = 1.0,
        disc_loss_weight: float = 1.0,
    ) -> None:
        super().__init__(loss_weight, disc_loss_weight)
        if gan_type not in ("vanilla", "lsgan", "hinge"):
            raise ValueError(f"gan_type must be vanilla, lsgan or hinge, got {gan_type!r}")
        self.gan_type = gan_type
        self.real_label = real_label
        self.fake_label = fake_label

    def _criterion(self, pred: torch.Tensor, target: float) -> torch.Tensor:
        label = torch.full_like(pred, target)
        if self.gan_type == "vanilla":
            return F.binary_cross_entropy_with_logits(pred, label)
        return F.mse_loss(pred, label)

    def _disc_term(self, index: int, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        if self.gan_type == "hinge":
            return F.relu(1 - real).mean() + F.relu(1 + fake).mean()
        return self._criterion(real, self.real_label) + self._criterion(fake, self.fake_label)

    def _gen_term(self, index: int, real: torch.Tensor | None, fake: torch.Tensor) -> torch.Tensor:
        if self.gan_type == "hinge":
            return -fake.mean()
        return self._criterion(fake, self.real_label)
