"""The demo's "real blur" domain: a blur process unlike the one of the demo's training pairs.

Used by the realistic-blur study (``docs/experiments/realistic_blur.md``): BGAN must learn to
imitate this domain from unpaired examples, and DBGAN is evaluated on paired held-out images
of it. Compared with the training pairs of :mod:`restorekit.demo.data` (one compact Boracchi &
Foi trajectory kernel of 9-13 px with a lens blur, Gaussian noise, straight sRGB), every image
here goes through:

1. inverse camera response: ``x ** 2.2`` (linear light);
2. **spatially varying**, longer shake: two LeviBorodenko-style kernels (odd size 13-21 px,
   intensity U(0.3, 0.7), :func:`restorekit.blur.random_motion_kernel`), blended with a
   linear ramp of random direction across the crop (pure kernel 1 on one side, pure kernel 2
   on the other); the crop is taken with a 10 px margin, so no kernel sees a padded border;
3. Poisson-Gaussian sensor noise: variance ``a x + b^2`` with a U(2e-4, 1e-3), b U(0.002,
   0.006) (linear [0, 1] scale), clipped to [0, 1];
4. camera response ``x ** (1 / 2.2)`` and JPEG compression, quality U(55, 85).

No exposure change (version 4): the blurred image keeps the tone of its sharp image (mean
ratio about 1.00), so PSNR on the pairs measures blur, not brightness. Version 3 multiplied
the linear image by U(1.0, 1.5) before blurring, which made the real blur x1.15 brighter than
its ground truth (issue 8).

Images: ``train/real_blur/<photo>_<j>.png`` (8 crops of 160 px from each *training* photo, at
positions drawn independently from the paired crops, sharp versions never written) and
``train_realpairs/{blur,sharp}/<photo>_<j>.png`` (the same 64 blurred images with their sharp
crops, version 5: for the study's upper-bound arm only, never for BGAN) and
``test_realblur/{blur,sharp}/<photo>_<j>.png`` (:data:`TEST_CROPS` pairs of
:data:`TEST_SIZE` px from each held-out test photo; for evaluation only).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from restorekit.blur import blur_image, jpeg_compress, random_motion_kernel

__all__ = ["MARGIN", "REAL_BLUR_RECIPE", "TEST_CROPS", "TEST_SIZE", "generate_real_blur",
           "make_real_blur"]

_KERNEL_SIZES = tuple(range(13, 22, 2))
MARGIN = max(_KERNEL_SIZES) // 2  #: crop margin (px): every kernel sees real pixels
TEST_CROPS = 8  #: held-out pairs per test photo (3 photos: 24 pairs)
TEST_SIZE = 128  #: their side (px): 8 mostly distinct crops fit in chelsea (451 x 300)
_INTENSITY = (0.3, 0.7)
_SHOT = (2e-4, 1e-3)
_READ = (0.002, 0.006)
_JPEG = (55, 85)
_GAMMA = 2.2

REAL_BLUR_RECIPE = (
    "Real-blur domain (different process): inverse CRF x**2.2, two LeviBorodenko-style "
    "kernels (13-21 px, intensity 0.3-0.7) blended by a linear ramp across the crop "
    "(spatially varying blur), Poisson-Gaussian noise (a U(2e-4, 1e-3), b U(0.002, 0.006)), "
    "CRF x**(1/2.2), JPEG quality 55-85. No exposure change: the blurred image keeps the tone "
    f"of its sharp image. Held-out pairs: {TEST_CROPS} crops of {TEST_SIZE}px per test photo."
)


def make_real_blur(region: np.ndarray, margin: int, rng: np.random.Generator) -> np.ndarray:
    """Blur a uint8 HWC RGB ``region`` (the crop plus ``margin`` px on every side).

    Returns the uint8 blurred crop (the region without its margin).
    """
    lin = np.power(region.astype(np.float32) / 255.0, _GAMMA)
    kernels = [
        random_motion_kernel(rng, int(rng.choice(_KERNEL_SIZES)), rng.uniform(*_INTENSITY))
        for _ in range(2)
    ]
    b1, b2 = (blur_image(lin, k) for k in kernels)
    h, w = lin.shape[:2]
    angle = rng.uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    proj = (xx - w / 2) * np.cos(angle) + (yy - h / 2) * np.sin(angle)
    weight = np.clip(0.5 + proj / max(h, w), 0.0, 1.0)[:, :, None]
    out = np.clip(weight * b1 + (1 - weight) * b2, 0.0, 1.0)
    variance = rng.uniform(*_SHOT) * out + rng.uniform(*_READ) ** 2
    out = out + np.sqrt(variance) * rng.standard_normal(out.shape).astype(np.float32)
    out = np.power(np.clip(out, 0.0, 1.0), 1.0 / _GAMMA)
    out = out[margin:h - margin, margin:w - margin]
    out = np.clip(np.rint(out * 255.0), 0, 255).astype(np.uint8)
    return jpeg_compress(out, int(rng.integers(_JPEG[0], _JPEG[1] + 1)))


def generate_real_blur(
    out: Path,
    plan: tuple,
    seed: int,
    load_source: Callable[[str], np.ndarray],
    pick_crops: Callable,
    write_png: Callable[[Path, np.ndarray], None],
    margin: int = MARGIN,
) -> None:
    """Write the real-blur domain under ``out`` (see the module docstring).

    ``plan`` rows are ``(split, photo, count, size)`` as in :mod:`restorekit.demo.data`;
    train rows give unpaired ``train/real_blur`` images (count and size as planned) and the
    same images paired with their sharp crops in ``train_realpairs`` (the realistic-blur
    study's upper-bound arm: a deblurrer trained on the real process itself), test rows
    :data:`TEST_CROPS` ``test_realblur`` pairs of :data:`TEST_SIZE` px. ``pick_crops(img,
    count, size, rng, margin)`` chooses the crops. Seeds ``[seed, row, 1]`` differ from the
    paired crops' ``[seed, row]``.
    """
    cache: dict[str, np.ndarray] = {}
    for index, (split, name, count, size) in enumerate(plan):
        if name not in cache:
            cache = {name: load_source(name)}
        img = cache[name]
        rng = np.random.default_rng([seed, index, 1])
        if split != "train":
            count, size = TEST_CROPS, TEST_SIZE
        for j, (y, x) in enumerate(pick_crops(img, count, size, rng, margin)):
            region = img[y - margin:y + size + margin, x - margin:x + size + margin]
            blurred = make_real_blur(region, margin, rng)
            fname = f"{name}_{j:02d}.png"
            if split == "train":
                write_png(out / "train" / "real_blur" / fname, blurred)
                # the same blurred image with its sharp crop: pairs made by the real process
                write_png(out / "train_realpairs" / "blur" / fname, blurred)
                write_png(out / "train_realpairs" / "sharp" / fname,
                          img[y:y + size, x:x + size])
            else:
                write_png(out / "test_realblur" / "blur" / fname, blurred)
                write_png(out / "test_realblur" / "sharp" / fname, img[y:y + size, x:x + size])
