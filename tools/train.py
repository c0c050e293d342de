"""Train a restorekit config with mmengine's Runner.

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--amp]
                          [--cfg-options key=value ...] [--launcher none|pytorch|slurm]

Multi-GPU / multi-node: tools/dist_train.sh CONFIG N (torchrun, --launcher pytorch).
Without CUDA, distributed runs use gloo on CPU.
"""

from __future__ import annotations

import argparse
import os

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from restorekit.engine.safe_checkpoint import allow_mmengine_checkpoint_globals
from restorekit.utils.dist import init_cpu_process_group_if_needed
from restorekit.utils.runner_setup import default_work_dir, enable_amp, select_dist_backend


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Train a restorekit model")
    parser.add_argument("config", help="config file path")
    parser.add_argument("--work-dir", help="where logs and checkpoints go")
    parser.add_argument(
        "--resume",
        nargs="?",
        type=str,
        const="auto",
        help="resume from CKPT, or from the latest checkpoint in the work dir if no path given",
    )
    parser.add_argument(
        "--amp", action="store_true", help="mixed precision: fp16 on CUDA, bf16 on CPU"
    )
    parser.add_argument(
        "--cfg-options", nargs="+", action=DictAction, help="override config keys, key=value"
    )
    parser.add_argument("--launcher", choices=["none", "pytorch", "slurm"], default="none")
    # torch.distributed.launch passes --local-rank (torch>=2) or --local_rank (older)
    parser.add_argument("--local-rank", "--local_rank", type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault("LOCAL_RANK", str(args.local_rank))
    return args


def build_config(args: argparse.Namespace) -> Config:
    if not os.path.isfile(args.config):
        raise FileNotFoundError(f"config file {args.config!r} does not exist")
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    cfg.launcher = args.launcher
    cfg.work_dir = args.work_dir or cfg.get("work_dir") or default_work_dir(args.config)
    select_dist_backend(cfg)
    if args.amp:
        enable_amp(cfg)
    if args.resume == "auto":
        cfg.resume, cfg.load_from = True, None
    elif args.resume:
        cfg.resume, cfg.load_from = True, args.resume
    return cfg


def main(argv=None) -> None:
    args = parse_args(argv)
    cfg = build_config(args)
    allow_mmengine_checkpoint_globals()
    init_cpu_process_group_if_needed(args.launcher)
    runner = Runner.from_cfg(cfg)
    runner.train()


if __name__ == "__main__":
    main()
