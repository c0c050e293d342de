"""Write image sets into LMDB databases (the library side of ``tools/pack_lmdb.py``).

Format (compatible with BasicSR's ``create_lmdb.py`` / ``paired_paths_from_lmdb``):

* a database is a folder ``<name>.lmdb`` with ``data.mdb`` / ``lock.mdb`` and
  ``meta_info.txt``, one line per image in write order: ``<key>.png (h,w,c) <level>``;
* a key is the image's relative path without extension (``'GOPR0372_07_00/000047'``);
  sub-image crops append ``_s001``, ``_s002``, ... (row-major, BasicSR's
  ``extract_subimages.py`` numbering);
* a value is the encoded image: the **original file bytes** when not cropping (JPEGs and
  16-bit PNGs stay bit-identical, so folder and LMDB reads give the same pixels), else a
  lossless PNG of the crop (``compress_level`` 0-9; BasicSR uses 1).

Crops follow ``extract_subimages.py``: top-left corners every ``step`` pixels, plus a last
crop flush with the border when more than ``thresh_size`` pixels would be left out (GoPro
frames 720 x 1280 with crop 480, step 240, thresh 0: rows 0, 240 and columns 0, 240, 480,
720, 800, i.e. 10 crops per frame).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import cv2
import numpy as np

from .errors import ImageSizeError
from .file_backends import META_INFO
from .transforms.loading import read_image

Item = tuple[str, str]  # (key, local image path)


def crop_starts(length: int, crop: int, step: int, thresh_size: int) -> list[int]:
    """Start offsets along one axis (BasicSR ``extract_subimages``); needs ``length >= crop``."""
    starts = list(range(0, length - crop + 1, step))
    if length - (starts[-1] + crop) > thresh_size:
        starts.append(length - crop)
    return starts


def sub_images(img: np.ndarray, crop: int, step: int, thresh_size: int = 0
               ) -> list[np.ndarray]:
    """Overlapping ``crop`` x ``crop`` crops of an (H, W, C) image, row-major."""
    h, w = img.shape[:2]
    if min(h, w) < crop:
        raise ImageSizeError(f"Image of {h}x{w} pixels is smaller than the crop size {crop}.")
    return [img[y:y + crop, x:x + crop] for y in crop_starts(h, crop, step, thresh_size)
            for x in crop_starts(w, crop, step, thresh_size)]


class LmdbWriter:
    """Write ``key -> bytes`` into a new LMDB folder atomically (``<out>.partial`` renamed on
    :meth:`close`), growing the map when it is full, and record ``meta_info.txt``.

    Args:
        out: the database folder to create (must not exist unless ``overwrite``).
        map_size: initial map size in bytes (doubled whenever full).
        overwrite: replace an existing ``out``.
    """

    def __init__(self, out: str | os.PathLike, map_size: int = 1 << 30,
                 overwrite: bool = False) -> None:
        from restorekit.utils.optional import require

        lmdb = require("lmdb", "Packing LMDB databases")

        self.out = Path(out)
        if self.out.exists() and not overwrite:
            raise FileExistsError(f"'{self.out}' exists; pass --overwrite to replace it.")
        self.tmp = self.out.with_name(self.out.name + ".partial")
        shutil.rmtree(self.tmp, ignore_errors=True)
        # sync once at close instead of per commit (a crash leaves only the .partial folder)
        self.env = lmdb.open(str(self.tmp), map_size=map_size, sync=False, metasync=False)
        self.meta: list[str] = []
        self.keys: set[str] = set()

    def put(self, key: str, value: bytes, shape: tuple[int, ...], level: int) -> None:
        """Store one encoded image; ``shape`` (h, w, c) and ``level`` go to meta_info."""
        import lmdb

        if key in self.keys:
            raise KeyError(f"Duplicate LMDB key '{key}' (two images with the same name?).")
        while True:
            try:
                with self.env.begin(write=True) as txn:
                    txn.put(key.encode("ascii"), value)
                break
            except lmdb.MapFullError:
                self.env.set_mapsize(self.env.info()["map_size"] * 2)
        self.keys.add(key)
        h, w, c = shape
        self.meta.append(f"{key}.png ({h},{w},{c}) {level}")

    def close(self) -> Path:
        """Write meta_info.txt, close, and move the finished database into place."""
        self.env.sync(True)
        self.env.close()
        (self.tmp / META_INFO).write_text("\n".join(self.meta) + "\n", encoding="utf-8")
        if self.out.exists():
            shutil.rmtree(self.out)
        os.replace(self.tmp, self.out)
        return self.out


def encode_png(img: np.ndarray, level: int) -> bytes:
    """Lossless PNG bytes of a uint8 (H, W, 3) RGB array."""
    ok, buf = cv2.imencode(".png", img[..., ::-1], [cv2.IMWRITE_PNG_COMPRESSION, level])
    if not ok:
        raise ValueError("PNG encoding failed")
    return buf.tobytes()


def pack_items(
    sides: dict[str, Iterable[Item]],
    out_dir: str | os.PathLike,
    crop: int | None = None,
    step: int | None = None,
    thresh_size: int = 0,
    compress_level: int = 1,
    overwrite: bool = False,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Path]:
    """Pack one or more sides (``{'input': items, 'target': items}``) into
    ``<out_dir>/<side>.lmdb``. Paired sides must list the same keys in the same order; with
    ``crop`` each pair is cut at the same positions (sizes must agree).

    Returns:
        ``{side: database folder}``.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = list(sides)
    lists = [list(sides[n]) for n in names]
    if len({len(x) for x in lists}) != 1:
        raise ValueError(f"Sides {names} have different image counts: {[len(x) for x in lists]}.")
    writers = {n: LmdbWriter(out_dir / f"{n}.lmdb", overwrite=overwrite) for n in names}
    step = step or crop
    for rows in zip(*lists):
        images = [read_image(path) for _, path in rows]
        if crop and len({im.shape for im in images}) != 1:
            raise ImageSizeError(f"Paired images differ in size: {[p for _, p in rows]}.")
        for name, (key, path), img in zip(names, rows, images):
            if crop:
                for i, sub in enumerate(sub_images(img, crop, step, thresh_size), start=1):
                    writers[name].put(f"{key}_s{i:03d}", encode_png(sub, compress_level),
                                      sub.shape, compress_level)
            else:
                writers[name].put(key, Path(path).read_bytes(), img.shape, compress_level)
        if progress:
            progress(1)
    return {n: w.close() for n, w in writers.items()}


__all__ = ["LmdbWriter", "crop_starts", "encode_png", "pack_items", "sub_images"]
