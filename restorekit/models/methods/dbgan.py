"""DBGAN: the learning-to-deblur GAN of "Deblurring by Realistic Blurring" (CVPR 2020)."""

from __future__ import annotations

import torch

from restorekit.registry import MODELS

from .gan_restorer import BaseGANRestorer, build_optional


@MODELS.register_module()
class DBGAN(BaseGANRestorer):
    """Deblurring GAN: generator (RRDBNet in the paper) + discriminator + RDBL.

    Generator loss ``L_G = perceptual(G(b), s) + pixel(G(b), s) + RDBL_G`` and discriminator
    loss ``RDBL_D`` with x_r = sharp ``gt`` and x_f = ``G(b)``; every weight comes from its
    loss config (the paper's alpha = 0.005 on RDBL and beta = 0.01 on the MSE content loss in
    the ESRGAN reading; see docs/methods/dbgan.md). Any loss may be ``None``; with no
    discriminator the method trains on pixel/perceptual losses only.

    Data: ``inputs`` blurred (N, 3, H, W), ``gt`` sharp (N, 3, H, W), both in [0, 1].

    Args:
        generator, discriminator, data_preprocessor, train_cfg, channels_last, init_cfg:
            see :class:`BaseGANRestorer`.
        pixel_loss: content loss config (e.g. ``MSELoss``).
        perceptual_loss: e.g. ``PerceptualLoss(layer_weights={'conv5_4': 1.0})``.
        gan_loss: an adversarial loss (``RelativisticAverageLoss`` = RDBL, ``GANLoss``, ...).
        frequency_loss: optional spectrum loss on (G(b), s), e.g. ``FocalFrequencyLoss``
            (the U-Net/LUR variant uses ``loss_weight=100``); logged as ``loss_freq``.
        conditional_disc: feed the discriminator ``inputs ⊕ image`` (channel concat, e.g. a
            6-channel pix2pix PatchGAN as in the U-Net/LUR variant) instead of the image
            alone (default, the paper's unconditional D).
    """

    def __init__(
        self,
        generator: dict,
        discriminator: dict | None = None,
        pixel_loss: dict | None = None,
        perceptual_loss: dict | None = None,
        gan_loss: dict | None = None,
        frequency_loss: dict | None = None,
        conditional_disc: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(generator, discriminator, **kwargs)
        self.conditional_disc = conditional_disc
        self.pixel_loss = build_optional(pixel_loss)
        self.perceptual_loss = build_optional(perceptual_loss)
        self.gan_loss = build_optional(gan_loss)
        self.frequency_loss = build_optional(frequency_loss)
        if (self.discriminator is None) != (self.gan_loss is None):
            raise ValueError("DBGAN needs both a discriminator and a gan_loss, or neither")
        if all(loss is None for loss in (self.pixel_loss, self.perceptual_loss, self.gan_loss,
                                         self.frequency_loss)):
            raise ValueError("DBGAN needs at least one of pixel_loss, perceptual_loss, gan_loss, "
                             "frequency_loss")

    def disc_input(self, data: dict, image: torch.Tensor) -> torch.Tensor:
        """What the discriminator sees: ``image``, or ``inputs ⊕ image`` (N, 6, H, W) when
        ``conditional_disc``."""
        if not self.conditional_disc:
            return image
        return torch.cat([data["inputs"], image], dim=1)

    def g_step(self, data: dict, outputs: torch.Tensor) -> dict[str, torch.Tensor]:
        gt = data["gt"]
        losses = {}
        if self.pixel_loss is not None:
            losses["loss_pix"] = self.pixel_loss(outputs, gt)
        if self.perceptual_loss is not None:
            losses["loss_perceptual"] = self.perceptual_loss(outputs, gt)
        if self.frequency_loss is not None:
            losses["loss_freq"] = self.frequency_loss(outputs, gt)
        if self.gan_loss is not None:
            disc = self.frozen(self.discriminator)
            real_pred = None
            if self.gan_loss.relativistic:
                with torch.no_grad():  # a tensor or a list (multi-scale D)
                    real_pred = disc(self.disc_input(data, gt))
            losses["loss_gan"] = self.gan_loss.gen_loss(real_pred,
                                                        disc(self.disc_input(data, outputs)))
            self.unfreeze(self.discriminator)
        return losses

    def d_step(self, data: dict, outputs: torch.Tensor) -> dict[str, torch.Tensor]:
        real_pred = self.discriminator(self.disc_input(data, data["gt"]))
        fake_pred = self.discriminator(self.disc_input(data, outputs))
        return {"loss_d": self.gan_loss.disc_loss(real_pred, fake_pred)}
