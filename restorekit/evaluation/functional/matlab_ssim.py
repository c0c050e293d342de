"""MATLAB's ``ssim`` (R2017a and later) on an RGB image: one 3-D volume, not three 2-D images.

The GoPro / HIDE numbers of Restormer, MPRNet, MIMO-UNet ... come from
``ssim(deblurred, gt)`` in MATLAB on uint8 RGB arrays
(``swz30/Restormer: Motion_Deblurring/evaluate_gopro_hide.m``). MATLAB's ``ssim.m``:

* ``radius = 1.5``; the filter half-width is ``ceil(3 * 1.5) = 5``, so the window is
  11 x 11 for 2-D inputs and **11 x 11 x 11 for an (H, W, 3) array**, built as
  ``exp(-(x^2 + y^2 + z^2) / (2 * 1.5^2))`` on ``ndgrid(-5:5)^3`` and normalised to sum 1
  (the ``< eps * max`` cut-off removes nothing at this size). The kernel is separable: the
  product of three normalised 1-D Gaussians;
* the five local statistics are ``imfilter(..., 'conv', 'replicate')``: **replicate
  padding** on all three axes (the channel axis too: the 5 neighbours beyond R are R, beyond
  B are B), and the SSIM map keeps the full H x W x 3 size (no "valid" crop);
* ``C1 = (0.01 L)^2``, ``C2 = (0.03 L)^2`` with ``L = 255`` for uint8 (the
  ``C3 = C2 / 2`` special case gives Wang et al.'s Eq. 13);
* the value is ``mean(ssimmap(:))`` over H x W x 3.

So it differs from the BasicSR / mmagic SSIM (:func:`restorekit.evaluation.metrics.ssim`:
2-D 11 x 11 window per channel, valid region only, mean over channels) in both the kernel
and the border handling; on GoPro it is higher (NAFNet: 0.9668 vs 0.9479, see
``docs/metrics.md``).
"""

from __future__ import annotations

import cv2
import numpy as np

RADIUS = 1.5  # MATLAB's default 'Radius' (Gaussian sigma)
HALF_WIDTH = int(np.ceil(3 * RADIUS))  # 5 -> an 11-tap window per axis


def gaussian_taps(sigma: float = RADIUS, half_width: int = HALF_WIDTH) -> np.ndarray:
    """Normalised 1-D Gaussian of ``2 * half_width + 1`` taps (float64)."""
    x = np.arange(-half_width, half_width + 1, dtype=np.float64)
    taps = np.exp(-(x * x) / (2.0 * sigma * sigma))
    return taps / taps.sum()


def filter_replicate_3d(vol: np.ndarray, taps: np.ndarray) -> np.ndarray:
    """Separable 3-D filtering of an (H, W, C) float64 volume with replicate borders.

    Equals MATLAB ``imfilter(vol, g3, 'conv', 'replicate')`` for the symmetric separable
    kernel ``g3 = taps (x) taps (x) taps``: OpenCV's ``BORDER_REPLICATE`` in H and W,
    edge-clamped indices along C.
    """
    r = len(taps) // 2
    spatial = np.stack(
        [
            cv2.sepFilter2D(np.ascontiguousarray(vol[..., c]), cv2.CV_64F, taps, taps,
                            borderType=cv2.BORDER_REPLICATE)
            for c in range(vol.shape[2])
        ],
        axis=2,
    )
    channels = vol.shape[2]
    out = np.zeros_like(spatial)
    for offset in range(-r, r + 1):
        index = np.clip(np.arange(channels) + offset, 0, channels - 1)
        out += taps[offset + r] * spatial[..., index]
    return out


def ssim_matlab(a: np.ndarray, b: np.ndarray, data_range: float = 255.0) -> float:
    """MATLAB ``ssim(a, b)`` of two same-shape float arrays (H, W) or (H, W, C).

    Args:
        a: image (H, W) or (H, W, C), white at ``data_range``; C = 3 is filtered as a 3-D
            volume (MATLAB's behaviour for any 3-D array), C = 1 as a 2-D image.
        b: reference image of the same shape.
        data_range: MATLAB's ``DynamicRange`` (255 for uint8 inputs).

    Returns:
        The mean of the full-size SSIM map (float64); 1.0 for identical images.
    """
    if a.shape != b.shape:
        raise ValueError(f"ssim_matlab: shapes differ, {a.shape} and {b.shape}.")
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    if a.ndim == 3 and a.shape[2] == 1:
        a, b = a[..., 0], b[..., 0]
    taps = gaussian_taps()
    if a.ndim == 2:
        def filt(x: np.ndarray) -> np.ndarray:
            return cv2.sepFilter2D(x, cv2.CV_64F, taps, taps, borderType=cv2.BORDER_REPLICATE)
    elif a.ndim == 3:
        def filt(x: np.ndarray) -> np.ndarray:
            return filter_replicate_3d(x, taps)
    else:
        raise ValueError(f"ssim_matlab expects (H, W) or (H, W, C) arrays, got {a.shape}.")
    c1 = (0.01 * data_range) ** 2
    c2 = (0.03 * data_range) ** 2
    mu_a, mu_b = filt(a), filt(b)
    mu_ab = mu_a * mu_b
    mu_a2, mu_b2 = mu_a * mu_a, mu_b * mu_b
    var_a = filt(a * a) - mu_a2
    var_b = filt(b * b) - mu_b2
    cov = filt(a * b) - mu_ab
    ssim_map = ((2 * mu_ab + c1) * (2 * cov + c2)) / ((mu_a2 + mu_b2 + c1) * (var_a + var_b + c2))
    return float(ssim_map.mean())


__all__ = ["HALF_WIDTH", "RADIUS", "filter_replicate_3d", "gaussian_taps", "ssim_matlab"]
