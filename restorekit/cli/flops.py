"""Count a config's generator parameters and multiply-adds at an input size.

    restorekit flops CONFIG [--shape H W] [--cfg-options key=value ...] [--json]

Counts with :func:`restorekit.apis.benchmarking.complexity` (the ``gflops_720p`` column of
``restorekit benchmark``): mmengine's counter (1 multiply-add = 1 "FLOP", mmagic's
``get_flops.py`` convention) and PyTorch's ``FlopCounterMode`` as a cross-check, the input
padded to the generator's stride. Only the inference part is built (no discriminator, no
pretrained downloads). Verify counts before publishing them: counters skip unusual ops.
"""

from __future__ import annotations

import argparse
import json

from restorekit.utils.cli import CfgOptionsAction, run_tool


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Parameters and GMACs of a generator")
    parser.add_argument("config", help="config file or restorekit::<name>")
    parser.add_argument("--shape", nargs=2, type=int, default=(720, 1280), metavar=("H", "W"),
                        help="input size (padded to the stride), default 720 1280")
    parser.add_argument("--cfg-options", nargs="+", action=CfgOptionsAction,
                        help="key=value overrides")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--debug", action="store_true", help="full tracebacks for errors")
    return parser.parse_args(argv)


def count(config: str, shape: tuple[int, int], cfg_options: dict | None = None) -> dict:
    """``{'config', 'generator', 'params', 'params_M', 'input', 'gmacs_mmengine',
    'gmacs_flop_counter', ...}`` for ``config`` at ``shape``."""
    from restorekit.apis import init_model
    from restorekit.apis.benchmarking import complexity

    model = init_model(config, None, "cpu", cfg_options)
    gen = getattr(model, "generator", model)
    cx = complexity(gen, tuple(shape), getattr(model, "size_divisor", 1))
    out = {"config": config, "generator": type(gen).__name__, "params": cx["params"],
           "params_M": cx["params"] / 1e6, "input": cx["input"],
           "gmacs_mmengine": cx.get("gflops_mmengine"),
           "gmacs_flop_counter": cx.get("gmacs_flop_counter")}
    out.update({k: v for k, v in cx.items() if k.endswith("_error")})
    return out


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _flops(argv: list[str], ctx: dict) -> int:
    args = parse_args(argv)
    result = count(args.config, tuple(args.shape), args.cfg_options)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"config:      {result['config']}\ngenerator:   {result['generator']}\n"
          f"input:       1x3x{result['input']}\nparams:      {result['params_M']:.3f} M\n"
          f"GMACs:       {_fmt(result['gmacs_mmengine'])} (mmengine; = mmagic 'GFLOPs')\n"
          f"GMACs check: {_fmt(result['gmacs_flop_counter'])} (torch FlopCounterMode)")
    for key in ("mmengine_error", "flop_counter_error"):
        if key in result:
            print(f"{key}: {result[key]}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command; user errors print one line and exit with status 2."""
    ctx: dict = {}
    return run_tool(lambda a: _flops(a, ctx), argv, "flops", ctx)
