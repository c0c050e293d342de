"""The embedded demo data set: synthetic (blurred, sharp) pairs from scikit-image's photos.

No download: the sharp images are natural photos shipped inside the scikit-image wheel (only
its local loaders are called, never the pooch-fetched ones). Layout::

    <root>/train/{blur,sharp}/<name>.png   64 pairs, 160 x 160, RGB
    <root>/test/{blur,sharp}/<name>.png     8 pairs, 192 x 192, RGB
    <root>/train/real_blur/<name>.png       64 unpaired "real blur" images, 160 x 160
    <root>/test_realblur/{blur,sharp}/...  24 held-out "real blur" pairs, 128 x 128
    <root>/train_realpairs/{blur,sharp}/... train/real_blur with its sharp crops (64 pairs)
    <root>/README.txt                       sources, licenses and this recipe
    <root>/.complete                        generator version; written last

Split by **source photo** (a test crop never shares a photo, or a scene, with a train crop):

* train: astronaut, coffee, hubble_deep_field, stereo_motorcycle (left and right view of the
  same scene), and the grey brick, coins, grass (replicated to 3 channels); 8 crops each;
* test: chelsea and rocket (3 crops each) and the grey camera (2 crops).

Recipe: crop positions are drawn at random and the most textured, mostly non-overlapping ones
are kept; each crop (with a margin of half the kernel size, so no border artefact) is blurred
with a Boracchi & Foi camera-shake trajectory kernel (DeblurGAN v1 process,
:func:`restorekit.blur.random_trajectory_kernel`; odd size 9-13 px, path length 0.4-0.7 of the
size, ``expl`` 0.005-0.01, full exposure, centred on its centre of mass) convolved with a
Gaussian lens blur (sigma 0.8 px), then Gaussian noise with std U(0.002, 0.008) on the [0, 1]
scale is added and the result rounded to uint8.
Why compact shakes (version 3): with version 2's long, nearly straight 11-21 px paths a demo
network trained for minutes on 2 CPU cores gained only about 0.2 dB over the blurry input
(blind deconvolution of long directional blur needs far more training); compact shakes are a
realistic hand-held-camera regime that a small network learns within minutes.
The ``real_blur`` / ``test_realblur`` images come from a different blur process (longer,
spatially varying kernels in linear light, sensor noise, JPEG; no exposure change since
version 4; :mod:`restorekit.demo.realblur`) for the realistic-blur (BGAN) study;
``train/real_blur`` uses the training photos only, ``test_realblur`` 8 crops of each test photo.
Version 4 changed only the real-blur domain: the synthetic train/test pairs are bit-identical
to version 3's. Version 5 only adds ``train_realpairs`` (the ``train/real_blur`` images with
their sharp crops: pairs made by the real process, for the study's upper-bound arm); every
version-4 file is unchanged.
Everything is driven by fixed seeds, so two builds on the same installation are bit-for-bit
identical (JPEG sources are decoded by the installed imaging library).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import cv2
import numpy as np

from restorekit.blur import add_gaussian_noise, blur_image, random_trajectory_kernel

from .realblur import MARGIN as _REAL_MARGIN
from .realblur import REAL_BLUR_RECIPE, generate_real_blur

__all__ = ["DEMO_VERSION", "build_demo_dataset"]

#: bump when the recipe changes: an existing set with another version is rebuilt.
DEMO_VERSION = "5"  # 2: + real-blur domain; 3: compact shakes + lens blur for train/test;
# 4: real-blur domain without exposure gain, 24 held-out pairs (train/test pairs unchanged);
# 5: + train_realpairs (train/real_blur with its sharp crops); every other file unchanged
_SEED = 20261122
_KERNEL_SIZES = (9, 11, 13)  # odd kernel sides
_LENGTH_RATIO = (0.4, 0.7)  # path length / kernel size: short, compact shakes
_EXPL = (0.005, 0.01)  # DeblurGAN v1's range: curly paths
_LENS_SIGMA = 0.8  # Gaussian lens blur folded into every kernel (px)
_NOISE_SIGMA = (0.002, 0.008)  # [0, 1] scale
_MAX_MARGIN = max(_KERNEL_SIZES) // 2
_FOLDERS = (("train", "blur"), ("train", "sharp"), ("train", "real_blur"), ("test", "blur"),
            ("test", "sharp"), ("test_realblur", "blur"), ("test_realblur", "sharp"),
            ("train_realpairs", "blur"), ("train_realpairs", "sharp"))
_SPLITS = ("train", "test", "test_realblur", "train_realpairs")

# (split, source name, crop count, crop size)
_PLAN = (
    ("train", "astronaut", 8, 160),
    ("train", "coffee", 8, 160),
    ("train", "hubble_deep_field", 8, 160),
    ("train", "motorcycle_left", 8, 160),
    ("train", "motorcycle_right", 8, 160),
    ("train", "brick", 8, 160),
    ("train", "coins", 8, 160),
    ("train", "grass", 8, 160),
    ("test", "chelsea", 3, 192),
    ("test", "rocket", 3, 192),
    ("test", "camera", 2, 192),
)

_LICENSES = {
    "astronaut": "public domain (NASA)",
    "coffee": "CC0 (Rachel Michetti)",
    "hubble_deep_field": "public domain (NASA)",
    "motorcycle_left": "not stated by scikit-image (Middlebury 2014 stereo data set; cite "
                       "Scharstein et al., GCPR 2014)",
    "motorcycle_right": "as motorcycle_left",
    "brick": "CC0",
    "coins": "no known copyright restrictions (Brooklyn Museum)",
    "grass": "CC0",
    "chelsea": "CC0 (Stefan van der Walt)",
    "rocket": "public domain (SpaceX)",
    "camera": "CC0 (Lav Varshney)",
}


def _load_source(name: str) -> np.ndarray:
    """uint8 HWC RGB image from scikit-image's in-wheel data (grey replicated to 3 channels)."""
    import skimage.data as data  # local: only the demo builder needs scikit-image

    if name.startswith("motorcycle_"):
        left, right, _ = data.stereo_motorcycle()  # loads both views (about 0.3 s)
        img = left if name.endswith("left") else right
    else:
        img = getattr(data, name)()
    if img.ndim == 2:
        img = np.repeat(img[:, :, None], 3, axis=2)
    return np.ascontiguousarray(img[:, :, :3], dtype=np.uint8)


def _texture_integral(img: np.ndarray) -> np.ndarray:
    """Integral image of the grey gradient magnitude (|dy| + |dx|), ``(H + 1, W + 1)``."""
    grey = img.astype(np.float64).mean(axis=2)
    grad = np.zeros_like(grey)
    grad[1:, :] += np.abs(np.diff(grey, axis=0))
    grad[:, 1:] += np.abs(np.diff(grey, axis=1))
    return np.pad(grad.cumsum(0).cumsum(1), ((1, 0), (1, 0)))


def _pick_crops(img: np.ndarray, count: int, size: int, rng: np.random.Generator,
                margin: int = _MAX_MARGIN) -> list[tuple[int, int]]:
    """Top-left corners of ``count`` textured, mostly non-overlapping crops (``margin`` px
    of the photo kept around each)."""
    h, w = img.shape[:2]
    lo, hi_y, hi_x = margin, h - size - margin, w - size - margin
    if hi_y < lo or hi_x < lo:
        raise ValueError(f"demo source of size {w}x{h} is too small for {size} px crops")
    ys = rng.integers(lo, hi_y + 1, size=16 * count)
    xs = rng.integers(lo, hi_x + 1, size=16 * count)
    ii = _texture_integral(img)
    scores = ii[ys + size, xs + size] - ii[ys, xs + size] - ii[ys + size, xs] + ii[ys, xs]
    chosen: list[tuple[int, int]] = []
    for max_overlap in (0.25, 0.5, 1.0):  # relax if the photo is too small
        for i in np.argsort(-scores, kind="stable"):
            y, x = int(ys[i]), int(xs[i])
            ok = all(max(0, size - abs(y - cy)) * max(0, size - abs(x - cx))
                     <= max_overlap * size * size for cy, cx in chosen)
            if ok and (y, x) not in chosen:
                chosen.append((y, x))
            if len(chosen) == count:
                return chosen
    return chosen


def _make_pair(img: np.ndarray, y: int, x: int, size: int,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(blurred, sharp) uint8 crops of ``img`` at ``(y, x)``."""
    k = int(rng.choice(_KERNEL_SIZES))
    kernel = random_trajectory_kernel(rng, k, max_len=rng.uniform(*_LENGTH_RATIO) * k,
                                      expl=rng.uniform(*_EXPL), fraction=1.0)
    kernel = cv2.GaussianBlur(kernel, (0, 0), _LENS_SIGMA)
    kernel /= kernel.sum()
    m = k // 2
    region = img[y - m:y + size + m, x - m:x + size + m].astype(np.float32) / 255.0
    blurred = blur_image(region, kernel)[m:m + size, m:m + size]
    blurred = add_gaussian_noise(blurred, rng.uniform(*_NOISE_SIGMA), rng)
    blurred = np.clip(np.rint(blurred * 255.0), 0, 255).astype(np.uint8)
    return blurred, img[y:y + size, x:x + size].copy()


def _write_png(path: Path, rgb: np.ndarray) -> None:
    if not cv2.imwrite(str(path), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR),
                       [cv2.IMWRITE_PNG_COMPRESSION, 3]):
        raise OSError(f"could not write {path}")


def _readme() -> str:
    lines = [
        "restorekit demo data (generated by restorekit.demo.data, version "
        f"{DEMO_VERSION}; rebuild with `python tools/make_demo_data.py --force`).",
        "",
        "Synthetic (blurred, sharp) pairs. Sharp images are crops of photos shipped inside",
        "the scikit-image wheel (package BSD-3-Clause); per-image licenses from",
        "skimage/data/_fetchers.py:",
    ]
    for split, name, count, size in _PLAN:
        lines.append(f"  {split:5s} {name:18s} {count} crops of {size}px  {_LICENSES[name]}")
    lines += [
        "",
        "Test photos are never used for training (split by source photo).",
        "Recipe: textured crops; each blurred (with a half-kernel margin) by a compact Boracchi &",
        "Foi camera-shake trajectory kernel (DeblurGAN v1 process, odd size 9-13 px, path length",
        "0.4-0.7 x size, expl 0.005-0.01, full exposure, centred on its centre of mass) convolved",
        f"with a Gaussian lens blur (sigma {_LENS_SIGMA} px), sum 1, plus Gaussian noise std",
        "U(0.002, 0.008) on the [0, 1] scale, rounded to uint8 (unchanged since version 3).",
        "Layout: train/{blur,sharp}/<name>.png and test/{blur,sharp}/<name>.png.",
        "",
        "train/real_blur/<name>.png (unpaired, other crops of the training photos) and",
        "test_realblur/{blur,sharp}/<name>.png (held-out test photos, evaluation only);",
        "train_realpairs/{blur,sharp}/<name>.png: train/real_blur with its sharp crops",
        "(real-process pairs for the study's upper-bound arm only):",
        REAL_BLUR_RECIPE,
        "",
    ]
    return "\n".join(lines)


def _generate(out: Path) -> None:
    cache: dict[str, np.ndarray] = {}
    for index, (split, name, count, size) in enumerate(_PLAN):
        if name not in cache:
            cache = {name: _load_source(name)}
        img = cache[name]
        rng = np.random.default_rng([_SEED, index])
        for j, (y, x) in enumerate(_pick_crops(img, count, size, rng)):
            blurred, sharp = _make_pair(img, y, x, size, rng)
            fname = f"{name}_{j:02d}.png"
            _write_png(out / split / "blur" / fname, blurred)
            _write_png(out / split / "sharp" / fname, sharp)
    generate_real_blur(out, _PLAN, _SEED, _load_source, _pick_crops, _write_png, _REAL_MARGIN)


def build_demo_dataset(root: str | os.PathLike = "data/demo", force: bool = False) -> Path:
    """Build (or reuse) the demo data set under ``root`` and return ``root`` as a Path.

    Args:
        root: output folder; created if missing.
        force: rebuild even if ``<root>/.complete`` says the current version is there.

    Returns:
        The root path. ``<root>/train`` and ``<root>/test`` each hold ``blur/`` and ``sharp/``
        with identical PNG file names (uint8 RGB); ``<root>/train/real_blur`` holds the
        unpaired real-blur domain and ``<root>/test_realblur/{blur,sharp}`` its held-out pairs.

    The set is generated in a temporary sibling folder and moved in place; only ``train/``,
    ``test/``, ``test_realblur/``, ``README.txt`` and ``.complete`` under ``root`` are
    replaced (and ``train_realpairs/``), any other file there is left alone. Takes a few
    seconds on one CPU core.
    """
    root = Path(root)
    marker = root / ".complete"
    if not force and marker.is_file() and marker.read_text().strip() == f"version={DEMO_VERSION}":
        return root
    root.mkdir(parents=True, exist_ok=True)
    tmp = root.parent / f".{root.name}.building-{os.getpid()}-{time.monotonic_ns()}"
    try:
        for split, kind in _FOLDERS:
            (tmp / split / kind).mkdir(parents=True)
        _generate(tmp)
        marker.unlink(missing_ok=True)
        for split in _SPLITS:
            if (root / split).exists():
                shutil.rmtree(root / split)
            (tmp / split).rename(root / split)
        (root / "README.txt").write_text(_readme())
        marker.write_text(f"version={DEMO_VERSION}\n")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return root
