"""Fit a classical (training-free) baseline's parameters on a config's training pairs.

    python tools/fit_classical.py CONFIG --out ckpt.pth [--num-images N] [--crop S]
        [--grid sigma=0.5,1,2 --grid nsr=1e-3,1e-2] [--cfg-options key=value ...]

The model is ``cfg.model`` (a ClassicalRestorer: WienerDeconvolution, UnsharpMask,
RichardsonLucy, IdentityRestorer). Pairs: ``cfg.fit_cfg.dataset`` if set, else
``cfg.train_dataloader.dataset`` with its pipeline replaced by a full-image one (load blur and
sharp, pack; no random crop); the first N images in dataset order (``--num-images``, else
``fit_cfg.num_images``, else 8), optionally centre-cropped to S x S. The grid is ``--grid``,
else ``fit_cfg.grid``, else the class's ``default_grid``. Every combination is scored by mean
PSNR (RGB, clamped output); the best is written as an mmengine-style checkpoint
``{'state_dict': {buffer: tensor}, 'meta': {...}}`` (atomically) that tools/test.py,
tools/benchmark.py and restorekit.apis.init_model load.
"""

from __future__ import annotations

import argparse
import copy
import io
import sys
import time

import torch
from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope

from restorekit.engine.atomic_backend import atomic_write_bytes
from restorekit.registry import DATASETS, MODELS, SCOPE

FULL_IMAGE_PIPELINE = [
    dict(type="LoadImageFromFile", key="img"),
    dict(type="LoadImageFromFile", key="gt"),
    dict(type="PackInputs", input_key="img", image_keys=("gt",)),
]


def parse_grid(items: list[str] | None) -> dict[str, list[float]] | None:
    """``['sigma=0.5,1', 'nsr=1e-3']`` -> ``{'sigma': [0.5, 1.0], 'nsr': [0.001]}``."""
    if not items:
        return None
    grid = {}
    for item in items:
        name, sep, values = item.partition("=")
        if not sep or not values:
            raise ValueError(f"--grid {item!r}: expected NAME=V1,V2,...")
        grid[name.strip()] = [float(v) for v in values.split(",")]
    return grid


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("config")
    p.add_argument("--out", required=True, help="checkpoint to write")
    p.add_argument("--num-images", type=int, help="training pairs to score (default 8)")
    p.add_argument("--crop", type=int, help="centre crop side (px) to speed up fitting")
    p.add_argument("--grid", action="append", metavar="NAME=V1,V2,...")
    p.add_argument("--cfg-options", nargs="+", action=DictAction)
    return p.parse_args(argv)


def fit_dataset_cfg(cfg: Config) -> dict:
    fit_cfg = cfg.get("fit_cfg") or {}
    if fit_cfg.get("dataset") is not None:
        return copy.deepcopy(fit_cfg["dataset"])
    loader = cfg.get("train_dataloader")
    if not loader or "dataset" not in loader:
        raise KeyError(f"{cfg.filename}: set fit_cfg.dataset or train_dataloader.dataset to "
                       "the training pairs to fit on")
    return dict(copy.deepcopy(loader["dataset"]), pipeline=FULL_IMAGE_PIPELINE)


def centre_crop(img: torch.Tensor, size: int | None) -> torch.Tensor:
    if not size:
        return img
    h, w = img.shape[-2:]
    top, left = max(0, (h - size) // 2), max(0, (w - size) // 2)
    return img[..., top:top + size, left:left + size]


def load_pairs(cfg: Config, num_images: int, crop: int | None
               ) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """``(blurry, sharp)`` float32 (3, H, W) tensors in [0, 1] from the fit dataset."""
    dataset = DATASETS.build(fit_dataset_cfg(cfg))
    pairs = []
    for i in range(min(num_images, len(dataset))):
        item = dataset[i]
        if item.get("gt") is None:
            raise KeyError("the fit dataset's pipeline does not pack 'gt'")
        pairs.append((centre_crop(item["inputs"].float() / 255.0, crop),
                      centre_crop(item["gt"].float() / 255.0, crop)))
    return pairs


def main(argv=None) -> dict:
    from restorekit.models.methods.classical.base import ClassicalRestorer
    from restorekit.models.methods.classical.fit import grid_search

    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get("default_scope", SCOPE))
    model = MODELS.build(cfg.model)
    if not isinstance(model, ClassicalRestorer):
        raise TypeError(f"{args.config}: model {type(model).__name__} is not a classical "
                        "baseline; train learned models with tools/train.py")
    fit_cfg = cfg.get("fit_cfg") or {}
    num_images = args.num_images or fit_cfg.get("num_images", 8)
    grid = parse_grid(args.grid) or fit_cfg.get("grid") or model.default_grid
    pairs = load_pairs(cfg, num_images, args.crop or fit_cfg.get("crop"))
    print(f"{type(model).__name__}: {len(pairs)} training pair(s), grid "
          f"{ {k: list(v) for k, v in grid.items()} }")
    start = time.perf_counter()
    result = grid_search(model, pairs, grid,
                         progress=lambda p, s: print(f"  {p}  PSNR {s:.3f} dB"))
    print(f"best {result['best']}: {result['psnr']:.3f} dB on the training pairs "
          f"(input {result['input_psnr']:.3f} dB), {time.perf_counter() - start:.1f} s")
    checkpoint = {
        "state_dict": model.state_dict(),
        "meta": {"tool": "tools/fit_classical.py", "config": args.config,
                 "model": type(model).__name__, "fit": result},
    }
    buffer = io.BytesIO()
    torch.save(checkpoint, buffer)
    atomic_write_bytes(buffer.getvalue(), args.out)
    print(f"wrote {args.out}")
    return result


if __name__ == "__main__":
    main()
    sys.exit(0)
