"""``SyntheticMotionBlur``: make a (blurred, sharp) pair from a sharp image on the fly.

Pipeline per sample (all in float32 on the [0, 1] scale, one rounding to uint8 at the end):

1. draw a kernel: a Boracchi & Foi camera-shake trajectory PSF (DeblurGAN v1,
   :func:`restorekit.blur.random_trajectory_kernel`) or a LeviBorodenko/motionblur kernel
   (:func:`restorekit.blur.random_motion_kernel`); float32, sum 1;
2. optionally linearise with ``x ** gamma`` (blur happens in linear light, then ``x ** (1/gamma)``);
3. blur, size preserving, reflected border (:func:`restorekit.blur.blur_image`);
4. add Gaussian noise with a standard deviation drawn from ``noise_sigma`` ([0, 1] scale);
5. optionally JPEG-compress with a quality drawn from ``jpeg_quality``.

Randomness: ``seed=None`` draws from numpy's global RNG (mmengine seeds it per worker and
epoch, so every epoch sees new blur); an int seed makes the blur a deterministic function of
``(seed, sample id)`` where the sample id is the first of ``results['key']``,
``results['gt_path']``, ``results['sample_idx']``, ``results['img_path']`` that is present
(hashed with CRC32, stable across processes), so a synthetic test set is reproducible.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Optional, Union

import numpy as np
from mmcv.transforms import BaseTransform

from restorekit.blur import (
    add_gaussian_noise,
    apply_gamma,
    blur_image,
    jpeg_compress,
    random_motion_kernel,
    random_trajectory_kernel,
)
from restorekit.registry import TRANSFORMS
from restorekit.utils.image import float_to_uint8

_ID_KEYS = ("key", "gt_path", "sample_idx", "img_path")
Range = Optional[Union[float, tuple[float, float]]]


def _check_range(name: str, value, lo: float, hi: float | None = None) -> None:
    vals = value if isinstance(value, (tuple, list)) else (value,)
    if isinstance(value, (tuple, list)) and (len(value) != 2 or value[0] > value[1]):
        raise ValueError(f"SyntheticMotionBlur: {name} must be a number or (min, max), "
                         f"got {value!r}")
    for v in vals:
        if v < lo or (hi is not None and v > hi):
            raise ValueError(f"SyntheticMotionBlur: {name}={value!r} is outside "
                             f"[{lo}, {hi if hi is not None else 'inf'}]")


def _uniform(rng: np.random.Generator, spec) -> float:
    """A number, or a uniform draw from a ``(min, max)`` pair."""
    if isinstance(spec, (tuple, list)):
        return float(rng.uniform(spec[0], spec[1]))
    return float(spec)


@TRANSFORMS.register_module()
class SyntheticMotionBlur(BaseTransform):
    """Blur ``results[gt_key]`` with a random motion kernel into ``results[img_key]``.

    Required keys: ``gt_key`` (uint8 HWC RGB, or HW). Added/modified keys: ``img_key`` (uint8,
    same shape as the sharp image), and ``blur_kernel`` (float32 ``(k, k)``) when
    ``keep_kernel=True``.

    Args:
        kernel_type: ``'trajectory'`` (Boracchi & Foi / DeblurGAN v1) or ``'levi'``
            (LeviBorodenko/motionblur).
        kernel_size: odd kernel side in pixels, or an inclusive ``(min, max)`` range from which
            an odd size is drawn uniformly.
        expl: trajectory shake level ('trajectory' only): a number, a ``(min, max)`` range, or
            None for DeblurGAN v1's ``0.1 U``. Default (0.003, 0.01), DeblurGAN v1's list.
        max_len_ratio: trajectory length as a fraction of ``kernel_size`` ('trajectory' only);
            a number or a ``(min, max)`` range.
        exposure_fractions: exposure fractions in (0, 1] picked uniformly ('trajectory' only);
            DeblurGAN v1 picks 1/10, 1/2 or 1.
        intensity: motionblur intensity in [0, 1] ('levi' only); number or ``(min, max)``.
        noise_sigma: Gaussian noise std on the [0, 1] scale; number or ``(min, max)``.
        gamma: None (blur the sRGB values directly) or a gamma (e.g. 2.2) to blur in linear light.
        jpeg_quality: None (no JPEG), a quality in [1, 100] or an inclusive ``(min, max)``.
        seed: None (numpy's global RNG; new blur every call) or an int (deterministic per
            sample, see the module docstring).
        gt_key: key of the sharp input image.
        img_key: key the blurred image is written to.
        keep_kernel: also store the kernel in ``results['blur_kernel']``.
    """

    def __init__(
        self,
        kernel_type: str = "trajectory",
        kernel_size: int | Sequence[int] = (9, 21),
        expl: Range = (0.003, 0.01),
        max_len_ratio: Range = (0.6, 1.0),
        exposure_fractions: Sequence[float] = (0.1, 0.5, 1.0),
        intensity: Range = (0.0, 1.0),
        noise_sigma: Range = (0.0, 0.01),
        gamma: float | None = None,
        jpeg_quality: int | Sequence[int] | None = None,
        seed: int | None = None,
        gt_key: str = "gt",
        img_key: str = "img",
        keep_kernel: bool = False,
    ) -> None:
        if kernel_type not in ("trajectory", "levi"):
            raise ValueError(f"SyntheticMotionBlur: kernel_type must be 'trajectory' or 'levi', "
                             f"got {kernel_type!r}")
        _check_range("kernel_size", kernel_size, 1)
        sizes = kernel_size if isinstance(kernel_size, (tuple, list)) else (kernel_size,)
        odd = [k for k in range(int(min(sizes)), int(max(sizes)) + 1) if k % 2 == 1]
        if not odd:
            raise ValueError(f"SyntheticMotionBlur: kernel_size {kernel_size!r} contains no odd "
                             "size; use e.g. 15 or (9, 21)")
        if expl is not None:
            _check_range("expl", expl, 0.0)
        _check_range("max_len_ratio", max_len_ratio, 1e-6)
        if not exposure_fractions or any(not 0 < f <= 1 for f in exposure_fractions):
            raise ValueError("SyntheticMotionBlur: exposure_fractions must be a non-empty list "
                             f"of numbers in (0, 1], got {exposure_fractions!r}")
        _check_range("intensity", intensity, 0.0, 1.0)
        _check_range("noise_sigma", noise_sigma, 0.0)
        if gamma is not None and gamma <= 0:
            raise ValueError(f"SyntheticMotionBlur: gamma must be > 0 or None, got {gamma}")
        if jpeg_quality is not None:
            _check_range("jpeg_quality", jpeg_quality, 1, 100)
        self.kernel_type = kernel_type
        self.kernel_size = kernel_size
        self._odd_sizes = odd
        self.expl = expl
        self.max_len_ratio = max_len_ratio
        self.exposure_fractions = tuple(float(f) for f in exposure_fractions)
        self.intensity = intensity
        self.noise_sigma = noise_sigma
        self.gamma = gamma
        self.jpeg_quality = jpeg_quality
        self.seed = seed
        self.gt_key = gt_key
        self.img_key = img_key
        self.keep_kernel = keep_kernel

    def _rng(self, results: dict) -> np.random.Generator:
        if self.seed is None:
            return np.random.default_rng(np.random.randint(0, 2**32, size=4, dtype=np.uint64))
        for key in _ID_KEYS:
            if results.get(key) is not None:
                ident = zlib.crc32(f"{key}={results[key]}".encode())
                return np.random.default_rng([int(self.seed), ident])
        raise KeyError(f"SyntheticMotionBlur(seed={self.seed}) needs a per-sample id in the "
                       f"results dict (one of {list(_ID_KEYS)}); none is present. Use seed=None "
                       "or a dataset that sets 'key' or 'sample_idx'.")

    def sample_kernel(self, rng: np.random.Generator) -> np.ndarray:
        """Draw one kernel (float32 ``(k, k)``, sum 1) with this transform's settings."""
        size = int(rng.choice(self._odd_sizes))
        if self.kernel_type == "levi":
            return random_motion_kernel(rng, size, _uniform(rng, self.intensity))
        expl = None if self.expl is None else _uniform(rng, self.expl)
        fraction = float(rng.choice(self.exposure_fractions))
        max_len = _uniform(rng, self.max_len_ratio) * size
        return random_trajectory_kernel(rng, size, max_len=max_len, expl=expl,
                                        fraction=fraction)

    def transform(self, results: dict) -> dict:
        """Write the blurred ``results[gt_key]`` to ``results[img_key]`` (uint8, same shape)."""
        if self.gt_key not in results:
            raise KeyError(f"SyntheticMotionBlur needs the sharp image in results"
                           f"['{self.gt_key}'] (load it first, e.g. with a loading transform "
                           f"for key '{self.gt_key}'); available keys: {sorted(results)}")
        sharp = results[self.gt_key]
        if not isinstance(sharp, np.ndarray) or sharp.dtype != np.uint8:
            raise TypeError(f"SyntheticMotionBlur expects results['{self.gt_key}'] to be a uint8 "
                            f"numpy image, got {type(sharp).__name__} "
                            f"{getattr(sharp, 'dtype', '')}")
        rng = self._rng(results)
        kernel = self.sample_kernel(rng)
        img = sharp.astype(np.float32) / 255.0
        if self.gamma is not None:
            img = apply_gamma(img, self.gamma)
        img = blur_image(img, kernel)
        if self.gamma is not None:
            img = apply_gamma(img, 1.0 / self.gamma)
        img = add_gaussian_noise(img, _uniform(rng, self.noise_sigma), rng)
        out = float_to_uint8(img)
        if self.jpeg_quality is not None:
            q = self.jpeg_quality
            quality = int(rng.integers(q[0], q[1] + 1)) if isinstance(q, (tuple, list)) else q
            out = jpeg_compress(out, quality)
        results[self.img_key] = out
        if self.keep_kernel:
            results["blur_kernel"] = kernel
        return results

    def __repr__(self) -> str:
        keys = ("kernel_type", "kernel_size", "expl", "max_len_ratio", "exposure_fractions",
                "intensity", "noise_sigma", "gamma", "jpeg_quality", "seed", "gt_key",
                "img_key", "keep_kernel")
        args = ", ".join(f"{k}={getattr(self, k)!r}" for k in keys)
        return f"{self.__class__.__name__}({args})"
