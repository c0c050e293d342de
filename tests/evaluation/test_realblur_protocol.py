"""RealBlur protocol: recovers a known shift / gain, and equals the official script's steps."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch
from skimage import data
from skimage.metrics import structural_similarity

from restorekit.evaluation.functional.realblur import (
    AlignmentError,
    masked_psnr,
    realblur_align,
)
from restorekit.evaluation.metrics import RealBlurPSNRSSIM


@pytest.fixture(scope="module")
def gt() -> np.ndarray:
    return _shifted(0.0, 0.0, 1.0)


def _shifted(dx: float, dy: float, gain: float, zoom: float = 1.0) -> np.ndarray:
    """A 128 x 128 crop of the astronaut seen through x' = zoom * x + d (about the crop's
    origin), times ``gain``: ``out(x') = img(x)``."""
    big = (data.astronaut() / 255.0).astype(np.float32)
    y0, x0 = 100, 120
    m = np.float32([[zoom, 0, dx - (zoom - 1) * x0], [0, zoom, dy - (zoom - 1) * y0]])
    out = cv2.warpAffine(big, m, big.shape[1::-1], flags=cv2.INTER_CUBIC)
    return np.clip(gain * out[y0:y0 + 128, x0:x0 + 128], 0, 1).astype(np.float32)


def _official(pred: np.ndarray, gt: np.ndarray) -> tuple[float, float]:
    """rimchang/RealBlur's evaluation steps, written out: scale, ECC, warp, masked metrics."""
    zs = (np.sum(gt * pred) / np.sum(pred * pred)) * pred
    crit = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 100, 0)
    _, warp = cv2.findTransformECC(cv2.cvtColor(gt, cv2.COLOR_RGB2GRAY),
                                   cv2.cvtColor(zs, cv2.COLOR_RGB2GRAY),
                                   np.eye(3, 3, dtype=np.float32), cv2.MOTION_HOMOGRAPHY,
                                   crit, None, 5)
    size = (gt.shape[1], gt.shape[0])
    zr = cv2.warpPerspective(zs, warp, size, flags=cv2.INTER_CUBIC + cv2.WARP_INVERSE_MAP,
                             borderMode=cv2.BORDER_REFLECT)
    cr = cv2.warpPerspective(np.ones_like(zs, dtype="float32"), warp, size,
                             flags=cv2.INTER_NEAREST + cv2.WARP_INVERSE_MAP,
                             borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    zr, xr = zr * cr, gt * cr
    p = 10 * np.log10(1 / (np.sum((xr - zr) ** 2, dtype=np.float64) / np.sum(cr)))
    _, smap = structural_similarity(xr, zr, channel_axis=-1, gaussian_weights=True,
                                    use_sample_covariance=False, data_range=1.0, full=True)
    smap = (smap * cr)[5:-5, 5:-5]
    s = np.mean(smap.sum(axis=(0, 1)) / cr[5:-5, 5:-5].sum(axis=(0, 1)))
    return float(p), float(s)


def test_alignment_recovers_known_shift_and_gain(gt) -> None:
    pred = _shifted(dx=2.5, dy=-1.5, gain=0.8)
    aligned, gt_masked, mask, warp, scale = realblur_align(pred, gt, "homography")
    ys, xs = np.mgrid[0:128:8, 0:128:8].astype(np.float64)
    pts = warp.astype(np.float64) @ np.stack([xs.ravel(), ys.ravel(), np.ones(xs.size)])
    disp = pts[:2] / pts[2] - np.stack([xs.ravel(), ys.ravel()])
    assert disp.mean(axis=1) == pytest.approx([2.5, -1.5], abs=0.1)
    assert np.abs(disp - [[2.5], [-1.5]]).max() < 0.5
    assert scale == pytest.approx(1 / 0.8, rel=0.05)
    assert mask[..., 0].mean() > 0.9
    before, after = masked_psnr(gt, pred, np.ones_like(gt)), masked_psnr(gt_masked, aligned, mask)
    assert before < 20 and after > 30, (before, after)


def test_translation_model_recovers_shift(gt) -> None:
    _, _, _, warp, _ = realblur_align(_shifted(3.0, 2.0, 1.0), gt, "translation")
    assert warp.shape == (2, 3)
    assert warp[:, 2] == pytest.approx([3.0, 2.0], abs=0.05)


def test_affine_model_recovers_zoom(gt) -> None:
    _, _, _, warp, _ = realblur_align(_shifted(1.0, -1.0, 1.0, zoom=1.03), gt, "affine")
    assert np.diag(warp[:, :2]) == pytest.approx([1.03, 1.03], abs=0.005)
    assert warp[:, 2] == pytest.approx([1.0, -1.0], abs=0.15)


def test_metric_equals_official_steps_with_scaling_before_alignment(gt) -> None:
    pred = _shifted(1.5, 1.0, 1.15)  # clipped highlights: a gain that is not exact
    pred8 = np.round(pred * 255) / 255
    metric = RealBlurPSNRSSIM()
    to_t = lambda a: torch.from_numpy(a).permute(2, 0, 1)  # noqa: E731
    metric.process({}, [dict(pred_img=to_t(pred8), gt_img=to_t(gt))])
    out = metric.compute_metrics(metric.results)
    ref_psnr, ref_ssim = _official(pred8.astype(np.float32), gt)
    assert out["PSNR_aligned"] == pytest.approx(ref_psnr, abs=1e-4)
    assert out["SSIM_aligned"] == pytest.approx(ref_ssim, abs=1e-5)


def test_alignment_failure_raises_or_is_counted() -> None:
    gt = np.random.default_rng(0).random((64, 64, 3)).astype(np.float32)
    pred = np.full_like(gt, 0.5)  # flat: ECC cannot converge
    with pytest.raises(AlignmentError, match="motion='homography'"):
        realblur_align(pred, gt)
    metric = RealBlurPSNRSSIM(on_align_failure="unaligned")
    to_t = lambda a: torch.from_numpy(a).permute(2, 0, 1)  # noqa: E731
    metric.process({}, [dict(pred_img=to_t(pred), gt_img=to_t(gt))])
    assert metric.compute_metrics(metric.results)["align_failures"] == 1.0
