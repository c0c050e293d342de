"""NIQE, the "completely blind" no-reference quality index (Mittal, Soundararajan, Bovik 2013).

Follows the official MATLAB release (``niqe_release.zip``, LIVE, UT Austin:
``computequality.m``, ``computefeature.m``, ``estimateaggdparam.m``), as BasicSR's
``basicsr/metrics/niqe.py`` re-implements it (BasicSR reports 5.7296 for its baboon test
image against MATLAB's 5.72957338):

* input: the luma (MATLAB ``rgb2ycbcr`` Y, offset 16) of an RGB image on the [0, 255] scale,
  **rounded** to integers; cropped to a whole number of 96 x 96 blocks;
* two scales (full, then MATLAB ``imresize(im, 0.5)``: bicubic with antialiasing);
* per scale, MSCN coefficients ``(I - mu) / (sigma + 1)`` with the 7 x 7 Gaussian window of
  the pristine model, ``'replicate'`` borders; per block (96 / scale pixels, no overlap) 18
  features: the GGD fit (shape, spread) and, for the four neighbour products (circular shifts
  by (0, 1), (1, 0), (1, 1), (1, -1) within the block), the AGGD fit (shape, mean, left and
  right spread). Shapes are found on the grid 0.2:0.001:10 as in MATLAB;
* a Gaussian fitted to the 36-D block features (NaN rows dropped for the covariance) is
  compared with the pristine model: ``sqrt((mu_p - mu)^T pinv((S_p + S) / 2) (mu_p - mu))``.

Lower is better (a natural, undistorted image). The pristine parameters (``mu_pris_param``
(1, 36), ``cov_pris_param`` (36, 36), ``gaussian_window`` (7, 7)) ship in
``niqe_pris_params.npz`` next to this file: the values of the official ``modelparameters.mat``
as redistributed by BasicSR 1.4.2 (Apache-2.0); see ``docs/metrics.md`` for the licence note.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import cv2
import numpy as np

PRISTINE_PARAMS_FILE = Path(__file__).with_name("niqe_pris_params.npz")
BLOCK = 96
_SHIFTS = ((0, 1), (1, 0), (1, 1), (1, -1))
_gamma = np.vectorize(math.gamma, otypes=[np.float64])
_ALPHAS = np.arange(0.2, 10.001, 0.001)
_R_ALPHAS = _gamma(2 / _ALPHAS) ** 2 / (_gamma(1 / _ALPHAS) * _gamma(3 / _ALPHAS))


@functools.lru_cache(maxsize=1)
def pristine_params() -> dict[str, np.ndarray]:
    """The shipped pristine model: ``mu`` (36,), ``cov`` (36, 36), ``window`` (7, 7)."""
    if not PRISTINE_PARAMS_FILE.is_file():
        raise FileNotFoundError(
            f"NIQE pristine parameters '{PRISTINE_PARAMS_FILE}' are missing from the package; "
            f"reinstall restorekit (the .npz is package data)."
        )
    with np.load(PRISTINE_PARAMS_FILE) as data:
        return {
            "mu": data["mu_pris_param"].reshape(-1).astype(np.float64),
            "cov": data["cov_pris_param"].astype(np.float64),
            "window": data["gaussian_window"].astype(np.float64),
        }


def _cubic(x: np.ndarray) -> np.ndarray:
    """Keys' cubic kernel with a = -0.5 (MATLAB ``imresize``'s ``cubic``)."""
    ax = np.abs(x)
    ax2, ax3 = ax * ax, ax * ax * ax
    return (1.5 * ax3 - 2.5 * ax2 + 1) * (ax <= 1) + (
        -0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2
    ) * ((ax > 1) & (ax <= 2))


def imresize_matrix(in_len: int, scale: float) -> np.ndarray:
    """(out_len, in_len) matrix of MATLAB ``imresize`` bicubic weights along one axis.

    Antialiasing for ``scale < 1`` widens the kernel by ``1 / scale``; out-of-range taps are
    mirrored (``symmetric`` indices, MATLAB's ``[1:n, n:-1:1]``) and rows sum to 1.
    """
    out_len = math.ceil(in_len * scale)
    width = 4.0 / scale if scale < 1 else 4.0
    x = np.arange(1, out_len + 1, dtype=np.float64)
    u = x / scale + 0.5 * (1 - 1 / scale)
    left = np.floor(u - width / 2)
    taps = math.ceil(width) + 2
    idx = left[:, None] + np.arange(taps)[None, :]  # 1-based
    dist = u[:, None] - idx
    weights = scale * _cubic(scale * dist) if scale < 1 else _cubic(dist)
    weights /= weights.sum(axis=1, keepdims=True)
    mirror = np.concatenate([np.arange(in_len), np.arange(in_len)[::-1]])
    src = mirror[np.mod(idx.astype(np.int64) - 1, 2 * in_len)]
    mat = np.zeros((out_len, in_len))
    np.add.at(mat, (np.repeat(np.arange(out_len), taps), src.ravel()), weights.ravel())
    return mat


def imresize_half(img: np.ndarray) -> np.ndarray:
    """MATLAB ``imresize(img, 0.5)`` (bicubic, antialiased) of a 2-D float64 array."""
    return imresize_matrix(img.shape[0], 0.5) @ img @ imresize_matrix(img.shape[1], 0.5).T


def aggd_fit(x: np.ndarray) -> tuple[float, float, float]:
    """Asymmetric generalised Gaussian fit (shape ``alpha``, left / right spreads) by moment
    matching on MATLAB's grid of shapes (``estimateaggdparam.m``).

    A block without negative (or positive) values has an undefined ratio; MATLAB's ``min``
    over an all-NaN vector then returns index 1, i.e. ``alpha = 0.2``; the missing side's
    spread is NaN (the block's row is later dropped from the covariance). The same here.
    """
    x = x.ravel()
    left = math.sqrt(np.mean(x[x < 0] ** 2)) if np.any(x < 0) else float("nan")
    right = math.sqrt(np.mean(x[x > 0] ** 2)) if np.any(x > 0) else float("nan")
    g = left / right
    r_hat = np.mean(np.abs(x)) ** 2 / np.mean(x * x)
    r_norm = r_hat * (g**3 + 1) * (g + 1) / (g**2 + 1) ** 2
    if np.isfinite(r_norm):
        alpha = float(_ALPHAS[np.argmin((_R_ALPHAS - r_norm) ** 2)])
    else:
        alpha = float(_ALPHAS[0])
    factor = math.sqrt(_gamma(1 / alpha) / _gamma(3 / alpha))
    return alpha, left * factor, right * factor


def block_features(block: np.ndarray) -> list[float]:
    """The 18 NIQE features of one block of MSCN coefficients."""
    alpha, bl, br = aggd_fit(block)
    feats = [alpha, (bl + br) / 2]
    for shift in _SHIFTS:
        alpha, bl, br = aggd_fit(block * np.roll(block, shift, axis=(0, 1)))
        mean = (br - bl) * _gamma(2 / alpha) / _gamma(1 / alpha)
        feats += [alpha, mean, bl, br]
    return feats


def niqe_luma(y: np.ndarray, block: int = BLOCK) -> float:
    """NIQE of a 2-D luma / gray image on the [0, 255] scale (not rounded here).

    Raises:
        ValueError: fewer than 2 blocks of ``block`` x ``block`` pixels, or fewer than 2
            textured blocks (NIQE fits a 36-D Gaussian to the block features; images of
            several blocks per side give stable values).
    """
    params = pristine_params()
    h, w = y.shape
    nh, nw = h // block, w // block
    if nh * nw < 2:
        raise ValueError(
            f"NIQE needs at least 2 blocks of {block}x{block} pixels, got a {h}x{w} image."
        )
    img = np.asarray(y, np.float64)[: nh * block, : nw * block]
    per_scale = []
    for scale in (1, 2):
        mu = cv2.filter2D(img, cv2.CV_64F, params["window"], borderType=cv2.BORDER_REPLICATE)
        var = cv2.filter2D(img * img, cv2.CV_64F, params["window"],
                           borderType=cv2.BORDER_REPLICATE) - mu * mu
        mscn = (img - mu) / (np.sqrt(np.abs(var)) + 1)
        b = block // scale
        per_scale.append(np.array([
            block_features(mscn[i * b:(i + 1) * b, j * b:(j + 1) * b])
            for j in range(nw) for i in range(nh)
        ]))
        if scale == 1:
            img = imresize_half(img / 255.0) * 255.0
    feats = np.concatenate(per_scale, axis=1)
    valid = feats[~np.isnan(feats).any(axis=1)]
    if len(valid) < 2:
        raise ValueError(
            f"NIQE is undefined for this {h}x{w} image: fewer than 2 of its {len(feats)} blocks "
            f"have texture (flat blocks give no MSCN statistics)."
        )
    mu_d = np.nanmean(feats, axis=0)
    cov_d = np.cov(valid, rowvar=False)
    diff = params["mu"] - mu_d
    return float(np.sqrt(diff @ np.linalg.pinv((params["cov"] + cov_d) / 2) @ diff))


__all__ = [
    "BLOCK",
    "PRISTINE_PARAMS_FILE",
    "aggd_fit",
    "block_features",
    "imresize_half",
    "imresize_matrix",
    "niqe_luma",
    "pristine_params",
]
