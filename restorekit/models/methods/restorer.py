"""Supervised restoration: a generator trained on (blurred, sharp) pairs with content losses."""

from __future__ import annotations

import torch

from restorekit.registry import MODELS

from ..losses.content import content_losses
from .base_restorer import BaseRestorer, build_optional


@MODELS.register_module()
class Restorer(BaseRestorer):
    """A generator trained by pixel / perceptual / frequency losses, no discriminator.

    ``L = pixel(G(b), s) + perceptual(G(b), s) + frequency(G(b), s)`` (each weight in its loss
    config). A generator that returns a coarse-to-fine list (MIMO-UNet) is trained at every
    scale against the bilinearly downsampled target (MIMO recipe: ``L1Loss`` +
    ``FFTL1Loss(loss_weight=0.1)``, ``reference/methods.md`` §5.1); ``predict`` uses the last
    (full-size) output. NAFNet's recipe is ``PSNRLoss``-style or L1 on one output.

    Data: ``inputs`` blurred (N, 3, H, W), ``gt`` sharp (N, 3, H, W), both in [0, 1].

    Args:
        generator, data_preprocessor, train_cfg, channels_last, init_cfg: see
            :class:`BaseRestorer` (``train_cfg`` takes ``gen_steps`` only meaningfully).
        pixel_loss, perceptual_loss, frequency_loss: loss configs; at least one is required.
            Logged as ``loss_pix``, ``loss_perceptual``, ``loss_freq``.
    """

    def __init__(self, generator: dict, pixel_loss: dict | None = None,
                 perceptual_loss: dict | None = None, frequency_loss: dict | None = None,
                 **kwargs) -> None:
        super().__init__(generator, None, **kwargs)
        self.pixel_loss = build_optional(pixel_loss)
        self.perceptual_loss = build_optional(perceptual_loss)
        self.frequency_loss = build_optional(frequency_loss)
        if all(loss is None for loss in (self.pixel_loss, self.perceptual_loss,
                                         self.frequency_loss)):
            raise ValueError("Restorer needs at least one of pixel_loss, perceptual_loss, "
                             "frequency_loss")
        self.check_train_cfg()

    def g_losses(self, data: dict, outputs: dict) -> dict[str, torch.Tensor]:
        return content_losses(outputs["pred"], data["gt"], dict(
            loss_pix=self.pixel_loss, loss_perceptual=self.perceptual_loss,
            loss_freq=self.frequency_loss))
