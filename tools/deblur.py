"""Deblur a file, a folder or a glob of images into an output folder.

    python tools/deblur.py CONFIG CHECKPOINT INPUT --out-dir OUT [--tile 512]
        [--tile-overlap 32] [--max-memory MB] [--device cpu]
        [--backend auto|torch|onnxruntime --onnx model.onnx] [--fast [fp32|bf16]]
        [--precision fp32|bf16|fp16] [--threads N]
        [--overwrite] [--cfg-options key=value ...] [--debug]
    python tools/deblur.py --checkpoint CHECKPOINT INPUT [INPUT ...] --out-dir OUT [...]

``--checkpoint`` needs no config: the architecture is recognised from the file (official
DBGAN, DeblurGAN-v2, MIMO-UNet(+), NAFNet layouts, or a restorekit checkpoint that records its
config; :mod:`restorekit.apis.checkpoint_detection`).

INPUT is an image file, a folder (images directly inside it, or with ``--recursive`` in its
sub-folders) or a quoted glob (``'data/*.png'``). Outputs are PNG files named after the
inputs (sub-folder structure kept); inputs that share a name up to the extension (``a.jpg``
and ``a.png``) keep it in the output name (``a.jpg.png``, ``a.png.png``). With
``--backend onnxruntime`` CONFIG and CHECKPOINT may be ``none``: the ONNX file carries the
stride.

Without ``--backend`` (``auto``) each model runs on the fastest path that matches eager
fp32 within the exactness tolerance, measured once per model, image size class and machine
and cached under ``$RESTOREKIT_CACHE_DIR`` (default ``~/.cache/restorekit``); ``--backend
torch`` is plain eager PyTorch (``--fast`` its fast path). See ``docs/inference.md``.

Without ``--tile`` an image whose estimated memory exceeds ``--max-memory`` (default 2048 MiB
or ``RESTOREKIT_MAX_INFERENCE_MB``) is tiled automatically; ``--tile 0`` forces whole images.

Existing outputs are kept: the run stops before writing anything if one exists, unless
``--overwrite``. Every input is processed even if some fail; the failures are listed with
their reasons at the end and the exit status is 1. Setup errors (config, checkpoint, arguments)
print one line and exit with status 2 (``--debug`` or ``RESTOREKIT_DEBUG=1``: traceback).
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
from collections import Counter
from pathlib import Path

from restorekit.utils.cli import CfgOptionsAction, ToolError, run_tool

EXIT_SOME_FAILED = 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Deblur images with a restorekit model")
    parser.add_argument("paths", nargs="+", metavar="CONFIG CHECKPOINT INPUT",
                        help="config file ('none' with --backend onnxruntime), checkpoint file "
                        "('none' = random weights) and an image file, folder or quoted glob; "
                        "with --checkpoint only the INPUT(s)")
    parser.add_argument("--checkpoint", dest="auto_checkpoint", metavar="CHECKPOINT",
                        help="config-free: recognise the architecture from this file")
    parser.add_argument("--out-dir", required=True, help="folder for the restored images")
    parser.add_argument("--tile", type=int, default=None,
                        help="tile size in pixels (default: automatic above --max-memory; "
                             "0 = always whole image)")
    parser.add_argument("--tile-overlap", type=int, default=32, help="tile overlap (pixels)")
    parser.add_argument("--max-memory", type=float, default=None, metavar="MB",
                        help="memory budget for automatic tiling (default 2048)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda, cuda:1 ...")
    parser.add_argument("--backend", choices=["auto", "torch", "onnxruntime"], default="auto",
                        help="auto (default): fastest exact path, measured once and cached")
    parser.add_argument("--onnx", help="ONNX model for --backend onnxruntime")
    parser.add_argument("--fast", nargs="?", const="fp32", choices=["fp32", "bf16"],
                        help="fast CPU path: fp32 (BN folding + channels_last) or bf16")
    parser.add_argument("--precision", choices=["fp32", "bf16", "fp16"], default="fp32",
                        help="--backend auto: autocast precision (default fp32 = exact; "
                             "fp16 for CUDA; bf16 gains only with AMX on CPUs)")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads")
    parser.add_argument("--recursive", action="store_true", help="descend into sub-folders")
    parser.add_argument("--overwrite", action="store_true", help="replace existing outputs")
    parser.add_argument("--cfg-options", nargs="+", action=CfgOptionsAction,
                        help="key=value overrides")
    parser.add_argument("--debug", action="store_true",
                        help="show full tracebacks instead of one-line errors")
    args = parser.parse_args(argv)
    split_positionals(parser, args)
    if args.tile is not None and args.tile < 0:
        parser.error(f"--tile must be >= 0 (0 = whole image), got {args.tile}")
    return args


def split_positionals(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Set ``args.config``, ``args.checkpoint`` and ``args.inputs`` from the positionals:
    ``CONFIG CHECKPOINT INPUT``, or ``INPUT [INPUT ...]`` with ``--checkpoint``."""
    if args.auto_checkpoint:
        args.config, args.checkpoint, args.inputs = None, args.auto_checkpoint, args.paths
    elif len(args.paths) == 3:
        args.config, args.checkpoint, args.inputs = args.paths[0], args.paths[1], args.paths[2:]
    else:
        parser.error(f"expected CONFIG CHECKPOINT INPUT (or --checkpoint CKPT INPUT...), got "
                     f"{len(args.paths)} positional argument(s)")


def _distinct(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Keep the extension in the output stem of inputs whose stems collide."""
    counts = Counter(stem.lower() for _, stem in pairs)
    out = []
    for path, stem in pairs:
        if counts[stem.lower()] > 1:
            stem = f"{stem}{Path(path).suffix}"
        out.append((path, stem))
    return out


def collect_inputs(spec: str, recursive: bool = False) -> list[tuple[str, str]]:
    """``(path, relative output stem)`` pairs for a file, folder or glob; errors if empty.

    Stems are unique: inputs differing only by extension keep it (``a.jpg`` -> ``a.jpg``).
    """
    from restorekit.datasets.file_utils import is_image_file

    path = Path(spec)
    if path.is_file():
        if not is_image_file(path):
            from restorekit.datasets.file_utils import IMG_EXTENSIONS

            raise ToolError(f"Input '{spec}' does not have a supported image extension "
                            f"({', '.join(IMG_EXTENSIONS)}); convert it first.")
        return [(str(path), path.stem)]
    if path.is_dir():
        pattern = "**/*" if recursive else "*"
        files = sorted(p for p in path.glob(pattern) if p.is_file() and is_image_file(p))
        pairs = [(str(p), p.relative_to(path).with_suffix("").as_posix()) for p in files]
        where = f"folder '{spec}'"
    elif glob.has_magic(spec):
        files = sorted(p for p in glob.glob(spec, recursive=True) if os.path.isfile(p))
        pairs = [(p, Path(p).stem) for p in files if is_image_file(p)]
        where = f"pattern '{spec}'"
    else:
        raise FileNotFoundError(f"Input '{spec}' is neither a file, a folder nor a glob pattern.")
    if not pairs:
        raise FileNotFoundError(f"No images found in {where}.")
    pairs = _distinct(pairs)
    dup = [s for s, n in Counter(s for _, s in pairs).items() if n > 1]
    if dup:  # a glob over several folders can still collide
        raise ToolError(f"Several inputs would be written to the same output name(s): "
                        f"{', '.join(d + '.png' for d in dup[:5])}; deblur the folders separately.")
    return pairs


def _write_png(rgb, dest: Path) -> None:
    import cv2

    from restorekit.engine.atomic_backend import atomic_write_bytes

    ok, buf = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    if not ok:
        raise OSError(f"Could not encode the output for '{dest}'.")
    atomic_write_bytes(buf.tobytes(), dest)  # never a half-written PNG under the real name


def _deblur(argv: list[str], ctx: dict) -> int:
    from restorekit.apis import deblur, init_model
    from restorekit.apis.memory_plan import resolve_budget_mb

    args = parse_args(argv)
    if args.backend == "onnxruntime" and not args.onnx:
        raise ToolError("--backend onnxruntime needs --onnx model.onnx")
    if args.max_memory is not None:
        resolve_budget_mb(args.max_memory)  # validates
    inputs = [pair for spec in args.inputs for pair in collect_inputs(spec, args.recursive)]
    dests = [Path(args.out_dir) / f"{stem}.png" for _, stem in inputs]
    existing = [str(d) for d in dests if d.exists()]
    if existing and not args.overwrite:
        more = f" (+{len(existing) - 3} more)" if len(existing) > 3 else ""
        raise ToolError(f"{len(existing)} output(s) already exist: {', '.join(existing[:3])}"
                        f"{more}. Nothing was written; pass --overwrite to replace them or "
                        f"choose another --out-dir.")
    model = None
    if args.config is None:  # --checkpoint: config-free loading
        model = init_model(None, args.checkpoint, args.device, args.cfg_options)
    elif args.config.lower() != "none":
        checkpoint = None if args.checkpoint.lower() == "none" else args.checkpoint
        model = init_model(args.config, checkpoint, args.device, args.cfg_options)
    elif args.backend != "onnxruntime" and not args.onnx:
        raise ToolError(f"CONFIG is required with --backend {args.backend}")
    from tqdm import tqdm

    from restorekit.datasets.errors import ImageReadError, ImageSizeError
    from restorekit.engine.errors import InferenceError

    failures: list[tuple[str, str]] = []
    for (path, _stem), dest in tqdm(list(zip(inputs, dests)), desc="deblur", unit="img"):
        try:
            out = deblur(model, path, tile=args.tile, tile_overlap=args.tile_overlap,
                         backend=args.backend, fast=args.fast or False, onnx=args.onnx,
                         num_threads=args.threads, max_memory_mb=args.max_memory,
                         precision=args.precision)
            _write_png(out, dest)
        except (ImageReadError, ImageSizeError, InferenceError, OSError, ValueError,
                RuntimeError, MemoryError) as err:
            failures.append((path, " ".join(str(err).split())))
    written = len(inputs) - len(failures)
    print(f"wrote {written} image(s) to {args.out_dir}")
    if failures:
        print(f"deblur.py: {len(failures)} of {len(inputs)} image(s) failed:", file=sys.stderr)
        for path, reason in failures:
            print(f"  {path}: {reason}", file=sys.stderr)
        return EXIT_SOME_FAILED
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the tool; returns the exit status (0 ok, 1 some images failed, 2 usage error)."""
    ctx: dict = {}
    return run_tool(lambda a: _deblur(a, ctx), argv, "deblur.py", ctx)


if __name__ == "__main__":
    sys.exit(main())
