"""Build one optimizer wrapper per named sub-module (generator, discriminator, ...)."""

from __future__ import annotations

import copy

import torch.nn as nn
from mmengine.model import is_model_wrapper
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapperDict

from restorekit.registry import OPTIM_WRAPPER_CONSTRUCTORS


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class MultiOptimWrapperConstructor:
    """``optim_wrapper = dict(constructor='MultiOptimWrapperConstructor', generator=dict(...),
    discriminator=dict(...))`` -> an ``OptimWrapperDict`` keyed by sub-module name.

    Each key must be the attribute name of a sub-module of the model (``model.generator``);
    its value is an ordinary optim-wrapper config (``type``, ``optimizer``, ``clip_grad``,
    ``paramwise_cfg``, ...) built by mmengine's ``DefaultOptimWrapperConstructor``. Keys whose
    sub-module has no trainable parameters are an error (a frozen network has no optimizer).
    """

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg: dict | None = None) -> None:
        if not isinstance(optim_wrapper_cfg, dict) or not optim_wrapper_cfg:
            raise TypeError("optim_wrapper must be a dict of per-sub-module optim wrapper configs")
        if paramwise_cfg is not None:
            raise ValueError("give paramwise_cfg inside each sub-module's optim wrapper config")
        self.optim_wrapper_cfg = copy.deepcopy(optim_wrapper_cfg)

    def __call__(self, model: nn.Module) -> OptimWrapperDict:
        if is_model_wrapper(model):
            model = model.module
        wrappers = {}
        for name, cfg in self.optim_wrapper_cfg.items():
            sub = getattr(model, name, None)
            if not isinstance(sub, nn.Module):
                children = [n for n, _ in model.named_children()]
                raise KeyError(
                    f"optim_wrapper has a key {name!r} but the model has no sub-module of that "
                    f"name; sub-modules: {children}"
                )
            cfg = copy.deepcopy(cfg)
            paramwise = cfg.pop("paramwise_cfg", None)
            wrappers[name] = DefaultOptimWrapperConstructor(cfg, paramwise)(sub)
        return OptimWrapperDict(**wrappers)
