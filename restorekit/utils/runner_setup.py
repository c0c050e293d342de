"""Turn command-line choices into config edits shared by tools/train.py and tools/test.py."""

from __future__ import annotations

import os.path as osp

import torch
from mmengine.config import Config


def default_work_dir(config_path: str) -> str:
    """``work_dirs/<config name without .py>``, as mmagic and BasicSR do."""
    return osp.join("work_dirs", osp.splitext(osp.basename(config_path))[0])


def select_dist_backend(cfg: Config) -> None:
    """NCCL needs CUDA: fall back to gloo on CPU-only machines (CPU DDP)."""
    if not torch.cuda.is_available():
        cfg.setdefault("env_cfg", {}).setdefault("dist_cfg", {})["backend"] = "gloo"


def enable_amp(cfg: Config) -> str:
    """Switch every optimizer wrapper to mixed precision; returns the dtype chosen.

    CUDA: mmengine's ``AmpOptimWrapper`` (fp16 with dynamic loss scaling). CPU: restorekit's
    ``CPUBf16OptimWrapper`` (bf16 autocast, no scaling), plus ``channels_last`` for the model,
    which bf16 convolutions need to be fast on oneDNN.
    """
    on_cuda = torch.cuda.is_available()
    wrapper = "AmpOptimWrapper" if on_cuda else "CPUBf16OptimWrapper"
    optim = cfg.get("optim_wrapper")
    if optim is None:
        raise ValueError("--amp needs an optim_wrapper in the config")
    subs = (
        [v for k, v in optim.items() if isinstance(v, dict) and "optimizer" in v]
        if "optimizer" not in optim
        else [optim]
    )
    for sub in subs:
        if sub.get("type", "OptimWrapper") != "OptimWrapper":
            raise ValueError(f"--amp cannot replace optim wrapper type {sub['type']!r}")
        sub["type"] = wrapper
        if on_cuda:
            sub.setdefault("loss_scale", "dynamic")
    if not on_cuda:
        cfg.model["channels_last"] = True
    return "float16" if on_cuda else "bfloat16"


def add_non_finite_guard(cfg: Config) -> None:
    """Append ``NonFiniteGuardHook`` to ``custom_hooks`` unless the config lists it already
    (set ``custom_hooks=[dict(type='NonFiniteGuardHook', check_params=False)]`` to tune it)."""
    hooks = list(cfg.get("custom_hooks") or [])
    if not any(str(h.get("type", "")).split(".")[-1] == "NonFiniteGuardHook" for h in hooks):
        hooks.append(dict(type="NonFiniteGuardHook"))
    cfg.custom_hooks = hooks


def set_dist_timeout(cfg: Config) -> int | None:
    """Write the resolved collective timeout (see :mod:`restorekit.utils.dist`) into
    ``env_cfg.dist_cfg.timeout``, which mmengine's ``init_dist`` reads; returns it."""
    from .dist import resolve_dist_timeout

    timeout = resolve_dist_timeout(cfg)
    if timeout is not None:
        cfg.setdefault("env_cfg", {}).setdefault("dist_cfg", {})["timeout"] = timeout
    return timeout


_MISSING = object()


def _lookup(cfg, dotted: str):
    node = getattr(cfg, "_cfg_dict", cfg)  # a Config wraps its ConfigDict (a dict)
    for part in dotted.split("."):
        if isinstance(node, (list, tuple)) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return _MISSING
    return node


def check_cfg_options(cfg: Config, options: dict | None) -> None:
    """Refuse ``--cfg-options`` values whose type cannot replace the config's value.

    ``train_cfg.max_iters=abc`` used to fail deep inside the Runner with "invalid literal for
    int()"; here it raises :class:`~restorekit.utils.cli.ConfigOptionError` naming the key,
    the value given and the config's value. Numbers given for numbers, and anything for keys
    the config does not have, pass (new keys are allowed; misspelled constructor arguments are
    reported by the CLI when the component is built).
    """
    from .cli import ConfigOptionError

    for key, value in (options or {}).items():
        old = _lookup(cfg, key)
        if old is _MISSING or old is None:
            continue
        if isinstance(old, bool):
            ok = isinstance(value, bool)
            want = "True or False"
        elif isinstance(old, (int, float)):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            want = "a number"
        else:
            continue
        if not ok:
            raise ConfigOptionError(
                f"--cfg-options {key}={value!r}: expected {want} (the config has {key}={old!r}).")


def enable_auto_scale_lr(cfg: Config) -> int:
    """``--auto-scale-lr``: set ``auto_scale_lr.enable = True``; returns ``base_batch_size``.

    mmengine's Runner then multiplies the learning rate of every optimizer (each wrapper of
    an ``OptimWrapperDict``: generator and discriminator alike) by
    ``world_size * train_dataloader.batch_size / base_batch_size`` before the schedulers are
    built (linear scaling rule, Goyal et al. 2017). docs/distributed.md has the table.

    Raises:
        ConfigOptionError: the config has no ``auto_scale_lr.base_batch_size``.
    """
    from .cli import ConfigOptionError

    scale = cfg.get("auto_scale_lr") or {}
    if not scale.get("base_batch_size"):
        raise ConfigOptionError(
            "--auto-scale-lr needs auto_scale_lr = dict(enable=False, base_batch_size=N) in the "
            "config (N = the total batch the config's learning rates were tuned for); add it or "
            "pass --cfg-options auto_scale_lr.base_batch_size=N.")
    cfg.auto_scale_lr = dict(scale, enable=True)
    return int(scale["base_batch_size"])


def add_show_dir(cfg: Config, show_dir: str) -> None:
    """``--show-dir``: write a labelled grid (input | restored | sharp, PSNR in the caption)
    of every test image to ``show_dir`` through ``DeblurVisualizationHook`` (the config's
    instance if it has one, keeping its fields)."""
    hooks = list(cfg.get("custom_hooks") or [])
    found = [h for h in hooks if str(h.get("type", "")).split(".")[-1] == "DeblurVisualizationHook"]
    if not found:
        found = [dict(type="DeblurVisualizationHook")]
        hooks.extend(found)
    for hook in found:
        hook.update(out_dir=show_dir, max_samples=None, on_test=True)
    cfg.custom_hooks = hooks


def add_progress_bar(cfg: Config, **options) -> None:
    """Append a ``ProgressBarHook`` to custom_hooks (``train=``, ``val=``, ``test=`` flags,
    ``desc=``), replacing one the config lists."""
    hooks = [h for h in (cfg.get("custom_hooks") or [])
             if str(h.get("type", "")).split(".")[-1] != "ProgressBarHook"]
    hooks.append(dict(type="ProgressBarHook", **options))
    cfg.custom_hooks = hooks
