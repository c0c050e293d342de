"""The one training step of every restoration method (supervised or adversarial).

A method contributes small functions and never rewrites the step:

* ``run_generators(data)`` -> dict of named outputs (default ``{'pred': G(inputs)}``);
* ``g_losses(data, outputs)`` -> dict of named generator-side loss tensors;
* ``d_losses(data, outputs)`` -> dict of discriminator losses (``outputs`` detached);
* ``prepare_train_data(data)`` (make the network input, e.g. BGAN feeds the sharp image) and
  ``before_train_iter(optim_wrapper)`` (e.g. DeblurGAN-v2's backbone warm-up).

One iteration (``train_cfg.order='g_first'``, the default: ESRGAN, DBGAN, BGAN)::

    repeat gen_steps:  outputs = run_generators(data); update G-side optimizers on g_losses
    repeat disc_steps: update D-side optimizers on d_losses(data, outputs.detach())

and with ``order='d_first'`` (DeblurGAN-v2's official ``train.py``)::

    outputs = run_generators(data)                     # once
    repeat disc_steps: update D-side optimizers on d_losses(data, outputs.detach())
    repeat gen_steps:  update G-side optimizers on g_losses(data, outputs) (against the new D;
                       steps after the first run the generators again)

During the first ``disc_init_steps`` iterations only the discriminators train.

Several optimizers on one side (the joint realistic-blur scheme trains two generators): the
total loss is back-propagated once per optimizer wrapper, each restricted to its own
sub-module's parameters (``backward(inputs=...)``) and scaled by its own loss scaler, then each
wrapper steps. Every parameter receives exactly the gradient of the total loss, and fp16 loss
scaling stays correct per wrapper.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import torch
import torch.nn as nn
from mmengine.model import BaseModel, ExponentialMovingAverage
from mmengine.optim import OptimWrapper, OptimWrapperDict

from restorekit.structures import DataSample

from ..outputs import build_optional, detach, final_output, pack_predictions
from ..padding import bind_padding
from .adversarial import AdversarialTerm, unwrap

ORDERS = ("g_first", "d_first")


class BaseRestorer(BaseModel):
    """A generator restoring ``inputs``, optionally trained against discriminators.

    Args:
        generator: config of the generator; (N, 3, H, W) [0, 1] -> (N, 3, H, W) [0, 1] (or a
            coarse-to-fine list whose last entry is full size).
        discriminator: config of the discriminator, or None.
        data_preprocessor: config of :class:`DeblurDataPreprocessor` (default: stride 1).
        train_cfg: ``order`` ('g_first' default, or 'd_first'), ``disc_steps`` (D updates per
            iteration on the same batch, default 1), ``gen_steps`` (G updates per iteration,
            default 1; 0 trains D only), ``disc_init_steps`` (iterations at the start with D
            updates only, default 0); subclasses may accept more keys.
        channels_last: run the networks in channels-last memory format (faster on CPU).
        compile_networks: ``torch.compile`` every generator and discriminator in place
            (``nn.Module.compile``: state-dict keys unchanged); ``True`` or a dict of
            ``torch.compile`` keyword arguments (e.g. ``dict(mode='max-autotune')``). The
            first steps compile (seconds to minutes) and each new input size or
            ``requires_grad`` pattern compiles again; losses and gradients equal eager mode
            within fp32 rounding (docs/training_performance.md).
        ema_cfg: keep an exponential moving average of the generator (mmagic / BasicSR
            ``*_ema``): ``dict(momentum=0.001, interval=1, start_iter=0)``; the average
            ``avg <- (1 - momentum) * avg + momentum * G`` is updated after each iteration's
            generator steps from ``start_iter`` on (the first update copies G), is saved in
            checkpoints as ``generator_ema.*`` and resumed with them, and is the generator
            used by validation, test and ``predict``. Discriminators are never averaged.
        init_cfg: mmengine init config.
    """

    #: optimizer-wrapper keys (= sub-module names) of the generator and discriminator sides
    generator_names: tuple[str, ...] = ("generator",)
    discriminator_names: tuple[str, ...] = ("discriminator",)

    def __init__(self, generator: dict, discriminator: dict | None = None,
                 data_preprocessor: dict | None = None, train_cfg: dict | None = None,
                 channels_last: bool = False, ema_cfg: dict | None = None,
                 compile_networks: bool | dict = False, init_cfg: dict | None = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type="DeblurDataPreprocessor")
        # built here: BaseModel would look it up in mmengine's root registry, outside our scope
        super().__init__(data_preprocessor=build_optional(data_preprocessor), init_cfg=init_cfg)
        self.generator = build_optional(generator)
        self.discriminator = build_optional(discriminator)
        train_cfg = dict(train_cfg or {})
        self.order = train_cfg.pop("order", "g_first")
        if self.order not in ORDERS:
            raise ValueError(f"train_cfg.order must be one of {ORDERS}, got {self.order!r}")
        self.disc_steps = int(train_cfg.pop("disc_steps", 1))
        self.gen_steps = int(train_cfg.pop("gen_steps", 1))
        self.disc_init_steps = int(train_cfg.pop("disc_init_steps", 0))
        self.extra_train_cfg = train_cfg
        self.channels_last = channels_last
        self.compile_networks = compile_networks
        # persistent: resuming continues the disc_init_steps schedule where it stopped
        self.register_buffer("step_counter", torch.zeros((), dtype=torch.long))
        # one padding authority: the generator's PadPolicy, applied by the preprocessor
        bind_padding(self)
        self.generator_ema, self.ema_start_iter = None, 0
        if ema_cfg is not None:
            ema_cfg = dict(ema_cfg)
            self.ema_start_iter = int(ema_cfg.pop("start_iter", 0))
            self.generator_ema = ExponentialMovingAverage(self.generator, **ema_cfg)

    @property
    def inference_generator(self) -> nn.Module:
        """The generator used by ``predict`` / ``forward``: the EMA copy when enabled."""
        if self.generator_ema is not None:
            return self.generator_ema.module
        return self.generator

    def check_train_cfg(self) -> None:
        """Call at the end of a subclass ``__init__``: unknown ``train_cfg`` keys are errors."""
        if self.extra_train_cfg:
            raise ValueError(f"{type(self).__name__}: unknown train_cfg keys "
                             f"{sorted(self.extra_train_cfg)}")
        if self.channels_last:
            self.to(memory_format=torch.channels_last)
        if self.compile_networks:
            options = {} if self.compile_networks is True else dict(self.compile_networks)
            for name in (*self.generator_names, *self.discriminator_names):
                module = getattr(self, name, None)
                if module is not None:
                    module.compile(**options)

    def adversarial_term(self, disc_name: str, loss_name: str,
                         conditional: bool = False) -> AdversarialTerm | None:
        """The :class:`AdversarialTerm` of ``self.<disc_name>`` + ``self.<loss_name>``, or None
        when neither is configured; one of the two alone is an error."""
        disc, loss = getattr(self, disc_name), getattr(self, loss_name)
        if (disc is None) != (loss is None):
            raise ValueError(f"{type(self).__name__} needs both a {disc_name} and a {loss_name}, "
                             "or neither")
        return None if disc is None else AdversarialTerm(self, disc_name, loss_name, conditional)

    # ------------------------------------------------------------------ inference
    def _format(self, x: torch.Tensor) -> torch.Tensor:
        return x.contiguous(memory_format=torch.channels_last) if self.channels_last else x

    def forward(self, inputs: torch.Tensor, data_samples: Sequence[DataSample] | None = None,
                mode: str = "tensor", **images: torch.Tensor):
        """``mode='tensor'``: the restored image (N, 3, H, W); ``mode='predict'``: a list of
        :class:`DataSample` with un-padded ``pred_img`` (and ``gt_img``, ``input_img``)."""
        if mode == "tensor":
            return final_output(self.inference_generator(self._format(inputs)))
        if mode == "predict":
            return self.predict(inputs, data_samples, **images)
        raise ValueError(f"{type(self).__name__} supports mode 'tensor' or 'predict', got {mode!r}")

    @torch.no_grad()
    def predict(self, inputs: torch.Tensor, data_samples: Sequence[DataSample] | None = None,
                **images) -> list[DataSample]:
        restored = final_output(self.inference_generator(self._format(inputs)))
        return pack_predictions(data_samples, dict(pred_img=restored, input_img=inputs,
                                                   gt_img=images.get("gt")))

    def val_step(self, data: dict) -> list[DataSample]:
        data = self.data_preprocessor(data, False)
        return self(**data, mode="predict")

    test_step = val_step

    # ------------------------------------------------------------------ method hooks
    def prepare_train_data(self, data: dict) -> dict:
        """The preprocessed batch before the steps (default: unchanged)."""
        return data

    def before_train_iter(self, optim_wrapper: OptimWrapperDict) -> None:
        """Bookkeeping at the start of each iteration (default: nothing)."""

    def run_generators(self, data: dict) -> dict[str, torch.Tensor]:
        return {"pred": self.generator(data["inputs"])}

    def g_losses(self, data: dict, outputs: dict) -> dict[str, torch.Tensor]:
        raise NotImplementedError

    def d_losses(self, data: dict, outputs: dict) -> dict[str, torch.Tensor]:
        raise NotImplementedError

    # ------------------------------------------------------------------ the step
    def _side(self, names: Sequence[str], optim_wrapper) -> list[tuple[str, OptimWrapper]]:
        return [(n, optim_wrapper[n]) for n in names if getattr(self, n, None) is not None]

    @contextlib.contextmanager
    def _contexts(self, side: list[tuple[str, OptimWrapper]]):
        with contextlib.ExitStack() as stack:
            for name, wrapper in side:
                stack.enter_context(wrapper.optim_context(getattr(self, name)))
            yield

    def _update(self, side: list[tuple[str, OptimWrapper]], losses: dict) -> dict:
        loss, log_vars = self.parse_losses(losses)
        log_vars.pop("loss")  # each side logs its named terms; the totals would collide
        if len(side) == 1:
            side[0][1].update_params(loss)
            return log_vars
        for i, (name, wrapper) in enumerate(side):
            params = [p for p in getattr(self, name).parameters() if p.requires_grad]
            if params:
                wrapper.backward(loss, inputs=params, retain_graph=i < len(side) - 1)
        for _, wrapper in side:
            if wrapper.should_update():
                wrapper.step()
                wrapper.zero_grad()
        return log_vars

    def _generator_pass(self, data, side, outputs, grad: bool, losses: bool):
        with self._contexts(side), (contextlib.nullcontext() if grad else torch.no_grad()):
            if outputs is None:
                outputs = self.run_generators(data)
            return outputs, (self.g_losses(data, outputs) if losses else None)

    def train_step(self, data: dict, optim_wrapper: OptimWrapperDict) -> dict[str, torch.Tensor]:
        data = self.data_preprocessor(data, True)
        data = {k: self._format(v) if isinstance(v, torch.Tensor) and v.dim() == 4 else v
                for k, v in data.items()}
        data = self.prepare_train_data(data)
        self.before_train_iter(optim_wrapper)
        g_side = self._side(self.generator_names, optim_wrapper)
        d_side = self._side(self.discriminator_names, optim_wrapper)
        train_g = self.gen_steps > 0 and int(self.step_counter) >= self.disc_init_steps
        train_d = bool(d_side) and self.disc_steps > 0
        log_vars: dict[str, torch.Tensor] = {}
        outputs = None
        if self.order == "d_first" and train_d:
            outputs, _ = self._generator_pass(data, g_side, None, grad=train_g, losses=False)
            log_vars.update(self._disc_updates(data, outputs, d_side))
        if train_g:
            for step in range(self.gen_steps):
                reuse = outputs if (self.order == "d_first" and step == 0) else None
                outputs, losses = self._generator_pass(data, g_side, reuse, True, True)
                log_vars.update(self._update(g_side, losses))
        ema = self.generator_ema
        if train_g and ema is not None and int(self.step_counter) >= self.ema_start_iter:
            ema.update_parameters(unwrap(self.generator))
        if self.order == "g_first" and train_d:
            if outputs is None:
                outputs, _ = self._generator_pass(data, g_side, None, grad=False, losses=False)
            log_vars.update(self._disc_updates(data, outputs, d_side))
        self.step_counter += 1
        return log_vars

    def _disc_updates(self, data: dict, outputs: dict, d_side) -> dict:
        detached = {k: detach(v) for k, v in outputs.items()}
        log_vars = {}
        for _ in range(self.disc_steps):
            with self._contexts(d_side):
                losses = self.d_losses(data, detached)
            log_vars.update(self._update(d_side, losses))
        return log_vars


__all__ = ["BaseRestorer", "build_optional", "final_output", "pack_predictions", "unwrap"]
