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
