"""Evaluate a checkpoint on a config's test set.

    python tools/test.py CONFIG CHECKPOINT [--out metrics.json] [--save-images DIR]
                         [--work-dir DIR] [--cfg-options key=value ...] [--launcher ...]

CHECKPOINT ``none`` loads nothing: the model keeps the weights its config loads itself (the
two-stage Blur2Blur model names one checkpoint per stage) or its initialisation.

Multi-GPU: tools/dist_test.sh CONFIG CHECKPOINT N.
"""

from __future__ import annotations

import argparse
import json
import math
import os

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from restorekit.engine.safe_checkpoint import allow_mmengine_checkpoint_globals
from restorekit.utils.dist import init_cpu_process_group_if_needed
from restorekit.utils.runner_setup import default_work_dir, select_dist_backend


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Test a restorekit model")
    parser.add_argument("config", help="config file path")
    parser.add_argument("checkpoint", help="checkpoint file ('none': the weights the config "
                        "loads itself, e.g. Blur2BlurDeblurrer's per-stage checkpoints)")
    parser.add_argument("--out", help="write the metrics as JSON to this file")
    parser.add_argument("--save-images", metavar="DIR", help="write restored images here")
    parser.add_argument("--work-dir", help="where logs go")
    parser.add_argument("--cfg-options", nargs="+", action=DictAction, help="key=value overrides")
    parser.add_argument("--launcher", choices=["none", "pytorch", "slurm"], default="none")
    parser.add_argument("--local-rank", "--local_rank", type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault("LOCAL_RANK", str(args.local_rank))
    return args


def build_config(args: argparse.Namespace) -> Config:
    checkpoint = None if args.checkpoint.lower() == "none" else args.checkpoint
    for path, what in ((args.config, "config"), (checkpoint, "checkpoint")):
        if path is not None and not os.path.isfile(path):
            raise FileNotFoundError(f"{what} file {path!r} does not exist")
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    cfg.launcher = args.launcher
    cfg.work_dir = args.work_dir or cfg.get("work_dir") or default_work_dir(args.config)
    cfg.load_from = checkpoint
    cfg.resume = False
    select_dist_backend(cfg)
    if args.save_images:
        cfg.setdefault("custom_hooks", [])
        cfg.custom_hooks.append(dict(type="SaveRestoredImagesHook", out_dir=args.save_images))
    return cfg


def json_safe(metrics: dict) -> dict:
    """Floats for JSON; infinities (identical images) become the string 'inf'."""
    out = {}
    for key, value in metrics.items():
        value = float(value)
        out[key] = value if math.isfinite(value) else str(value)
    return out


def main(argv=None) -> dict:
    args = parse_args(argv)
    cfg = build_config(args)
    allow_mmengine_checkpoint_globals()
    init_cpu_process_group_if_needed(args.launcher)
    runner = Runner.from_cfg(cfg)
    metrics = runner.test()
    if args.out and runner.rank == 0:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            json.dump(json_safe(metrics), f, indent=2)
    return metrics


if __name__ == "__main__":
    main()
