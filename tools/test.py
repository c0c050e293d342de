"""Evaluate a checkpoint on a config's test set.

    python tools/test.py CONFIG CHECKPOINT [--out metrics.json] [--save-images DIR]
                         [--show-dir DIR] [--work-dir DIR] [--cfg-options key=value ...]
                         [--launcher ...] [--verbose] [--debug]
                         [--protocol basicsr|matlab|realblur|niqe]

CHECKPOINT ``none`` loads nothing: the model keeps the weights its config loads itself (the
two-stage Blur2Blur model names one checkpoint per stage) or its initialisation.
``--save-images`` writes each restored image, ``--show-dir`` a labelled grid per image
(input | restored | sharp, PSNR in the caption). A progress bar shows the test pass; the
environment and config dumps go to the log file only (``--verbose``: also to the console).

Multi-GPU: tools/dist_test.sh CONFIG CHECKPOINT N.

The checkpoint is read with ``weights_only=True`` and loaded strictly: missing generator keys,
unexpected keys, shape mismatches and NaN / infinite weights are errors that list them (a
generator-only state dict is accepted when it fits). User errors print one line and exit with
status 2 (``--debug`` or ``RESTOREKIT_DEBUG=1``: full traceback).
"""

from __future__ import annotations

import argparse
import json
import math
import os

from mmengine.config import Config

from restorekit.evaluation.protocols import PROTOCOLS
from restorekit.utils.cli import CfgOptionsAction, load_config_checked, run_tool


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Test a restorekit model")
    parser.add_argument("config", help="config file path")
    parser.add_argument("checkpoint", help="checkpoint file ('none': the weights the config "
                        "loads itself, e.g. Blur2BlurDeblurrer's per-stage checkpoints)")
    parser.add_argument("--out", help="write the metrics as JSON to this file")
    parser.add_argument("--save-images", metavar="DIR", help="write restored images here")
    parser.add_argument("--show-dir", metavar="DIR",
                        help="write an input | restored | sharp grid per test image here")
    parser.add_argument("--work-dir", help="where logs go")
    parser.add_argument("--cfg-options", nargs="+", action=CfgOptionsAction,
                        help="key=value overrides")
    parser.add_argument("--launcher", choices=["none", "pytorch", "slurm"], default="none")
    parser.add_argument("--protocol", choices=sorted(PROTOCOLS),
                        help="replace test_evaluator by a named protocol (docs/metrics.md)")
    parser.add_argument("--verbose", action="store_true",
                        help="also print the environment and config dumps on the console")
    parser.add_argument("--local-rank", "--local_rank", type=int, default=0)
    parser.add_argument("--debug", action="store_true",
                        help="show full tracebacks instead of one-line errors")
    args = parser.parse_args(argv)
    os.environ.setdefault("LOCAL_RANK", str(args.local_rank))
    return args


def build_config(args: argparse.Namespace) -> Config:
    from restorekit.utils.runner_setup import (
        add_progress_bar,
        add_show_dir,
        default_work_dir,
        select_dist_backend,
        set_dist_timeout,
    )

    if args.checkpoint.lower() != "none":
        if os.path.isdir(args.checkpoint):
            raise IsADirectoryError(21, "The checkpoint path is a folder, not a file",
                                    args.checkpoint)
        if not os.path.isfile(args.checkpoint):
            raise FileNotFoundError(f"checkpoint file {args.checkpoint!r} does not exist")
    cfg = load_config_checked(args.config, args.cfg_options)
    cfg.launcher = args.launcher
    cfg.work_dir = args.work_dir or cfg.get("work_dir") or default_work_dir(args.config)
    cfg.load_from = None  # loaded strictly by load_test_weights, not by mmengine (lenient)
    cfg.resume = False
    select_dist_backend(cfg)
    set_dist_timeout(cfg)
    if args.protocol:
        cfg.test_evaluator = dict(type="ProtocolEvaluator", protocol=args.protocol, metrics=[])
    if args.save_images:
        cfg.setdefault("custom_hooks", [])
        cfg.custom_hooks.append(dict(type="SaveRestoredImagesHook", out_dir=args.save_images))
    if args.show_dir:
        add_show_dir(cfg, args.show_dir)
    add_progress_bar(cfg, train=False, val=False, test=True)
    return cfg


def load_test_weights(runner, checkpoint: str) -> None:
    """Strict, weights-only load of ``checkpoint`` into the runner's model (every rank)."""
    from mmengine.model import is_model_wrapper

    from restorekit.apis.model_loading import load_inference_weights
    from restorekit.engine.safe_checkpoint import check_finite_weights

    model = runner.model.module if is_model_wrapper(runner.model) else runner.model
    # per-sub-module DDP (dist_test.sh): load into the wrapped modules themselves, so the keys
    # are the checkpoint's (``generator.x``); parameters are shared with the wrappers
    wrapped = {n: c for n, c in model._modules.items() if is_model_wrapper(c)}
    model._modules.update({n: c.module for n, c in wrapped.items()})
    try:
        load_inference_weights(model, checkpoint)
        check_finite_weights(model.state_dict(), checkpoint)
    finally:
        model._modules.update(wrapped)


def json_safe(metrics: dict) -> dict:
    """Floats for JSON; infinities (identical images) become the string 'inf'."""
    out = {}
    for key, value in metrics.items():
        value = float(value)
        out[key] = value if math.isfinite(value) else str(value)
    return out


def _test(argv: list[str], ctx: dict) -> dict:
    from restorekit.engine.console import build_runner
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
    with clear_timeout_errors(timeout):
        runner = build_runner(cfg, "verbose" if args.verbose else "default")
        if args.checkpoint.lower() != "none":  # none: the config loads its own weights
            load_test_weights(runner, args.checkpoint)
        metrics = runner.test()
    if args.out and runner.rank == 0:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            json.dump(json_safe(metrics), f, indent=2)
    exit_after_distributed_run()  # a launched run ends here (see its docstring)
    return metrics


def main(argv=None) -> dict:
    ctx: dict = {}
    return run_tool(lambda a: _test(a, ctx), argv, "test.py", ctx)


if __name__ == "__main__":
    main()
