"""Stop training at the first NaN / infinite loss or parameter, before it is checkpointed."""

from __future__ import annotations

import math

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from restorekit.registry import HOOKS

from ..errors import NonFiniteTrainingError

_MAX_LISTED = 5


def _as_float(value) -> float | None:
    if isinstance(value, torch.Tensor):
        return float(value.detach().float().mean()) if value.numel() else None
    if isinstance(value, (int, float)):
        return float(value)
    return None


@HOOKS.register_module()
class NonFiniteGuardHook(Hook):
    """Raise :class:`NonFiniteTrainingError` as soon as an iteration's losses or the model's
    parameters are NaN or infinite.

    Runs after every training iteration, before the checkpoint hook (priority
    ``ABOVE_NORMAL``), so the diverged weights are never written and the newest checkpoint
    on disk is the last finite one. The error names the iteration, the offending losses (the
    ``loss*`` entries of the iteration's log variables) or parameters, and that checkpoint.
    ``tools/train.py`` adds this hook to every config that does not list it.

    Args:
        check_params: also check every parameter after the optimizer step (catches NaN
            gradients, which show up as NaN weights before the loss does).
    """

    priority = "ABOVE_NORMAL"

    def __init__(self, check_params: bool = True) -> None:
        self.check_params = check_params

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        iteration = runner.iter + 1
        bad = []
        for key, value in (outputs or {}).items():
            if not key.startswith("loss"):
                continue
            number = _as_float(value)
            if number is not None and not math.isfinite(number):
                bad.append(f"{key}={number}")
        what = f"loss {', '.join(bad)}" if bad else ""
        if not bad and self.check_params:
            model = runner.model.module if is_model_wrapper(runner.model) else runner.model
            params = [name for name, p in model.named_parameters()
                      if p.is_floating_point() and not bool(torch.isfinite(p).all())]
            if params:
                more = f" (+{len(params) - _MAX_LISTED} more)" if len(params) > _MAX_LISTED else ""
                what = f"parameters {', '.join(params[:_MAX_LISTED])}{more}"
        if not what:
            return
        last = runner.message_hub.get_info("last_ckpt")
        keep = f"the last checkpoint, '{last}', was written before" if last else \
            "no checkpoint was written"
        raise NonFiniteTrainingError(
            f"Training diverged at iteration {iteration}: non-finite {what}. Stopped before "
            f"saving; {keep}. Lower the learning rate (optim_wrapper.*.optimizer.lr), check "
            f"the data, or enable gradient clipping (optim_wrapper.*.clip_grad).")
