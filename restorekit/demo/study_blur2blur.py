"""The realistic-blur study's Blur2Blur arm (kind ``'blur2blur'``; see
docs/experiments/realistic_blur.md).

Per seed, in ``<work>/<arm>/seed<k>/``: the kernel encoder (``kernel_encoder/``) and the
translator (``translator/``) are trained with the stage configs the arm config names in
``study_stages``; the deblurrer is the checkpoint of the arm ``study_stages.deblurrer_arm``
(A1: the same DBGAN, trained on the naive pairs = Blur2Blur's known blur) of the same seed,
trained first if the study has not trained it yet. The arm config (a ``Blur2BlurDeblurrer``)
is then built with both checkpoints and evaluated like every other arm.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from mmengine.config import Config
from mmengine.registry import init_default_scope

from restorekit.registry import MODELS

from .configs import find_config
from .training import load_demo_config, train_config

#: how long a Blur2Blur unit waits for a deblurrer arm that another study process is training
WAIT_SECONDS = 1800


def stage_options(iters: int | None) -> dict:
    """cfg_options replacing a stage config's length by ``iters`` (its LR schedule is kept)."""
    if iters is None:
        return {}
    return {"train_cfg.max_iters": iters, "train_cfg.val_interval": iters + 1,
            "default_hooks.checkpoint.interval": iters}


def deblurrer_checkpoint(arm_config: str, arm: str, seed: int, work: Path, data_root: str,
                         iters: int | None, train_arm: Callable[[], object]) -> Path:
    """The finished checkpoint of ``arm`` (seed ``seed``): reused if its unit has finished,
    awaited if another process is running it (``running`` marker), else trained now."""
    unit = work / arm / f"seed{seed}"
    if iters is None:
        iters = load_demo_config(find_config(arm_config), unit, data_root).train_cfg.max_iters
    n_iters = iters
    ckpt, done, running = unit / f"iter_{n_iters}.pth", unit / "result.json", unit / "running"
    deadline = time.monotonic() + WAIT_SECONDS
    while not done.is_file() and running.is_file() and time.monotonic() < deadline:
        time.sleep(5)
    if not done.is_file():
        if running.is_file():
            raise TimeoutError(f"study: arm {arm} seed {seed} is marked running ({running}) but "
                               f"did not finish within {WAIT_SECONDS} s; remove the marker if "
                               "its process died, then resume the study")
        train_arm()
    if not ckpt.is_file():
        raise FileNotFoundError(f"study: arm {arm} seed {seed} finished without {ckpt}")
    return ckpt


def run_blur2blur_unit(config: str, seed: int, work: Path, out_dir: Path, data_root: str,
                       iters: int | None, deblurrer_arm_config: str,
                       train_arm: Callable[[], object]) -> tuple[object, dict]:
    """Train the two stages of one seed; returns ``(two-stage model in eval mode, info)``
    where ``info`` holds the stage seconds and checkpoints."""
    stages = Config.fromfile(str(find_config(config))).study_stages
    opts = stage_options(iters)
    info: dict = {}
    _, encoder_ckpt, info["kernel_encoder_seconds"] = train_config(
        find_config(stages.kernel_encoder), out_dir / "kernel_encoder", data_root, opts,
        seed=seed)
    _, translator_ckpt, info["translator_seconds"] = train_config(
        find_config(stages.translator), out_dir / "translator", data_root,
        {**opts, "model.kernel_encoder_ckpt": str(encoder_ckpt)}, seed=seed)
    deblurrer_ckpt = deblurrer_checkpoint(deblurrer_arm_config, stages.deblurrer_arm, seed, work,
                                          data_root, iters, train_arm)
    info.update(translator_ckpt=str(translator_ckpt), deblurrer_ckpt=str(deblurrer_ckpt))
    init_default_scope("restorekit")
    cfg = load_demo_config(find_config(config), out_dir / "two_stage", data_root, {
        "model.translator_ckpt": str(translator_ckpt),
        "model.deblurrer_ckpt": str(deblurrer_ckpt)}, seed=seed)
    return MODELS.build(cfg.model).eval(), info


__all__ = ["deblurrer_checkpoint", "run_blur2blur_unit", "stage_options"]
