"""Export a model's generator to ONNX and verify it against PyTorch with onnxruntime.

    python tools/export_onnx.py CONFIG CHECKPOINT --out model.onnx [--dynamic] [--shape H W]
                                [--opset 18] [--tol 1e-4] [--exporter auto|dynamo|torchscript]
                                [--cfg-options key=value ...]

CHECKPOINT may be ``none`` (random weights, e.g. to test exportability). The ONNX model takes
``input`` float32 (N, 3, H, W) RGB in [0, 1] and returns ``output`` in [0, 1]; H and W are
the image size padded by the generator's padding policy, stored in the file's metadata
(``padding``; select another rule with ``--pad-mode``). After export the model is run with
onnxruntime on random images (``--shape``, plus another, odd shape with ``--dynamic``) padded
by that policy and compared with PyTorch; the maximum absolute difference is printed. The file
is written under a temporary name in the output folder and moved to ``--out`` only when the
verification passes; otherwise it is deleted and the exit status is 1.
Per-generator notes: docs/inference.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from mmengine.config import DictAction

from restorekit.apis import init_model
from restorekit.apis.onnx_export import export_onnx, max_diff, verification_shapes, verify_onnx
from restorekit.utils.cli import run_tool
from restorekit.utils.optional import require


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Export a restorekit generator to ONNX")
    parser.add_argument("config", help="config file")
    parser.add_argument("checkpoint", help="checkpoint file, or 'none' for random weights")
    parser.add_argument("--out", required=True, help="output .onnx file")
    parser.add_argument("--dynamic", action="store_true",
                        help="symbolic batch / H / W (multiples of the network stride)")
    parser.add_argument("--shape", nargs=2, type=int, default=(256, 256), metavar=("H", "W"),
                        help="example input size (rounded up to the stride), default 256 256")
    parser.add_argument("--opset", type=int, default=18)
    parser.add_argument("--exporter", choices=["auto", "dynamo", "torchscript"], default="auto",
                        help="auto: dynamo (needs onnxscript), else TorchScript")
    parser.add_argument("--tol", type=float, default=1e-4,
                        help="max abs difference allowed between onnxruntime and PyTorch")
    parser.add_argument("--pad-mode", default=None,
                        help="generator pad_mode override, e.g. 'official' or 'reflect' "
                             "(= --cfg-options model.generator.pad_mode=...)")
    parser.add_argument("--cfg-options", nargs="+", action=DictAction, help="key=value overrides")
    parser.add_argument("--debug", action="store_true", help="full tracebacks for errors")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Export and verify; returns the exit status (0 ok, 1 verification failed, 2 user error:
    one line, e.g. a missing ``onnx`` / ``onnxruntime`` package with its pip command)."""
    return run_tool(_export, argv, "export_onnx.py")


def _export(argv: list[str]) -> int:
    args = parse_args(argv)
    require("onnx", "ONNX export")  # both before the model is built
    require("onnxruntime", "ONNX verification")
    checkpoint = None if args.checkpoint.lower() == "none" else args.checkpoint
    options = dict(args.cfg_options or {})
    if args.pad_mode is not None:
        options["model.generator.pad_mode"] = args.pad_mode
    model = init_model(args.config, checkpoint, device="cpu", cfg_options=options or None)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(fd)
    try:
        info = export_onnx(model, tmp, tuple(args.shape), args.dynamic, args.opset,
                           exporter=args.exporter)
        h, w = info["shape"]
        print(f"exported {type(getattr(model, 'generator', model)).__name__} "
              f"({info['exporter']} exporter, input 1x3x{h}x{w}, dynamic={args.dynamic}, "
              f"padding {info['padding']})")
        results = verify_onnx(model, tmp, verification_shapes(tuple(args.shape),
                                                              info["padding"], args.dynamic))
        for r in results:
            rh, rw = r["shape"]
            print(f"  onnxruntime vs PyTorch at {rh}x{rw}: max abs diff "
                  f"{r['max_abs_diff']:.3e}, mean {r['mean_abs_diff']:.3e}")
        worst = max_diff(results)
        if not worst <= args.tol:  # also catches NaN
            print(f"FAILED: max abs diff {worst:.3e} exceeds --tol {args.tol:g}; "
                  f"{out} not written", file=sys.stderr)
            return 1
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    print(f"OK: max abs diff {worst:.3e} <= {args.tol:g}; wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
