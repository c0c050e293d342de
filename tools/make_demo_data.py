"""Build restorekit's embedded demo data set (synthetic motion blur on scikit-image photos).

Usage::

    python tools/make_demo_data.py [--root data/demo] [--force]

Writes ``<root>/{train,test}/{blur,sharp}/<name>.png``, the realistic-blur study's
``<root>/train/real_blur`` and ``<root>/test_realblur/{blur,sharp}`` plus ``README.txt``; does
nothing when ``<root>/.complete`` already holds the current generator version (``--force``
rebuilds). Prints the number of pairs and the mean blurred-vs-sharp PSNR of each split. The
recipe is described in :mod:`restorekit.demo.data`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a source checkout

from restorekit.demo.data import build_demo_dataset


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10.0 * np.log10(255.0**2 / mse)


def split_stats(root: Path, split: str) -> tuple[int, float]:
    """(number of pairs, mean blurred-vs-sharp PSNR in dB) of ``<root>/<split>``."""
    values = []
    for blur_path in sorted((root / split / "blur").glob("*.png")):
        blur = cv2.imread(str(blur_path), cv2.IMREAD_COLOR)
        sharp = cv2.imread(str(root / split / "sharp" / blur_path.name), cv2.IMREAD_COLOR)
        if blur is None or sharp is None:
            raise OSError(f"cannot read the pair {blur_path.name} under {root / split}")
        values.append(_psnr(blur, sharp))
    return len(values), float(np.mean(values)) if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default="data/demo", help="output folder (default data/demo)")
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    root = build_demo_dataset(args.root, force=args.force)
    elapsed = time.perf_counter() - start
    print(f"demo data in {root} ({elapsed:.1f} s)")
    for split in ("train", "test", "test_realblur"):
        count, psnr = split_stats(root, split)
        print(f"  {split}: {count} pairs, blurred input PSNR {psnr:.2f} dB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
