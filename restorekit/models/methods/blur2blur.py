"""Blur2Blur (Pham et al., CVPR 2024): translate an unknown blur into a known one.

``reference/methods.md`` §4 (official VinAIResearch/Blur2Blur ``models/blur2blur_model.py``;
written from that description, not copied). The translator G (a MIMO-UNet) maps an
unknown-domain blurry image A to "the same content with the known blur" -- the blur of a
dataset for which a supervised deblurrer exists; deblurring is then that deblurrer's job
(:class:`~restorekit.models.methods.Blur2BlurDeblurrer` chains the two at inference).

Training targets are synthetic known-blur images: a frozen blur-kernel encoder
(:class:`~restorekit.models.generators.KernelWizard`, BKSE) extracts a kernel code from a
known-domain pair (sharp D, blurry C) and re-blurs an unknown-domain sharp image B with it,
``B~ = adapt(B, extract(D, C))``. One iteration (``train_cfg.order='d_first'``, the official
order: forward G -> D step -> G step)::

    B~              = KW.adapt(B, KW.extract(D, C))          # torch.no_grad, KW in eval mode
    [y4, y2, y1]    = G(A)                                   # coarse -> fine (MIMO-UNet)
    reals           = [bilinear(B~, 1/4), bilinear(B~, 1/2), B~]
    L_D = mean_k gan.disc_loss(D(reals_k), D(stopgrad(y_k))) + GP(D, B~, stopgrad(y1))
    L_G = mean_k gan.gen_loss(D(y_k)) + sum_k perceptual(y_k, bilinear(A, scale_k))

with ONE discriminator shared over the three scales (official ``NLayerDiscriminator`` applied
to a list), the hinge loss (``GANLoss(gan_type='hinge', disc_loss_weight=0.5)`` =
``0.5 (L_real + L_fake)``), a gradient penalty that is correct for any batch size
(:class:`~restorekit.models.losses.GradientPenaltyLoss`: one interpolation coefficient and one
gradient norm per sample; the official code only works at batch size 1) and a VGG16 content
loss keeping G(A) close to A at every scale. Loss weights live in the loss configs.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import torch
from torch import nn

from restorekit.registry import MODELS

from ..losses.content import content_losses, resize_like
from .base_restorer import BaseRestorer, build_optional, final_output


def as_scales(output: torch.Tensor | Sequence[torch.Tensor]) -> list[torch.Tensor]:
    """A generator output as a coarse-to-fine list (a single tensor is one scale)."""
    return [output] if isinstance(output, torch.Tensor) else list(output)


def load_frozen_encoder(cfg: dict | nn.Module, checkpoint: str | None, owner: str) -> nn.Module:
    """Build the kernel encoder, load ``checkpoint`` strictly, freeze it (eval, no grad).

    ``checkpoint``: an official ``GOPRO_woVAE.pth`` (bare state dict, official keys), a file
    from ``tools/converters/kernel_wizard.py`` or a checkpoint of
    :class:`~restorekit.models.methods.KernelEncoderTrainer` (keys ``generator.*``). ``None``
    keeps random weights and warns: only tests and speed runs should do that.
    """
    from restorekit.models.generators.kernel_wizard_checkpoint import BKSE_HINT
    from restorekit.utils.state_dict import load_submodule

    encoder = build_optional(cfg)
    if encoder is None:
        raise ValueError(f"{owner} needs a kernel_encoder config (e.g. dict(type='KernelWizard'))")
    if checkpoint is None:
        warnings.warn(f"{owner}: kernel_encoder_ckpt is None, the kernel encoder keeps RANDOM "
                      "weights (tests only); its synthetic targets are meaningless.", stacklevel=3)
    else:
        import os

        if not os.path.isfile(str(checkpoint)):
            raise FileNotFoundError(
                f"{owner}: kernel encoder checkpoint '{checkpoint}' not found. {BKSE_HINT} "
                f"Or train one: tools/train.py configs/kernel_wizard_gopro.py (restorekit "
                f"checkpoints are read too).")
        try:
            load_submodule(encoder, checkpoint, ("", "generator.", "kernel_encoder."),
                           what="kernel encoder")
        except RuntimeError as err:  # same keys, other shapes
            raise ValueError(f"{owner}: kernel encoder checkpoint '{checkpoint}' does not fit "
                             f"the configured kernel_encoder (check nf / kernel_dim / block "
                             f"counts): {str(err).splitlines()[1].strip()}") from None
    encoder.eval().requires_grad_(False)
    return encoder


@MODELS.register_module()
class Blur2Blur(BaseRestorer):
    """The Blur2Blur translator trainer; see the module docstring for the objective.

    Data (after the preprocessor, all (N, 3, H, W) in [0, 1], same H, W): ``inputs`` = A
    (unknown-domain blurry), ``sharp_key`` = B (unknown-domain sharp, unpaired with A),
    ``known_blur_key`` = C and ``known_sharp_key`` = D (a known-domain pair; official
    convention, see :class:`~restorekit.datasets.Blur2BlurDataset`).

    Sub-modules (optimizer-wrapper keys): ``generator`` (translator), ``discriminator``.
    The kernel encoder is a frozen helper outside the state dict (checkpoints hold G and D
    only; the encoder is rebuilt from ``kernel_encoder`` + ``kernel_encoder_ckpt``), kept in
    eval mode and run under ``torch.no_grad``.

    ``predict`` / ``mode='tensor'``: the translated image (A with the known blur), clamped and
    un-padded, as the official ``test.py`` (``fake_B``); deblurring is
    :class:`Blur2BlurDeblurrer`'s job.

    Args:
        generator: translator config (MIMO-UNet; any generator returning a tensor or a
            coarse-to-fine list works).
        discriminator: shared discriminator config (PatchGAN, InstanceNorm).
        gan_loss: adversarial loss (official: ``GANLoss(gan_type='hinge',
            disc_loss_weight=0.5)``). Logged as ``loss_gan`` / ``loss_d``.
        kernel_encoder: the frozen encoder config (``KernelWizard``).
        kernel_encoder_ckpt: its weights (see :func:`load_frozen_encoder`); ``None`` = random
            (tests only, warns).
        perceptual_loss: content loss to the input at every scale (official: VGG16, see
            ``docs/methods/blur2blur.md``; weight 0.8). Logged as ``loss_perceptual``.
        gradient_penalty: ``GradientPenaltyLoss`` on the full-scale real / fake (official
            weight 1e-4); ``None`` = none. Logged as ``loss_gp``.
        clamp_targets: clamp the synthetic known-blur targets to [0, 1] (the encoder's output
            is unclamped; official: not clamped).
        sharp_key, known_blur_key, known_sharp_key: data keys of B, C and D.
        data_preprocessor: default ``DeblurDataPreprocessor(image_keys=(B, C, D keys),
            pad_size_divisor=4)``.
        train_cfg: as :class:`BaseRestorer`; ``order`` defaults to ``'d_first'`` here.
        channels_last, init_cfg: see :class:`BaseRestorer`.
    """

    def __init__(
        self,
        generator: dict,
        discriminator: dict,
        gan_loss: dict,
        kernel_encoder: dict,
        kernel_encoder_ckpt: str | None = None,
        perceptual_loss: dict | None = None,
        gradient_penalty: dict | None = None,
        clamp_targets: bool = True,
        sharp_key: str = "sharp",
        known_blur_key: str = "known_blur",
        known_sharp_key: str = "known_sharp",
        data_preprocessor: dict | None = None,
        train_cfg: dict | None = None,
        **kwargs,
    ) -> None:
        self.data_keys = (sharp_key, known_blur_key, known_sharp_key)
        if data_preprocessor is None:
            data_preprocessor = dict(type="DeblurDataPreprocessor", image_keys=self.data_keys,
                                     pad_size_divisor=4)
        train_cfg = dict(order="d_first") | dict(train_cfg or {})
        super().__init__(generator, discriminator, data_preprocessor=data_preprocessor,
                         train_cfg=train_cfg, **kwargs)
        self.gan_loss = build_optional(gan_loss)
        self.perceptual_loss = build_optional(perceptual_loss)
        self.gradient_penalty = build_optional(gradient_penalty)
        self.adversarial = self.adversarial_term("discriminator", "gan_loss")
        if self.adversarial is None:
            raise ValueError("Blur2Blur needs a discriminator and a gan_loss")
        self.clamp_targets = clamp_targets
        # a list: frozen, not a registered sub-module, not in the state dict, no optimizer
        self._kernel_encoder = [load_frozen_encoder(kernel_encoder, kernel_encoder_ckpt,
                                                    "Blur2Blur")]
        self.check_train_cfg()

    @property
    def kernel_encoder(self) -> nn.Module:
        """The frozen kernel encoder (eval mode, ``requires_grad=False``)."""
        return self._kernel_encoder[0]

    def _apply(self, fn, recurse: bool = True):
        super()._apply(fn, recurse)
        self._kernel_encoder[0]._apply(fn)  # follows .to(device) / .half() of the method
        return self

    # ------------------------------------------------------------------ targets
    @torch.no_grad()
    def synthesize_known_blur(self, sharp: torch.Tensor, known_sharp: torch.Tensor,
                              known_blur: torch.Tensor) -> torch.Tensor:
        """``adapt(B, extract(D, C))``: B re-blurred with the blur of the (D, C) pair.

        Args:
            sharp: B (N, 3, H, W); known_sharp, known_blur: D, C (N, 3, H', W') with H', W'
                padding to the same multiple of 128 as H, W (same crop size in practice).

        Returns:
            (N, 3, H, W), clamped to [0, 1] if ``clamp_targets``.
        """
        encoder = self.kernel_encoder.eval()
        target = encoder.adapt(sharp, encoder.extract(known_sharp, known_blur))
        return target.clamp(0, 1) if self.clamp_targets else target

    def prepare_train_data(self, data: dict) -> dict:
        missing = [k for k in self.data_keys if data.get(k) is None]
        if missing:
            raise KeyError(
                f"Blur2Blur needs the batch keys {list(self.data_keys)} (B, C, D) besides "
                f"'inputs' (A); missing {missing}. Use Blur2BlurDataset and PackInputs("
                f"input_key='img', image_keys={self.data_keys!r}).")
        sharp, known_blur, known_sharp = (data[k] for k in self.data_keys)
        target = self.synthesize_known_blur(sharp, known_sharp, known_blur)
        return dict(data, known_blur_target=target)

    # ------------------------------------------------------------------ losses
    def g_losses(self, data: dict, outputs: dict) -> dict[str, torch.Tensor]:
        preds = as_scales(outputs["pred"])
        gan = [self.adversarial.gen_loss(p) for p in preds]  # one D shared over the scales
        losses = {"loss_gan": torch.stack(gan).mean()}
        losses.update(content_losses(preds, data["inputs"],
                                     {"loss_perceptual": self.perceptual_loss}))
        return losses

    def d_losses(self, data: dict, outputs: dict) -> dict[str, torch.Tensor]:
        fakes, target = as_scales(outputs["pred"]), data["known_blur_target"]
        terms = [self.adversarial.disc_loss(resize_like(target, f), f) for f in fakes]
        losses = {"loss_d": torch.stack(terms).mean()}
        if self.gradient_penalty is not None:
            losses["loss_gp"] = self.gradient_penalty(self.adversarial.discriminator, target,
                                                      final_output(fakes))
        return losses


__all__ = ["Blur2Blur", "as_scales", "load_frozen_encoder"]
