"""DBGAN: the learning-to-deblur GAN of "Deblurring by Realistic Blurring" (CVPR 2020)."""

from __future__ import annotations

import torch

from restorekit.registry import MODELS

from ..losses.content import content_losses
from .base_restorer import BaseRestorer, build_optional


@MODELS.register_module()
class DBGAN(BaseRestorer):
    """Deblurring GAN: generator (RRDBNet in the paper) + discriminator + RDBL.

    Generator loss ``L_G = perceptual(G(b), s) + pixel(G(b), s) + RDBL_G`` and discriminator
    loss ``RDBL_D`` with x_r = sharp ``gt`` and x_f = ``G(b)``; every weight comes from its
    loss config (the paper's alpha = 0.005 on RDBL and beta = 0.01 on the MSE content loss in
    the ESRGAN reading; see docs/methods/dbgan.md). Any loss may be ``None``; with no
    discriminator the method trains on pixel/perceptual losses only (see also ``Restorer``).

    Data: ``inputs`` blurred (N, 3, H, W), ``gt`` sharp (N, 3, H, W), both in [0, 1].

    Args:
        generator, discriminator, data_preprocessor, train_cfg, channels_last, init_cfg:
            see :class:`BaseRestorer`.
        pixel_loss: content loss config (e.g. ``MSELoss``).
        perceptual_loss: e.g. ``PerceptualLoss(layer_weights={'conv5_4': 1.0})``.
        gan_loss: an adversarial loss (``RelativisticAverageLoss`` = RDBL, ``GANLoss``, ...).
        frequency_loss: optional spectrum loss on (G(b), s), e.g. ``FocalFrequencyLoss``
            (the U-Net/LUR variant uses ``loss_weight=100``); logged as ``loss_freq``.
        conditional_disc: the discriminator sees ``cat([inputs, image])`` (a 6-channel
            pix2pix PatchGAN, as the U-Net/LUR variant) instead of the image alone (default,
            the paper's unconditional D).
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
        self.pixel_loss = build_optional(pixel_loss)
        self.perceptual_loss = build_optional(perceptual_loss)
        self.gan_loss = build_optional(gan_loss)
        self.frequency_loss = build_optional(frequency_loss)
        self.adversarial = self.adversarial_term("discriminator", "gan_loss", conditional_disc)
        if all(loss is None for loss in (self.pixel_loss, self.perceptual_loss, self.gan_loss,
                                         self.frequency_loss)):
            raise ValueError("DBGAN needs at least one of pixel_loss, perceptual_loss, gan_loss, "
                             "frequency_loss")
        self.check_train_cfg()

    def g_losses(self, data: dict, outputs: dict) -> dict[str, torch.Tensor]:
        pred, gt = outputs["pred"], data["gt"]
        losses = content_losses(pred, gt, dict(
            loss_pix=self.pixel_loss, loss_perceptual=self.perceptual_loss,
            loss_freq=self.frequency_loss))
        if self.adversarial is not None:
            losses["loss_gan"] = self.adversarial.gen_loss(pred, real=gt, cond=data["inputs"])
        return losses

    def d_losses(self, data: dict, outputs: dict) -> dict[str, torch.Tensor]:
        return {"loss_d": self.adversarial.disc_loss(data["gt"], outputs["pred"],
                                                     cond=data["inputs"])}
