"""Train a restorekit config with mmengine's Runner.

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--amp] [--auto-scale-lr]
                          [--cfg-options key=value ...] [--launcher none|pytorch|slurm]
                          [--verbose] [--debug]

CONFIG is a file or a shipped config, ``restorekit::dbgan_gopro.py``. ``--auto-scale-lr``
scales every optimizer's learning rate by (GPUs x batch) / ``auto_scale_lr.base_batch_size``
(docs/distributed.md). The environment and config dumps go to the log file only
(``--verbose``: also to the console).

Multi-GPU / multi-node: tools/dist_train.sh CONFIG N (torchrun, --launcher pytorch).
Without CUDA, distributed runs use gloo on CPU; a collective waits at most
``env_cfg.dist_cfg.timeout`` / ``RESTOREKIT_DIST_TIMEOUT`` seconds (default 120 on CPU).

Reliability (docs/reliability.md): checkpoints are written atomically and the previous one is
kept until the new one is complete; ``--resume`` without a path follows ``last_checkpoint`` and
falls back to the newest loadable checkpoint; a NaN / infinite loss or weight stops training
before it is saved. User errors print one line and exit with status 2 (``--debug`` or
``RESTOREKIT_DEBUG=1``: full traceback).
"""

from __future__ import annotations

import argparse
import os
import sys

from mmengine.config import Config

from restorekit.utils.cli import CfgOptionsAction, load_config_checked, run_tool


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Train a restorekit model")
    parser.add_argument("config", help="config file path")
    parser.add_argument("--work-dir", help="where logs and checkpoints go")
    parser.add_argument(
        "--resume",
        nargs="?",
        type=str,
        const="auto",
        help="resume from CKPT, or from the latest loadable checkpoint in the work dir if no "
             "path given",
    )
    parser.add_argument(
        "--amp", action="store_true", help="mixed precision: fp16 on CUDA, bf16 on CPU"
    )
    parser.add_argument(
        "--cfg-options", nargs="+", action=CfgOptionsAction, help="override config keys, key=value"
    )
    parser.add_argument("--auto-scale-lr", action="store_true",
                        help="scale the learning rates by (GPUs x batch) / "
                             "auto_scale_lr.base_batch_size of the config")
    parser.add_argument("--launcher", choices=["none", "pytorch", "slurm"], default="none")
    parser.add_argument("--verbose", action="store_true",
                        help="also print the environment and config dumps on the console")
    # torch.distributed.launch passes --local-rank (torch>=2) or --local_rank (older)
    parser.add_argument("--local-rank", "--local_rank", type=int, default=0)
    parser.add_argument("--debug", action="store_true",
                        help="show full tracebacks instead of one-line errors")
    args = parser.parse_args(argv)
    os.environ.setdefault("LOCAL_RANK", str(args.local_rank))
    return args


def configure_resume(cfg: Config, resume: str | None) -> None:
    """Set ``cfg.resume`` / ``cfg.load_from`` for ``--resume [CKPT]`` after checking the file
    and the schedule (see :mod:`restorekit.engine.resume`)."""
    from restorekit.engine.resume import (
        check_resume_schedule,
        find_resume_checkpoint,
        remove_stale_temp_files,
    )
    from restorekit.engine.safe_checkpoint import load_checkpoint_safely

    if not resume:
        return
    if resume == "auto":
        path, ckpt, note = find_resume_checkpoint(cfg.work_dir)
        if note:
            print(f"train.py: warning: {note}", file=sys.stderr)
        if path is None:
            print(f"train.py: warning: no checkpoint in '{cfg.work_dir}'; training starts "
                  f"from scratch.", file=sys.stderr)
            cfg.resume, cfg.load_from = False, None
            return
    else:
        path, ckpt = resume, load_checkpoint_safely(resume)
    check_resume_schedule(ckpt, path, (cfg.get("train_cfg") or {}).get("max_iters"))
    remove_stale_temp_files(cfg.work_dir)
    cfg.resume, cfg.load_from = True, path


def build_config(args: argparse.Namespace) -> Config:
    from restorekit.utils.runner_setup import (
        add_non_finite_guard,
        default_work_dir,
        enable_amp,
        enable_auto_scale_lr,
        select_dist_backend,
        set_dist_timeout,
    )

    cfg = load_config_checked(args.config, args.cfg_options)
    cfg.launcher = args.launcher
    cfg.work_dir = args.work_dir or cfg.get("work_dir") or default_work_dir(args.config)
    select_dist_backend(cfg)
    set_dist_timeout(cfg)
    add_non_finite_guard(cfg)
    if args.amp:
        enable_amp(cfg)
    if args.auto_scale_lr:
        enable_auto_scale_lr(cfg)
    configure_resume(cfg, args.resume)
    return cfg


def _train(argv: list[str], ctx: dict) -> None:
    from restorekit.engine.console import build_runner
    from restorekit.engine.errors import DistributedTimeoutError
    from restorekit.engine.safe_checkpoint import (
        allow_mmengine_checkpoint_globals,
        install_safe_checkpoint_loader,
    )
    from restorekit.utils.dist import (
        clear_timeout_errors,
        exit_after_distributed_run,
        init_cpu_process_group_if_needed,
    )

    args = parse_args(argv)
    allow_mmengine_checkpoint_globals()
    install_safe_checkpoint_loader()
    cfg = ctx["cfg"] = build_config(args)
    timeout = cfg.env_cfg.dist_cfg.get("timeout")
    init_cpu_process_group_if_needed(args.launcher, timeout)
    try:
        with clear_timeout_errors(timeout):
            runner = build_runner(cfg, "verbose" if args.verbose else "default")
            runner.train()
    except DistributedTimeoutError as err:
        # the process group cannot be torn down cleanly while a peer is stuck: exit now
        print(f"train.py: error: {err}", file=sys.stderr, flush=True)
        os._exit(2)
    exit_after_distributed_run()  # a launched run ends here (see its docstring)


def main(argv=None) -> None:
    ctx: dict = {}
    run_tool(lambda a: _train(a, ctx), argv, "train.py", ctx)


if __name__ == "__main__":
    main()
