"""Images per second through PairedImageDataset: image folders vs LMDB, on the demo data.

    python benchmarks/data_loading.py [--data-root data/demo] [--split train] [--passes 5]
        [--crop 80 --step 40] [--work-dir work_dirs/data_loading] [--out result.json]

Builds the demo data if needed (:func:`restorekit.demo.data.build_demo_dataset`), packs the
split with ``tools/pack_lmdb.py``'s library side (whole images: the original PNG bytes; with
``--crop``: PNG sub-images, BasicSR ``extract_subimages`` style), then times
``dataset[i]`` (``LoadImageFromFile`` for the blurred and the sharp image) over every item,
in one process, alternating sources pass by pass so machine load hits all alike. Reported:
median images/s over the passes (2 images per item), and the storage size. The OS page cache
is warm after the first pass for every source (no root to drop it): these numbers measure
per-file overhead (open/stat/read of many small files vs one memory-mapped database) and
decoding, not disk throughput.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from restorekit.datasets import PairedImageDataset
from restorekit.datasets.lmdb_packing import pack_items
from restorekit.demo.data import build_demo_dataset

LOAD = [dict(type="LoadImageFromFile", key="img"), dict(type="LoadImageFromFile", key="gt")]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-root", default="data/demo")
    p.add_argument("--split", default="train")
    p.add_argument("--passes", type=int, default=5)
    p.add_argument("--crop", type=int, default=80, help="also time LMDB crops (0: skip)")
    p.add_argument("--step", type=int, default=40)
    p.add_argument("--work-dir", default="work_dirs/data_loading")
    p.add_argument("--out", default=None, help="write the results as JSON")
    return p.parse_args(argv)


def folder_size_mib(path: Path) -> float:
    """Allocated size (st_blocks: an LMDB file may be sparse up to its map size)."""
    return sum(f.stat().st_blocks * 512 for f in path.rglob("*") if f.is_file()) / 2**20


def pack(dataset: PairedImageDataset, out: Path, crop: int | None, step: int | None) -> Path:
    if (out / "input.lmdb" / "meta_info.txt").is_file():
        return out
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    pack_items({"input": [(d["key"], d["img_path"]) for d in infos],
                "target": [(d["key"], d["gt_path"]) for d in infos]},
               out, crop=crop, step=step, overwrite=True)
    return out


def one_pass(dataset: PairedImageDataset) -> float:
    """Seconds to load every item once."""
    start = time.perf_counter()
    for i in range(len(dataset)):
        dataset[i]
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    root = build_demo_dataset(args.data_root) / args.split
    work = Path(args.work_dir)
    sources = {"folders (PNG files)": PairedImageDataset(
        data_root=str(root), input_dir="blur", target_dir="sharp", pipeline=LOAD)}
    lmdb_root = pack(sources["folders (PNG files)"], work / f"{args.split}_lmdb", None, None)
    sources["LMDB (same PNG bytes)"] = PairedImageDataset(
        data_root=str(lmdb_root), backend_args=dict(backend="lmdb"), pipeline=LOAD)
    if args.crop:
        crop_root = pack(sources["folders (PNG files)"],
                         work / f"{args.split}_lmdb_crops{args.crop}s{args.step}",
                         args.crop, args.step)
        sources[f"LMDB crops {args.crop}/{args.step}"] = PairedImageDataset(
            data_root=str(crop_root), backend_args=dict(backend="lmdb"), pipeline=LOAD)
    for ds in sources.values():  # warm-up pass: page cache, LMDB environments
        one_pass(ds)
    times: dict[str, list[float]] = {name: [] for name in sources}
    for _ in range(args.passes):
        for name, ds in sources.items():
            times[name].append(one_pass(ds))
    rows = {}
    for name, ds in sources.items():
        t = statistics.median(times[name])
        first = ds[0]["img"]
        rows[name] = {"items": len(ds), "image_size": f"{first.shape[0]}x{first.shape[1]}",
                      "images_per_s": 2 * len(ds) / t,
                      "megapixels_per_s": 2 * len(ds) * first.shape[0] * first.shape[1] / t / 1e6}
    rows["folders (PNG files)"]["storage_MiB"] = folder_size_mib(root / "blur") + folder_size_mib(
        root / "sharp")
    for name, ds in sources.items():
        if name.startswith("LMDB"):
            db = Path(ds.get_data_info(0)["img_backend_args"]["db_path"]).parent
            rows[name]["storage_MiB"] = folder_size_mib(db)
    result = {"data": str(root), "passes": args.passes, "timing": "median of passes, one "
              "process, warm page cache", "rows": rows}
    for name, r in rows.items():
        print(f"{name:28s} {r['items']:5d} items {r['image_size']:>8s}  "
              f"{r['images_per_s']:8.0f} images/s  {r['megapixels_per_s']:6.1f} MP/s  "
              f"{r['storage_MiB']:.1f} MiB")
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
