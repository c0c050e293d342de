"""Scheme 2 ("joint") of "Deblurring by Realistic Blurring": BGAN and DBGAN trained together."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from restorekit.registry import MODELS
from restorekit.structures import DataSample

from ..losses.content import content_losses
from .base_restorer import BaseRestorer, build_optional
from .blur_synthesis import (
    mix_blur,
    real_blur_batch,
    restore_with_synthetic_blur,
    sharp_and_paired_blur,
)


@MODELS.register_module()
class RealisticBlurJoint(BaseRestorer):
    """Joint BGAN + DBGAN: four sub-networks, four optimizers, one training step.

    Sub-modules (and ``optim_wrapper`` keys): ``blur_generator`` (BGAN G), ``blur_discriminator``
    (BGAN D), ``generator`` (DBGAN G), ``discriminator`` (DBGAN D, optional).

    One iteration on a batch with sharp ``s``, unpaired real blur ``r`` and optional paired
    real blur ``b`` (all (N, 3, H, W) in [0, 1])::

        f   = BG(s, noise)                                      # synthetic blur
        x   = mix(f or stopgrad(f), b, real_pair_ratio)         # DBGAN input, per sample
        y   = G(x)
        L_BG = blur_pixel(f, s) + blur_perceptual(f, s) + RBL_G(D_b(r), D_b(f))
        L_G  = pixel(y, s) + perceptual(y, s) + RDBL_G(D(s), D(y))
        L_Db = RBL_D(D_b(r), D_b(stopgrad(f)))
        L_D  = RDBL_D(D(s), D(stopgrad(y)))

    The generator side is one total ``L_BG + L_G`` updated through both generator optimizer
    wrappers (see :class:`BaseRestorer`): with ``detach_blur=True`` (default, the paper: DBGAN
    is trained *on* BGAN's outputs) ``L_G`` does not reach BG, so BG learns from ``L_BG`` and G
    from ``L_G``; with ``detach_blur=False`` BG also learns from ``L_G`` (end to end: BGAN
    learns blur that DBGAN can invert). In generator steps both discriminators are frozen; the
    discriminator steps see only detached generator outputs. ``conditional_disc`` feeds D with
    ``cat([x, image])`` (6 channels) as LUR's pix2pix D.

    ``predict``: ``pred_img`` = G(inputs), ``gt_img``, ``input_img`` and, when ``gt`` is
    present, ``synthetic_blur_img`` = BG(gt) with noise seed ``test_noise_seed``.

    Args:
        generator, discriminator: DBGAN G / D configs.
        blur_generator, blur_discriminator: BGAN G / D configs.
        pixel_loss, perceptual_loss, gan_loss: DBGAN losses (gan_loss = RDBL).
        blur_pixel_loss, blur_perceptual_loss, blur_gan_loss: BGAN losses (blur_gan_loss = RBL,
            required).
        real_blur_key: data key of the unpaired real blur.
        real_pair_ratio: probability that a sample's DBGAN input is its real paired blur.
        detach_blur: stop DBGAN's gradients at BGAN's output (see above).
        conditional_disc: DBGAN D sees ``cat([blur input, image])``.
        test_noise_seed: seed of BGAN's noise in ``predict``.
        data_preprocessor, train_cfg, channels_last, init_cfg: see :class:`BaseRestorer`.
    """

    generator_names = ("blur_generator", "generator")
    discriminator_names = ("blur_discriminator", "discriminator")

    def __init__(
        self,
        generator: dict,
        blur_generator: dict,
        blur_discriminator: dict,
        blur_gan_loss: dict,
        discriminator: dict | None = None,
        pixel_loss: dict | None = None,
        perceptual_loss: dict | None = None,
        gan_loss: dict | None = None,
        blur_pixel_loss: dict | None = None,
        blur_perceptual_loss: dict | None = None,
        real_blur_key: str = "real_blur",
        real_pair_ratio: float = 0.0,
        detach_blur: bool = True,
        conditional_disc: bool = False,
        test_noise_seed: int | None = 0,
        **kwargs,
    ) -> None:
        super().__init__(generator, discriminator, **kwargs)
        self.blur_generator = build_optional(blur_generator)
        self.blur_discriminator = build_optional(blur_discriminator)
        self.pixel_loss = build_optional(pixel_loss)
        self.perceptual_loss = build_optional(perceptual_loss)
        self.gan_loss = build_optional(gan_loss)
        self.blur_pixel_loss = build_optional(blur_pixel_loss)
        self.blur_perceptual_loss = build_optional(blur_perceptual_loss)
        self.blur_gan_loss = build_optional(blur_gan_loss)
        self.adversarial = self.adversarial_term("discriminator", "gan_loss", conditional_disc)
        self.blur_adversarial = self.adversarial_term("blur_discriminator", "blur_gan_loss")
        if self.pixel_loss is None and self.perceptual_loss is None and self.gan_loss is None:
            raise ValueError("the DBGAN part needs at least one of pixel_loss, perceptual_loss, "
                             "gan_loss")
        if not 0.0 <= real_pair_ratio <= 1.0:
            raise ValueError(f"real_pair_ratio must be in [0, 1], got {real_pair_ratio}")
        self.real_blur_key = real_blur_key
        self.real_pair_ratio = float(real_pair_ratio)
        self.detach_blur = detach_blur
        self.test_noise_seed = test_noise_seed
        self.check_train_cfg()

    def prepare_train_data(self, data: dict) -> dict:
        sharp, paired = sharp_and_paired_blur(data["inputs"], data.get("gt"))
        real = real_blur_batch(data, self.real_blur_key, "RealisticBlurJoint")
        return dict(data, sharp=sharp, paired=paired, real_blur=real)

    def run_generators(self, data: dict) -> dict[str, torch.Tensor]:
        fake_blur = self.blur_generator(data["sharp"])
        source = fake_blur.detach() if self.detach_blur else fake_blur
        blur_in, _ = mix_blur(source, data["paired"], self.real_pair_ratio)
        return dict(fake_blur=fake_blur, blur_in=blur_in, pred=self.generator(blur_in))

    def g_losses(self, data: dict, outputs: dict) -> dict[str, torch.Tensor]:
        sharp, fake_blur, restored = data["sharp"], outputs["fake_blur"], outputs["pred"]
        losses = content_losses(fake_blur, sharp, dict(
            loss_blur_pix=self.blur_pixel_loss, loss_blur_perceptual=self.blur_perceptual_loss))
        losses["loss_blur_gan"] = self.blur_adversarial.gen_loss(fake_blur, real=data["real_blur"])
        losses.update(content_losses(restored, sharp, dict(
            loss_pix=self.pixel_loss, loss_perceptual=self.perceptual_loss)))
        if self.adversarial is not None:
            losses["loss_gan"] = self.adversarial.gen_loss(restored, real=sharp,
                                                           cond=outputs["blur_in"])
        return losses

    def d_losses(self, data: dict, outputs: dict) -> dict[str, torch.Tensor]:
        losses = {"loss_blur_d": self.blur_adversarial.disc_loss(data["real_blur"],
                                                                 outputs["fake_blur"])}
        if self.adversarial is not None:
            losses["loss_d"] = self.adversarial.disc_loss(data["sharp"], outputs["pred"],
                                                          cond=outputs["blur_in"])
        return losses

    @torch.no_grad()
    def predict(
        self, inputs: torch.Tensor, data_samples: Sequence[DataSample] | None = None, **images
    ) -> list[DataSample]:
        return restore_with_synthetic_blur(self, inputs, data_samples, images.get("gt"))
