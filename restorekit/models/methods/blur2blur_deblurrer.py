"""Blur2Blur inference: translator (unknown -> known blur), then the known-blur deblurrer."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

import torch
from torch import nn

from restorekit.registry import MODELS
from restorekit.structures import DataSample

from ..padding import PadPolicy, pad_to_policy
from .base_restorer import BaseRestorer, build_optional, final_output, pack_predictions


class TwoStageGenerator(nn.Module):
    """``deblurrer(translator(x))`` as one generator: (N, 3, H, W) [0, 1] -> (N, 3, H, W).

    Any H, W: the input is padded once on the bottom/right (``pad_mode``) to
    :attr:`size_divisor` (the least common multiple of both stages' ``size_divisor``; 4 for
    MIMO-UNet) and the output cropped back. Each stage may return a tensor or a coarse-to-fine
    list (its last entry is used). The translated image is passed on **unclamped**, as the
    deblurrer's own training inputs were real [0, 1] images plus what the translator adds; the
    tools clamp the final output. :meth:`stages` also returns the translated image.

    State-dict keys: ``translator.*`` and ``deblurrer.*`` (the stage networks' own keys).
    """

    def __init__(self, translator: nn.Module, deblurrer: nn.Module,
                 pad_mode: str = "reflect") -> None:
        super().__init__()
        self.translator = translator
        self.deblurrer = deblurrer
        self.pad_mode = pad_mode
        divisors = [int(getattr(m, "size_divisor", 1) or 1) for m in (translator, deblurrer)]
        self.size_divisor = math.lcm(*divisors)
        #: the padding authority's rule; the generator only aligns (never pads twice)
        self.padding = PadPolicy(self.size_divisor, pad_mode)

    def stages(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(translated, deblurred)``, both (N, 3, H, W), unclamped."""
        h, w = x.shape[-2:]
        xp = pad_to_policy(x, self.padding, inference=False)
        translated = final_output(self.translator(xp))
        deblurred = final_output(self.deblurrer(translated))
        return translated[..., :h, :w], deblurred[..., :h, :w]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.stages(x)[1]


def load_stage(module: nn.Module, checkpoint: str | None, what: str, hint: str) -> None:
    """Load one stage strictly from a restorekit checkpoint (``generator.*``) or a bare state
    dict of the network; ``None`` keeps the initialisation."""
    from restorekit.utils.state_dict import load_submodule

    if checkpoint is None:
        return
    if not os.path.isfile(str(checkpoint)):
        raise FileNotFoundError(f"Blur2BlurDeblurrer: {what} checkpoint '{checkpoint}' not "
                                f"found. {hint}")
    try:
        load_submodule(module, checkpoint, ("generator.", ""), what=what)
    except RuntimeError as err:  # same keys, other shapes
        raise ValueError(f"Blur2BlurDeblurrer: {what} checkpoint '{checkpoint}' does not fit the "
                         f"configured {what}: {str(err).splitlines()[1].strip()}") from None


@MODELS.register_module()
class Blur2BlurDeblurrer(BaseRestorer):
    """Two-stage Blur2Blur inference model: translate to the known blur, then deblur.

    ``generator`` is a :class:`TwoStageGenerator` (translator -> deblurrer, padding to
    ``size_divisor`` inside), so every tool that runs ``model.generator`` or
    ``model(x, mode='tensor')`` (``tools/test.py``, ``tools/deblur.py``,
    ``tools/benchmark.py``, ``tools/export_onnx.py``) treats it like a one-network model.

    Weights: each stage from its own checkpoint named in the config -- ``translator_ckpt`` (a
    :class:`Blur2Blur` training checkpoint, or a bare translator state dict) and
    ``deblurrer_ckpt`` (a ``Restorer`` checkpoint, e.g. of ``configs/mimo_unet_gopro.py``, or
    ``tools/converters/mimo_unet.py`` output) -- loaded strictly at construction. A combined
    checkpoint (``{'state_dict': model.state_dict()}``, keys ``generator.translator.*`` /
    ``generator.deblurrer.*``) can instead be passed to the tools as usual; ``tools/test.py``
    also accepts ``none`` to use the per-stage checkpoints of the config.

    ``predict``: ``pred_img`` (deblurred), ``translated_img`` (the known-blur image),
    ``input_img``, ``gt_img``. No training: there is no optimizer for this model.

    Args:
        translator: translator config (MIMO-UNet, as trained by ``Blur2Blur``).
        deblurrer: known-blur deblurrer config (MIMO-UNet, NAFNet, ...).
        translator_ckpt, deblurrer_ckpt: checkpoint paths; ``None`` = random (tests only).
        pad_mode: padding of the input to the stride (``'reflect'``).
        data_preprocessor: default ``DeblurDataPreprocessor(pad_size_divisor=1)`` (the
            composite pads itself).
        init_cfg: mmengine init config.
    """

    def __init__(self, translator: dict, deblurrer: dict, translator_ckpt: str | None = None,
                 deblurrer_ckpt: str | None = None, pad_mode: str = "reflect",
                 data_preprocessor: dict | None = None, init_cfg: dict | None = None) -> None:
        translator_net, deblurrer_net = build_optional(translator), build_optional(deblurrer)
        load_stage(translator_net, translator_ckpt, "translator",
                   "Train one with a Blur2Blur config (e.g. configs/blur2blur_gopro.py).")
        load_stage(deblurrer_net, deblurrer_ckpt, "deblurrer",
                   "Train one with configs/mimo_unet_gopro.py or convert the official MIMO-UNet "
                   "weights with tools/converters/mimo_unet.py.")
        generator = TwoStageGenerator(translator_net, deblurrer_net, pad_mode)
        super().__init__(generator, None, data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        # inference-only: frozen, so a DDP model wrapper (tools/dist_test.sh) leaves the
        # generator unwrapped and predict() can call its stages()
        self.generator.requires_grad_(False)
        self.check_train_cfg()

    @torch.no_grad()
    def predict(self, inputs: torch.Tensor, data_samples: Sequence[DataSample] | None = None,
                **images) -> list[DataSample]:
        translated, deblurred = self.generator.stages(inputs)
        return pack_predictions(data_samples, dict(
            pred_img=deblurred, translated_img=translated, input_img=inputs,
            gt_img=images.get("gt")))

    def train_step(self, data, optim_wrapper):
        raise RuntimeError("Blur2BlurDeblurrer is inference-only: train the translator with "
                           "Blur2Blur and the deblurrer with Restorer, then name both "
                           "checkpoints in its config.")


__all__ = ["Blur2BlurDeblurrer", "TwoStageGenerator"]
