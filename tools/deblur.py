"""Deblur a file, a folder or a glob of images into an output folder.

    python tools/deblur.py CONFIG CHECKPOINT INPUT --out-dir OUT [--tile 512]
        [--tile-overlap 32] [--device cpu] [--backend torch|onnxruntime --onnx model.onnx]
        [--fast [fp32|bf16]] [--threads N] [--cfg-options key=value ...]
    python tools/deblur.py --checkpoint CHECKPOINT INPUT [INPUT ...] --out-dir OUT [...]

``--checkpoint`` needs no config: the architecture is recognised from the file (official
DBGAN, DeblurGAN-v2, MIMO-UNet(+), NAFNet layouts, or a restorekit checkpoint that records its
config; :mod:`restorekit.apis.checkpoint_detection`).

INPUT is an image file, a folder (images directly inside it, or with ``--recursive`` in its
sub-folders) or a quoted glob (``'data/*.png'``). Outputs are PNG files named after the
inputs (sub-folder structure kept). With ``--backend onnxruntime`` CONFIG and CHECKPOINT may be
``none``: the ONNX file carries the stride. Errors name the file; existing outputs are kept.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
from pathlib import Path

import cv2
from mmengine.config import DictAction
from tqdm import tqdm

from restorekit.apis import deblur, init_model
from restorekit.datasets.file_utils import is_image_file


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Deblur images with a restorekit model")
    parser.add_argument("paths", nargs="+", metavar="CONFIG CHECKPOINT INPUT",
                        help="config file ('none' with --backend onnxruntime), checkpoint file "
                        "('none' = random weights) and an image file, folder or quoted glob; "
                        "with --checkpoint only the INPUT(s)")
    parser.add_argument("--checkpoint", dest="auto_checkpoint", metavar="CHECKPOINT",
                        help="config-free: recognise the architecture from this file")
    parser.add_argument("--out-dir", required=True, help="folder for the restored images")
    parser.add_argument("--tile", type=int, default=None, help="tile size in pixels")
    parser.add_argument("--tile-overlap", type=int, default=32, help="tile overlap (pixels)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda, cuda:1 ...")
    parser.add_argument("--backend", choices=["torch", "onnxruntime"], default="torch")
    parser.add_argument("--onnx", help="ONNX model for --backend onnxruntime")
    parser.add_argument("--fast", nargs="?", const="fp32", choices=["fp32", "bf16"],
                        help="fast CPU path: fp32 (BN folding + channels_last) or bf16")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads")
    parser.add_argument("--recursive", action="store_true", help="descend into sub-folders")
    parser.add_argument("--cfg-options", nargs="+", action=DictAction, help="key=value overrides")
    args = parser.parse_args(argv)
    split_positionals(parser, args)
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


def collect_inputs(spec: str, recursive: bool = False) -> list[tuple[str, str]]:
    """``(path, relative output stem)`` pairs for a file, folder or glob; errors if empty."""
    path = Path(spec)
    if path.is_file():
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
    return pairs


def main(argv: list[str] | None = None) -> int:
    """Run the tool; returns the exit status."""
    args = parse_args(argv)
    if args.backend == "onnxruntime" and not args.onnx:
        raise SystemExit("--backend onnxruntime needs --onnx model.onnx")
    inputs = [pair for spec in args.inputs for pair in collect_inputs(spec, args.recursive)]
    model = None
    if args.config is None:  # --checkpoint: config-free loading
        model = init_model(None, args.checkpoint, args.device, args.cfg_options)
    elif args.config.lower() != "none":
        checkpoint = None if args.checkpoint.lower() == "none" else args.checkpoint
        model = init_model(args.config, checkpoint, args.device, args.cfg_options)
    elif args.backend == "torch":
        raise SystemExit("CONFIG is required with --backend torch")
    os.makedirs(args.out_dir, exist_ok=True)
    for path, stem in tqdm(inputs, desc="deblur", unit="img"):
        out = deblur(model, path, tile=args.tile, tile_overlap=args.tile_overlap,
                     backend=args.backend, fast=args.fast or False, onnx=args.onnx,
                     num_threads=args.threads)
        dest = Path(args.out_dir) / f"{stem}.png"
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not cv2.imwrite(str(dest), cv2.cvtColor(out, cv2.COLOR_RGB2BGR)):
            raise OSError(f"Could not write '{dest}'.")
    print(f"wrote {len(inputs)} image(s) to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
