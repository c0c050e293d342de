"""BGAN: the learning-to-blur GAN of "Deblurring by Realistic Blurring" (CVPR 2020)."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from restorekit.registry import MODELS
from restorekit.structures import DataSample

from ..losses.content import content_losses
from .base_restorer import BaseRestorer, build_optional, pack_predictions
from .blur_synthesis import real_blur_batch, sharp_and_paired_blur, synthesize_blur


@MODELS.register_module()
class BGAN(BaseRestorer):
    """Learning-to-blur GAN: ``G(sharp, noise)`` mimics unpaired real blurred photos.

    Generator loss (each weight from its loss config)::

        L_G = pixel(G(s), s) + perceptual(G(s), s) + RBL_G(C(real_blur), C(G(s)))

    and discriminator loss ``RBL_D(C(real_blur), C(G(s).detach()))``, where RBL is
    ``RelativisticAverageLoss`` with x_r = real blur, x_f = BGAN output. The content terms
    compare the generated blur with its own sharp input, as the paper describes (it keeps the
    content; the adversarial term adds the blur). Paper weights (ESRGAN reading): content 1,
    RBL 0.005.

    Data (after the preprocessor, all (N, 3, H, W) in [0, 1]): the sharp images are ``gt`` if
    present (then ``inputs`` is the paired blur, unused in training), else ``inputs``; the
    unpaired real blurred crops are ``data[real_blur_key]`` (same crop size as the sharp).

    ``predict`` returns ``pred_img`` = G(sharp) with noise seeded by ``test_noise_seed``
    (reproducible evaluation), ``input_img`` = the sharp image and, for paired data,
    ``gt_img`` = the real blurred image of the pair (for blur-realism metrics).

    Args:
        generator: a blur generator config (``BlurGenerator`` or any ``(N,3,H,W) ->
            (N,3,H,W)`` generator that draws its own noise and accepts ``generator=``).
        discriminator, data_preprocessor, train_cfg, channels_last, init_cfg: see
            :class:`BaseRestorer`; the preprocessor must list ``real_blur_key`` in its
            ``image_keys``.
        pixel_loss, perceptual_loss: content losses against the sharp input (any may be None).
        gan_loss: the adversarial loss (RBL = ``RelativisticAverageLoss``), required.
        real_blur_key: data key of the unpaired real blurred images.
        test_noise_seed: seed of the noise used by ``predict`` (None: global RNG).
    """

    def __init__(
        self,
        generator: dict,
        discriminator: dict | None = None,
        pixel_loss: dict | None = None,
        perceptual_loss: dict | None = None,
        gan_loss: dict | None = None,
        real_blur_key: str = "real_blur",
        test_noise_seed: int | None = 0,
        **kwargs,
    ) -> None:
        super().__init__(generator, discriminator, **kwargs)
        self.pixel_loss = build_optional(pixel_loss)
        self.perceptual_loss = build_optional(perceptual_loss)
        self.gan_loss = build_optional(gan_loss)
        self.adversarial = self.adversarial_term("discriminator", "gan_loss")
        if self.adversarial is None:
            raise ValueError("BGAN needs a discriminator and gan_loss (RBL): without real blur "
                             "the generator would only learn the identity")
        self.real_blur_key = real_blur_key
        self.test_noise_seed = test_noise_seed
        self.check_train_cfg()

    def prepare_train_data(self, data: dict) -> dict:
        sharp, _ = sharp_and_paired_blur(data["inputs"], data.get("gt"))
        return dict(data, inputs=sharp)

    def g_losses(self, data: dict, outputs: dict) -> dict[str, torch.Tensor]:
        fake, sharp = outputs["pred"], data["inputs"]
        losses = content_losses(fake, sharp, dict(loss_pix=self.pixel_loss,
                                                  loss_perceptual=self.perceptual_loss))
        real = real_blur_batch(data, self.real_blur_key, "BGAN")
        losses["loss_gan"] = self.adversarial.gen_loss(fake, real=real)
        return losses

    def d_losses(self, data: dict, outputs: dict) -> dict[str, torch.Tensor]:
        real = real_blur_batch(data, self.real_blur_key, "BGAN")
        return {"loss_d": self.adversarial.disc_loss(real, outputs["pred"])}

    def synthesize(self, sharp: torch.Tensor, seed: int | None = None) -> torch.Tensor:
        """G(sharp) (N, 3, H, W) [0, 1] with noise seeded by ``seed`` (None: global RNG)."""
        return synthesize_blur(self.inference_generator, self._format(sharp), seed)

    @torch.no_grad()
    def predict(
        self, inputs: torch.Tensor, data_samples: Sequence[DataSample] | None = None, **images
    ) -> list[DataSample]:
        sharp, paired = sharp_and_paired_blur(inputs, images.get("gt"))
        fake = self.synthesize(sharp, self.test_noise_seed)
        return pack_predictions(
            data_samples, dict(pred_img=fake, input_img=sharp, gt_img=paired)
        )
