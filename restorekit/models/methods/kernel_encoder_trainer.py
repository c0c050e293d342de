"""Training the blur-kernel encoder (BKSE KernelWizard) that Blur2Blur uses, on known-blur pairs."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from restorekit.registry import MODELS
from restorekit.structures import DataSample

from .base_restorer import BaseRestorer, build_optional, pack_predictions


@MODELS.register_module()
class KernelEncoderTrainer(BaseRestorer):
    """Train a kernel encoder F and adapter G to re-blur a sharp image with its pair's blur.

    BKSE's objective (``reference/methods.md`` §4.4, ``options/kernel_encoding/GOPRO/
    woVAE.yml``): for an aligned known-blur pair (sharp ``s``, blurry ``b``)::

        b_hat = G(s, F(s, b))            # KernelWizard.forward(sharp, blur)
        L     = Charbonnier(b_hat, b)    # pixel_loss (weight in its config)

    The code F(s, b) has to carry the blur alone (G already sees the sharp content), which is
    what lets Blur2Blur transfer it onto another sharp image. BKSE sums the Charbonnier terms
    over the batch; a mean (``reduction='mean'``) only rescales the gradient under Adam.

    Data: ``inputs`` blurry (N, 3, H, W), ``gt`` sharp (N, 3, H, W), in [0, 1] (the usual
    paired pipelines: a deblurring data set trains it as is). The generator pads to multiples
    of 128 (at least 256) internally, so the preprocessor does not pad.

    ``predict``: ``pred_img`` = the re-blurred sharp image, ``gt_img`` = the real blurry
    image it should equal (so a PSNR metric measures the re-blur fidelity), ``input_img`` =
    the sharp image. This is not a deblurring model: ``mode='tensor'`` needs ``gt`` (the sharp
    image) and returns the re-blurred one.

    Args:
        generator: the encoder config (``KernelWizard``); its checkpoint keys are
            ``generator.*``, which :class:`Blur2Blur` reads (``kernel_encoder_ckpt``).
        pixel_loss: reconstruction loss (``CharbonnierLoss``). Logged as ``loss_pix``.
        data_preprocessor, train_cfg, channels_last, init_cfg: see :class:`BaseRestorer`.
    """

    def __init__(self, generator: dict, pixel_loss: dict, **kwargs) -> None:
        super().__init__(generator, None, **kwargs)
        self.pixel_loss = build_optional(pixel_loss)
        if self.pixel_loss is None:
            raise ValueError("KernelEncoderTrainer needs a pixel_loss (e.g. CharbonnierLoss)")
        self.check_train_cfg()

    def _reblur(self, sharp: torch.Tensor | None, blur: torch.Tensor) -> torch.Tensor:
        if sharp is None:
            raise ValueError("KernelEncoderTrainer re-blurs the sharp image of a pair with the "
                             "pair's blur: pass gt=<sharp> besides the blurry inputs. It is "
                             "not a deblurring model.")
        return self.generator(self._format(sharp), self._format(blur))

    def forward(self, inputs: torch.Tensor, data_samples: Sequence[DataSample] | None = None,
                mode: str = "tensor", **images: torch.Tensor):
        if mode == "tensor":
            return self._reblur(images.get("gt"), inputs)
        return super().forward(inputs, data_samples, mode, **images)

    @torch.no_grad()
    def predict(self, inputs: torch.Tensor, data_samples: Sequence[DataSample] | None = None,
                **images) -> list[DataSample]:
        reblurred = self._reblur(images.get("gt"), inputs)
        return pack_predictions(data_samples, dict(pred_img=reblurred, gt_img=inputs,
                                                   input_img=images.get("gt")))

    def run_generators(self, data: dict) -> dict[str, torch.Tensor]:
        return {"pred": self._reblur(data.get("gt"), data["inputs"])}

    def g_losses(self, data: dict, outputs: dict) -> dict[str, torch.Tensor]:
        return {"loss_pix": self.pixel_loss(outputs["pred"], data["inputs"])}


__all__ = ["KernelEncoderTrainer"]
