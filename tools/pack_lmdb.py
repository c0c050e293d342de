"""Pack an image dataset into LMDB databases (optionally as overlapping sub-image crops).

Paired (any PairedImageDataset layout) -> <out>/input.lmdb + <out>/target.lmdb:

    python tools/pack_lmdb.py paired --data-root data/GOPRO_Large --layout gopro --split train \\
        --out data/gopro_lmdb/train --crop 480 --step 240 --thresh-size 0
    python tools/pack_lmdb.py paired --data-root data/demo/train --out data/demo_lmdb/train

Unpaired domains (folders) -> <out>/<name>.lmdb each:

    python tools/pack_lmdb.py unpaired --data-root data/demo/train \\
        --domain real_blur=real_blur --domain gt=sharp --out data/demo_lmdb/train

Read them back with ``backend_args=dict(backend='lmdb')`` in the dataset config
(docs/datasets.md, "LMDB"). Needs ``pip install lmdb`` (``pip install -e ".[lmdb]"``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from restorekit.datasets import PairedImageDataset
from restorekit.datasets.file_utils import require_dir, scan_images
from restorekit.datasets.lmdb_packing import pack_items


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Pack images into LMDB (BasicSR-compatible)")
    sub = p.add_subparsers(dest="kind", required=True)
    for kind in ("paired", "unpaired"):
        s = sub.add_parser(kind)
        s.add_argument("--data-root", required=True)
        s.add_argument("--out", required=True, help="output folder for the .lmdb databases")
        s.add_argument("--crop", type=int, default=None, help="sub-image size (e.g. 480)")
        s.add_argument("--step", type=int, default=None, help="crop stride (default: --crop)")
        s.add_argument("--thresh-size", type=int, default=0,
                       help="add a border-flush crop when more than this many pixels remain")
        s.add_argument("--compress-level", type=int, default=1, help="PNG level of crops")
        s.add_argument("--overwrite", action="store_true")
        if kind == "paired":
            s.add_argument("--layout", choices=["gopro", "folders", "list"], default=None)
            s.add_argument("--split", default="train")
            s.add_argument("--blur-dir", default="blur")
            s.add_argument("--sharp-dir", default="sharp")
            s.add_argument("--input-dir")
            s.add_argument("--target-dir")
            s.add_argument("--ann-file", default="")
            s.add_argument("--ann-columns", nargs=2, default=("img", "gt"))
        else:
            s.add_argument("--domain", action="append", required=True, metavar="NAME=DIR",
                           help="a domain folder (relative to --data-root); repeatable")
    return p.parse_args(argv)


def paired_sides(args: argparse.Namespace) -> dict[str, list[tuple[str, str]]]:
    ds = PairedImageDataset(
        data_root=args.data_root, layout=args.layout, split=args.split,
        blur_dir=args.blur_dir, sharp_dir=args.sharp_dir, input_dir=args.input_dir,
        target_dir=args.target_dir, ann_file=args.ann_file, ann_columns=args.ann_columns,
        serialize_data=False)
    infos = [ds.get_data_info(i) for i in range(len(ds))]
    return {"input": [(d["key"], d["img_path"]) for d in infos],
            "target": [(d["key"], d["gt_path"]) for d in infos]}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.kind == "paired":
        groups = [paired_sides(args)]
    else:
        groups = []
        for spec in args.domain:
            name, sep, folder = spec.partition("=")
            if not sep or not name or not folder:
                raise SystemExit(f"--domain expects NAME=DIR, got {spec!r}")
            found = scan_images(require_dir(Path(args.data_root) / folder, f"Domain {name!r}"))
            groups.append({name: list(found.items())})
    for sides in groups:
        count = len(next(iter(sides.values())))
        with tqdm(total=count, desc="+".join(sides), unit="img") as bar:
            dbs = pack_items(sides, args.out, args.crop, args.step, args.thresh_size,
                             args.compress_level, args.overwrite, bar.update)
        for name, db in dbs.items():
            lines = (db / "meta_info.txt").read_text().count("\n")
            print(f"{name}: {lines} entries -> {db}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
