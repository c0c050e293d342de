"""Scheme 2 of "Deblurring by Realistic Blurring": BGAN and DBGAN trained together."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from mmengine.optim import OptimWrapperDict

from restorekit.registry import MODELS
from restorekit.structures import DataSample

from .bgan import pack_predictions, sharp_and_paired_blur
from .gan_restorer import BaseGANRestorer, build_optional
from .realistic_blur_utils import mix_blur


@MODELS.register_module()
class RealisticBlurJoint(BaseGANRestorer):
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

    Gradient routing: in the generator steps both discriminators are frozen (no gradients, the
    real predictions are detached); the discriminator steps see only detached generator
    outputs. With ``detach_blur=True`` (default, the paper: DBGAN is trained *on* BGAN's
    outputs) ``L_G`` does not reach BG; BG is updated from ``L_BG`` and G from ``L_G``. With
    ``detach_blur=False`` BG is updated from ``L_BG + L_G`` (end-to-end: BGAN also learns to
    make blur that DBGAN can invert; one backward, then both optimizers step; not for fp16
    loss scaling, where the two wrappers would use different scales). ``conditional_disc``
    feeds D with ``x ⊕ image`` (6 channels) as LUR's pix2pix D, in the right order.

    ``train_cfg``: ``gen_steps`` / ``disc_steps`` / ``disc_init_steps`` apply to both pairs.
    ``predict``: ``pred_img`` = G(inputs), ``gt_img``, ``input_img`` and, when ``gt`` is
    present, ``synthetic_blur_img`` = BG(gt) with noise seed ``test_noise_seed``.

    Args:
        generator, discriminator: DBGAN G / D configs.
        blur_generator, blur_discriminator: BGAN G (``BlurGenerator``) / D configs.
        pixel_loss, perceptual_loss, gan_loss: DBGAN losses (gan_loss = RDBL).
        blur_pixel_loss, blur_perceptual_loss, blur_gan_loss: BGAN losses (blur_gan_loss = RBL,
            required).
        real_blur_key: data key of the unpaired real blur.
        real_pair_ratio: probability that a sample's DBGAN input is its real paired blur.
        detach_blur: stop DBGAN's gradients at BGAN's output (see above).
        conditional_disc: DBGAN D sees ``cat(blur input, image)``.
        test_noise_seed: seed of BGAN's noise in ``predict``.
        data_preprocessor, train_cfg, channels_last, init_cfg: see :class:`BaseGANRestorer`.
    """

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
        if (self.discriminator is None) != (self.gan_loss is None):
            raise ValueError("the DBGAN part needs both a discriminator and a gan_loss, or neither")
        if self.pixel_loss is None and self.perceptual_loss is None and self.gan_loss is None:
            raise ValueError("the DBGAN part needs at least one of pixel_loss, perceptual_loss, "
                             "gan_loss")
        if not 0.0 <= real_pair_ratio <= 1.0:
            raise ValueError(f"real_pair_ratio must be in [0, 1], got {real_pair_ratio}")
        self.real_blur_key = real_blur_key
        self.real_pair_ratio = float(real_pair_ratio)
        self.detach_blur = detach_blur
        self.conditional_disc = conditional_disc
        self.test_noise_seed = test_noise_seed
        if self.channels_last:
            self.to(memory_format=torch.channels_last)

    # ------------------------------------------------------------------ losses
    def _real_blur(self, data: dict) -> torch.Tensor:
        if data.get(self.real_blur_key) is None:
            raise KeyError(f"RealisticBlurJoint needs unpaired real blurred images under "
                           f"data[{self.real_blur_key!r}] (pipeline + preprocessor image_keys)")
        return data[self.real_blur_key]

    def _d_input(self, blur: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        return torch.cat([blur, image], dim=1) if self.conditional_disc else image

    def blur_g_losses(self, sharp, real_blur, fake_blur) -> dict[str, torch.Tensor]:
        """BGAN generator losses (blur discriminator frozen, its real prediction detached)."""
        losses = {}
        if self.blur_pixel_loss is not None:
            losses["loss_blur_pix"] = self.blur_pixel_loss(fake_blur, sharp)
        if self.blur_perceptual_loss is not None:
            losses["loss_blur_perceptual"] = self.blur_perceptual_loss(fake_blur, sharp)
        disc = self.frozen(self.blur_discriminator)
        real_pred = disc(real_blur).detach() if self.blur_gan_loss.relativistic else None
        losses["loss_blur_gan"] = self.blur_gan_loss.gen_loss(real_pred, disc(fake_blur))
        self.unfreeze(self.blur_discriminator)
        return losses

    def deblur_g_losses(self, sharp, restored, blur_in) -> dict[str, torch.Tensor]:
        """DBGAN generator losses (discriminator frozen, its real prediction detached)."""
        losses = {}
        if self.pixel_loss is not None:
            losses["loss_pix"] = self.pixel_loss(restored, sharp)
        if self.perceptual_loss is not None:
            losses["loss_perceptual"] = self.perceptual_loss(restored, sharp)
        if self.gan_loss is not None:
            disc = self.frozen(self.discriminator)
            real_pred = None
            if self.gan_loss.relativistic:
                real_pred = disc(self._d_input(blur_in, sharp)).detach()
            fake_pred = disc(self._d_input(blur_in, restored))
            losses["loss_gan"] = self.gan_loss.gen_loss(real_pred, fake_pred)
            self.unfreeze(self.discriminator)
        return losses

    def blur_d_losses(self, real_blur, fake_blur) -> dict[str, torch.Tensor]:
        real_pred = self.blur_discriminator(real_blur)
        fake_pred = self.blur_discriminator(fake_blur.detach())
        return {"loss_blur_d": self.blur_gan_loss.disc_loss(real_pred, fake_pred)}

    def deblur_d_losses(self, sharp, restored, blur_in) -> dict[str, torch.Tensor]:
        blur_in = blur_in.detach()
        real_pred = self.discriminator(self._d_input(blur_in, sharp))
        fake_pred = self.discriminator(self._d_input(blur_in, restored.detach()))
        return {"loss_d": self.gan_loss.disc_loss(real_pred, fake_pred)}

    # ------------------------------------------------------------------ training
    def _generator_update(self, data, optim_wrapper) -> tuple[dict, tuple]:
        sharp, paired, real_blur = data["sharp"], data["paired"], data["real_blur"]
        bg_wrapper, g_wrapper = optim_wrapper["blur_generator"], optim_wrapper["generator"]
        with bg_wrapper.optim_context(self.blur_generator):
            fake_blur = self.blur_generator(sharp)
            blur_losses = self.blur_g_losses(sharp, real_blur, fake_blur)
        source = fake_blur.detach() if self.detach_blur else fake_blur
        blur_in, _ = mix_blur(source, paired, self.real_pair_ratio)
        with g_wrapper.optim_context(self.generator):
            restored = self.generator(blur_in)
            losses = self.deblur_g_losses(sharp, restored, blur_in)
        if self.detach_blur:
            log_vars = self._update(bg_wrapper, blur_losses)
            log_vars.update(self._update(g_wrapper, losses))
        else:  # one backward through G and BG, then both optimizers step
            blur_total, log_vars = self.parse_losses(blur_losses)
            total, more = self.parse_losses(losses)
            log_vars.pop("loss")
            more.pop("loss")
            log_vars.update(more)
            bg_wrapper.backward(blur_total + total)
            for wrapper in (bg_wrapper, g_wrapper):
                wrapper.step()
                wrapper.zero_grad()
        return log_vars, (fake_blur.detach(), blur_in.detach(), restored.detach())

    def train_step(self, data: dict, optim_wrapper: OptimWrapperDict) -> dict[str, torch.Tensor]:
        data = self.data_preprocessor(data, True)
        for key, value in data.items():
            if isinstance(value, torch.Tensor) and value.dim() == 4:
                data[key] = self._format(value)
        sharp, paired = sharp_and_paired_blur(data["inputs"], data.get("gt"))
        batch = dict(sharp=sharp, paired=paired, real_blur=self._real_blur(data))
        log_vars: dict[str, torch.Tensor] = {}
        outputs = None
        if int(self.step_counter) >= self.disc_init_steps:
            for _ in range(self.gen_steps):
                step_vars, outputs = self._generator_update(batch, optim_wrapper)
                log_vars.update(step_vars)
        if self.disc_steps > 0:
            if outputs is None:
                with torch.no_grad():
                    fake_blur = self.blur_generator(sharp)
                    blur_in, _ = mix_blur(fake_blur, paired, self.real_pair_ratio)
                    outputs = (fake_blur, blur_in, self.generator(blur_in))
            fake_blur, blur_in, restored = outputs
            for _ in range(self.disc_steps):
                wrapper = optim_wrapper["blur_discriminator"]
                with wrapper.optim_context(self.blur_discriminator):
                    losses = self.blur_d_losses(batch["real_blur"], fake_blur)
                log_vars.update(self._update(wrapper, losses))
                if self.discriminator is not None:
                    wrapper = optim_wrapper["discriminator"]
                    with wrapper.optim_context(self.discriminator):
                        losses = self.deblur_d_losses(sharp, restored, blur_in)
                    log_vars.update(self._update(wrapper, losses))
        self.step_counter += 1
        return log_vars

    # ------------------------------------------------------------------ inference
    @torch.no_grad()
    def synthesize(self, sharp: torch.Tensor, seed: int | None = None) -> torch.Tensor:
        """BGAN(sharp) (N, 3, H, W) [0, 1]; ``seed`` fixes the noise."""
        generator = None
        if seed is not None:
            generator = torch.Generator(device=sharp.device).manual_seed(int(seed))
        return self.blur_generator(self._format(sharp), generator=generator)

    @torch.no_grad()
    def predict(
        self, inputs: torch.Tensor, data_samples: Sequence[DataSample] | None = None, **images
    ) -> list[DataSample]:
        gt = images.get("gt")
        restored = self.generator(self._format(inputs))
        synthetic = self.synthesize(gt, self.test_noise_seed) if gt is not None else None
        return pack_predictions(
            data_samples,
            dict(pred_img=restored, input_img=inputs, gt_img=gt, synthetic_blur_img=synthetic),
        )
