"""Shared skeleton of the GAN restoration methods (DBGAN, BGAN, DeblurGAN-v2, ...)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn as nn
from mmengine.model import BaseModel, is_model_wrapper
from mmengine.optim import OptimWrapper, OptimWrapperDict

from restorekit.registry import MODELS
from restorekit.structures import DataSample

from ..data_preprocessor import DeblurDataPreprocessor


def build_optional(cfg: dict | nn.Module | None) -> nn.Module | None:
    """Build a registered module from a config dict; pass modules and ``None`` through."""
    if cfg is None or isinstance(cfg, nn.Module):
        return cfg
    return MODELS.build(cfg)


def unwrap(module: nn.Module) -> nn.Module:
    """The bare module inside a DDP-style wrapper (``MMSeparateDistributedDataParallel``
    wraps each sub-module separately)."""
    return module.module if is_model_wrapper(module) else module


class BaseGANRestorer(BaseModel):
    """A generator restoring ``inputs``, optionally trained against a discriminator.

    ``train_step`` preprocesses the batch, then for ``gen_steps`` times runs :meth:`g_step`
    and updates the generator, then ``disc_steps`` times runs :meth:`d_step` on the detached
    output and updates the discriminator. During the first ``disc_init_steps`` iterations only
    the discriminator is trained. Subclasses implement ``g_step`` / ``d_step`` as small
    functions returning a dict of named loss tensors (every key containing ``loss`` is summed).

    Args:
        generator: config of the generator; (N, 3, H, W) [0, 1] -> (N, 3, H, W) [0, 1].
        discriminator: config of the discriminator, or None for a pixel-loss-only model.
        data_preprocessor: config of :class:`DeblurDataPreprocessor` (default: stride 1).
        train_cfg: ``disc_steps`` (D updates per iteration, same batch, default 1),
            ``gen_steps`` (G updates per iteration, default 1; 0 trains D only),
            ``disc_init_steps`` (iterations at the start with D updates only, default 0).
        channels_last: run the networks in channels-last memory format (faster on CPU with
            oneDNN, required for bf16 to pay off).
        init_cfg: mmengine init config (e.g. ``Pretrained``).
    """

    def __init__(
        self,
        generator: dict,
        discriminator: dict | None = None,
        data_preprocessor: dict | None = None,
        train_cfg: dict | None = None,
        channels_last: bool = False,
        init_cfg: dict | None = None,
    ) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type="DeblurDataPreprocessor")
        # built here: BaseModel would look it up in mmengine's root registry, outside our scope
        super().__init__(data_preprocessor=build_optional(data_preprocessor), init_cfg=init_cfg)
        self.generator = build_optional(generator)
        self.discriminator = build_optional(discriminator)
        train_cfg = dict(train_cfg or {})
        self.disc_steps = int(train_cfg.pop("disc_steps", 1))
        self.gen_steps = int(train_cfg.pop("gen_steps", 1))
        self.disc_init_steps = int(train_cfg.pop("disc_init_steps", 0))
        if train_cfg:
            raise ValueError(f"unknown train_cfg keys {sorted(train_cfg)}")
        self.channels_last = channels_last
        if channels_last:
            self.to(memory_format=torch.channels_last)
        # persistent: resuming continues the disc_init_steps schedule where it stopped
        self.register_buffer("step_counter", torch.zeros((), dtype=torch.long))

    # ------------------------------------------------------------------ helpers
    def _format(self, x: torch.Tensor) -> torch.Tensor:
        return x.contiguous(memory_format=torch.channels_last) if self.channels_last else x

    @staticmethod
    def frozen(module: nn.Module) -> nn.Module:
        """The bare module with gradients off for its parameters (re-enabled by
        :meth:`unfreeze`); used to score generator outputs in ``g_step`` without DDP syncs
        and without accumulating discriminator gradients."""
        module = unwrap(module)
        module.requires_grad_(False)
        return module

    @staticmethod
    def unfreeze(module: nn.Module) -> None:
        unwrap(module).requires_grad_(True)

    def _update(self, optim_wrapper: OptimWrapper, losses: dict) -> dict:
        loss, log_vars = self.parse_losses(losses)
        optim_wrapper.update_params(loss)
        log_vars.pop("loss")  # each step logs its named terms; the G and D totals would collide
        return log_vars

    # ------------------------------------------------------------------ forward
    def forward(
        self,
        inputs: torch.Tensor,
        data_samples: Sequence[DataSample] | None = None,
        mode: str = "tensor",
        **images: torch.Tensor,
    ):
        """``mode='tensor'``: the generator output (N, 3, H, W) in [0, 1];
        ``mode='predict'``: a list of :class:`DataSample` with un-padded ``pred_img`` (and
        ``gt_img``, ``input_img``); ``mode='loss'`` is not used by GAN methods (see
        ``train_step``)."""
        if mode == "tensor":
            return self.generator(self._format(inputs))
        if mode == "predict":
            return self.predict(inputs, data_samples, **images)
        raise ValueError(f"{type(self).__name__} supports mode 'tensor' or 'predict', got {mode!r}")

    @torch.no_grad()
    def predict(
        self, inputs: torch.Tensor, data_samples: Sequence[DataSample] | None = None, **images
    ) -> list[DataSample]:
        outputs = self.generator(self._format(inputs)).clamp(0, 1).float()
        if data_samples is None:
            data_samples = [DataSample() for _ in range(len(outputs))]
        unpad = DeblurDataPreprocessor.unpad
        gts = unpad(images["gt"], data_samples) if images.get("gt") is not None else None
        results = []
        for i, (pred, inp, sample) in enumerate(
            zip(unpad(outputs, data_samples), unpad(inputs.float(), data_samples), data_samples)
        ):
            result = DataSample(metainfo=sample.metainfo)
            result.pred_img = pred.contiguous()
            result.input_img = inp[:3].contiguous()
            if gts is not None:
                result.gt_img = gts[i].contiguous()
            results.append(result)
        return results

    def val_step(self, data: dict) -> list[DataSample]:
        data = self.data_preprocessor(data, False)
        return self(**data, mode="predict")

    test_step = val_step

    # ------------------------------------------------------------------ training
    def prepare_train_data(self, data: dict) -> dict:
        """Hook run on the preprocessed batch before the G/D steps (default: unchanged).

        Methods that make their own network input (BGAN feeds the sharp image, the
        realistic-blur DBGAN feeds BGAN-blurred images) replace ``data['inputs']`` here.
        """
        return data

    def g_step(self, data: dict, outputs: torch.Tensor) -> dict[str, torch.Tensor]:
        """Generator losses for one batch; ``outputs`` = generator(inputs)."""
        raise NotImplementedError

    def d_step(self, data: dict, outputs: torch.Tensor) -> dict[str, torch.Tensor]:
        """Discriminator losses; ``outputs`` is detached."""
        raise NotImplementedError

    def train_step(self, data: dict, optim_wrapper: OptimWrapperDict) -> dict[str, torch.Tensor]:
        data = self.data_preprocessor(data, True)
        for key, value in data.items():
            if isinstance(value, torch.Tensor) and value.dim() == 4:
                data[key] = self._format(value)
        data = self.prepare_train_data(data)
        log_vars: dict[str, torch.Tensor] = {}
        g_wrapper = optim_wrapper["generator"]
        outputs = None
        if int(self.step_counter) >= self.disc_init_steps:
            for _ in range(self.gen_steps):
                with g_wrapper.optim_context(self.generator):
                    outputs = self.generator(data["inputs"])
                    losses = self.g_step(data, outputs)
                log_vars.update(self._update(g_wrapper, losses))
        if self.discriminator is not None and self.disc_steps > 0:
            if outputs is None:
                with torch.no_grad(), g_wrapper.optim_context(self.generator):
                    outputs = self.generator(data["inputs"])
            d_wrapper = optim_wrapper["discriminator"]
            self.unfreeze(self.discriminator)
            for _ in range(self.disc_steps):
                with d_wrapper.optim_context(self.discriminator):
                    losses = self.d_step(data, outputs.detach())
                log_vars.update(self._update(d_wrapper, losses))
        self.step_counter += 1
        return log_vars
