"""The official RealBlur evaluation: intensity scaling, ECC alignment, masked PSNR / SSIM.

Reference: ``rimchang/RealBlur`` evaluation (Rim et al., ECCV 2020), reused verbatim by
Restormer (``swz30/Restormer: Motion_Deblurring/evaluate_realblur.py``), MPRNet, Uformer ...
RealBlur's ground truth is captured by a second camera, so the restored image and the GT are
not pixel-aligned. Per image, on float32 RGB in [0, 1] read from 8-bit PNGs:

1. **intensity scaling first**: ``zs = (sum(x z) / sum(z z)) z`` (least-squares gain of the
   *unaligned* prediction ``z`` onto the GT ``x``; "based on Koehler's evaluation code");
2. **then alignment**: ``cv2.findTransformECC(gray(x), gray(zs), I, MOTION_HOMOGRAPHY,
   (EPS | COUNT, 100, 0), None, gaussFiltSize=5)``; ``zs`` is warped onto the GT with
   ``warpPerspective(INTER_CUBIC + WARP_INVERSE_MAP, BORDER_REFLECT)`` and the valid mask
   ``cr`` is the warp of ones (``INTER_NEAREST``, constant 0 border); both images are
   multiplied by ``cr``;
3. PSNR = ``10 log10(1 / (sum((x - zr)^2) / sum(cr)))`` (``cr`` has 3 channels, so the sum
   counts every masked value);
4. SSIM = skimage ``structural_similarity(channel_axis=-1, gaussian_weights=True,
   use_sample_covariance=False, data_range=1, full=True)``; the map is multiplied by ``cr``,
   cropped by 5 pixels per side, summed per channel and divided by the cropped mask's sum,
   then averaged over channels.

The scaling happens **before** the alignment (on unaligned images), so it is a property of
the protocol, not of an aligned comparison; :func:`realblur_align` keeps that order.
"""

from __future__ import annotations

import cv2
import numpy as np

MOTIONS = {
    "translation": cv2.MOTION_TRANSLATION,
    "euclidean": cv2.MOTION_EUCLIDEAN,
    "affine": cv2.MOTION_AFFINE,
    "homography": cv2.MOTION_HOMOGRAPHY,
}
_SSIM_PAD = int(3.5 * 1.5 + 0.5)  # skimage's Gaussian window radius (truncate 3.5, sigma 1.5)


class AlignmentError(ValueError):
    """``cv2.findTransformECC`` did not converge for an image pair."""


def realblur_align(
    pred: np.ndarray,
    gt: np.ndarray,
    motion: str = "homography",
    iterations: int = 100,
    gauss_filt_size: int = 5,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """Scale ``pred``'s intensity onto ``gt``, then ECC-align it (RealBlur's ``image_align``).

    Args:
        pred: float32 (H, W, 3) RGB in [0, 1] (the deblurred image, ``z``).
        gt: float32 (H, W, 3) RGB in [0, 1] (the reference, ``x``).
        motion: ECC motion model; ``'homography'`` is the official one.
        iterations: ECC iterations (official: 100, with ``eps = 0``).
        gauss_filt_size: ECC's Gaussian pre-filter size (official: 5).

    Returns:
        ``(aligned_pred, masked_gt, mask, warp, scale)``: the scaled, warped and masked
        prediction (H, W, 3) float32, the GT times the mask, the 0/1 float32 mask (H, W, 3),
        the warp matrix (3 x 3 for homography, else 2 x 3, maps GT to prediction
        coordinates), and the intensity gain applied before the alignment.

    Raises:
        AlignmentError: ECC failed (e.g. uncorrelated images); names the motion model.
    """
    if motion not in MOTIONS:
        raise ValueError(f"motion must be one of {sorted(MOTIONS)}, got {motion!r}.")
    z = np.asarray(pred, np.float32)
    x = np.asarray(gt, np.float32)
    if z.shape != x.shape or z.ndim != 3 or z.shape[2] != 3:
        raise ValueError(f"realblur_align expects two (H, W, 3) arrays, got {z.shape}, {x.shape}.")
    scale = float(np.sum(x * z) / np.sum(z * z))
    zs = (scale * z).astype(np.float32)
    homography = motion == "homography"
    warp = np.eye(3, 3, dtype=np.float32) if homography else np.eye(2, 3, dtype=np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, iterations, 0)
    try:
        _, warp = cv2.findTransformECC(
            cv2.cvtColor(x, cv2.COLOR_RGB2GRAY), cv2.cvtColor(zs, cv2.COLOR_RGB2GRAY),
            warp, MOTIONS[motion], criteria, None, gauss_filt_size,
        )
    except cv2.error as err:
        raise AlignmentError(
            f"RealBlur alignment (ECC, motion={motion!r}) failed: {str(err).strip()[-160:]}. "
            f"The prediction may be unrelated to the ground truth (e.g. random weights)."
        ) from err
    h, w = x.shape[:2]
    warp_fn = cv2.warpPerspective if homography else cv2.warpAffine
    zr = warp_fn(zs, warp, (w, h), flags=cv2.INTER_CUBIC + cv2.WARP_INVERSE_MAP,
                 borderMode=cv2.BORDER_REFLECT)
    cr = warp_fn(np.ones_like(zs, dtype=np.float32), warp, (w, h),
                 flags=cv2.INTER_NEAREST + cv2.WARP_INVERSE_MAP,
                 borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return zr * cr, x * cr, cr, warp, scale


def masked_psnr(gt: np.ndarray, pred: np.ndarray, mask: np.ndarray) -> float:
    """RealBlur's PSNR (data range 1): squared error summed over the image / ``sum(mask)``."""
    err = np.sum((gt - pred) ** 2, dtype=np.float64) / np.sum(mask, dtype=np.float64)
    return float(10.0 * np.log10(1.0 / err)) if err > 0 else float("inf")


def masked_ssim(gt: np.ndarray, pred: np.ndarray, mask: np.ndarray) -> float:
    """RealBlur's SSIM: skimage's Gaussian SSIM map, masked, 5-px border dropped, per channel
    sum / mask sum, mean over channels. Images (H, W, 3) in [0, 1]."""
    from skimage.metrics import structural_similarity

    _, ssim_map = structural_similarity(
        gt, pred, channel_axis=-1, gaussian_weights=True, use_sample_covariance=False,
        data_range=1.0, full=True,
    )
    p = _SSIM_PAD
    ssim_map = (ssim_map * mask)[p:-p, p:-p, :]
    crop_mask = mask[p:-p, p:-p, :]
    return float(np.mean(ssim_map.sum(axis=(0, 1)) / crop_mask.sum(axis=(0, 1))))


def realblur_psnr_ssim(
    pred: np.ndarray, gt: np.ndarray, motion: str = "homography"
) -> tuple[float, float]:
    """(PSNR, SSIM) of one pair under the RealBlur protocol (see the module docstring).

    Args:
        pred / gt: float (H, W, 3) RGB in [0, 1]; the official script reads both from 8-bit
            PNGs, so quantise a float prediction first to reproduce it.
        motion: ECC motion model (official: ``'homography'``).
    """
    aligned, gt_masked, mask, _, _ = realblur_align(pred, gt, motion)
    return masked_psnr(gt_masked, aligned, mask), masked_ssim(gt_masked, aligned, mask)


__all__ = [
    "MOTIONS",
    "AlignmentError",
    "masked_psnr",
    "masked_ssim",
    "realblur_align",
    "realblur_psnr_ssim",
]
