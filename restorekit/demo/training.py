"""Train and evaluate demo configs with mmengine's Runner (shared by ``make demo`` and the study).

Everything runs on CPU on the embedded demo data (:mod:`restorekit.demo.data`). The schedule
(iterations, learning-rate decay, checkpoint interval) is the config's own: nothing here
changes it unless the caller passes ``cfg_options`` explicitly, as ``--cfg-options`` would.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope

from restorekit.engine.safe_checkpoint import allow_mmengine_checkpoint_globals
from restorekit.evaluation.metrics.psnr import psnr
from restorekit.evaluation.metrics.ssim import ssim
from restorekit.registry import DATASETS

TEST_PIPELINE = [
    dict(type="LoadImageFromFile", key="img"),
    dict(type="LoadImageFromFile", key="gt"),
    dict(type="PackInputs", input_key="img", image_keys=("gt",)),
]


def load_demo_config(config: str | os.PathLike, work_dir: str | os.PathLike,
                     data_root: str = "data/demo", cfg_options: dict | None = None,
                     seed: int = 0) -> Config:
    """``config`` with its work dir, seed and demo data root set; ``cfg_options`` merged last."""
    from restorekit.utils.config_refs import load_config

    cfg: Config = load_config(config)
    cfg.work_dir = str(work_dir)
    cfg.launcher = "none"
    cfg.randomness = dict(seed=seed, deterministic=False)
    for loader in ("train_dataloader", "val_dataloader", "test_dataloader"):
        dataset = (cfg.get(loader) or {}).get("dataset", {})
        if "root" in dataset:
            dataset["root"] = data_root
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


def train_config(
    config: str | os.PathLike,
    work_dir: str | os.PathLike,
    data_root: str = "data/demo",
    cfg_options: dict | None = None,
    amp: bool = False,
    seed: int = 0,
    console: str = "quiet",
) -> tuple[torch.nn.Module, Path, float]:
    """Train ``config`` on the demo data with its own schedule.

    ``cfg_options`` is merged into the config as ``--cfg-options`` would (dotted keys); tests
    use it for tiny budgets. The console shows a progress bar and warnings only (``console``:
    see :func:`restorekit.engine.console.build_runner`); the log file under ``work_dir`` has
    everything. Returns ``(model in eval mode, last checkpoint path, seconds)``.
    """
    from restorekit.engine.console import build_runner
    from restorekit.utils.runner_setup import add_progress_bar, enable_amp

    cfg = load_demo_config(config, work_dir, data_root, cfg_options, seed)
    if amp:
        enable_amp(cfg)
    add_progress_bar(cfg, train=True, val=True, test=False, desc=Path(config).stem)
    allow_mmengine_checkpoint_globals()
    start = time.perf_counter()
    runner = build_runner(cfg, console)
    runner.train()
    seconds = time.perf_counter() - start
    model = runner.model.module if hasattr(runner.model, "module") else runner.model
    iters = cfg.train_cfg.max_iters
    return model.eval(), Path(work_dir) / f"iter_{iters}.pth", seconds


def predict_split(model: torch.nn.Module, data_root: str = "data/demo",
                  split: str = "test_realblur") -> list:
    """``model.val_step`` on every pair of ``<data_root>/<split>`` -> list of DataSample."""
    init_default_scope("restorekit")
    dataset = DATASETS.build(dict(type="DemoPairedDataset", root=data_root, split=split,
                                  test_mode=True, pipeline=TEST_PIPELINE))
    with torch.no_grad():
        return [model.val_step(pseudo_collate([dataset[i]]))[0] for i in range(len(dataset))]


def scores(samples: Sequence, pred: str = "pred_img", target: str = "gt_img") -> dict:
    """Mean RGB PSNR (dB) / SSIM of ``sample.<pred>`` against ``sample.<target>``."""
    pairs = [(getattr(s, pred), getattr(s, target)) for s in samples]
    return dict(psnr=float(np.mean([psnr(p, t) for p, t in pairs])),
                ssim=float(np.mean([ssim(p, t) for p, t in pairs])))
