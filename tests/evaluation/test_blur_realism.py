"""Blur-realism diagnostics: mean ratio, band-energy profile, edge width, registered metrics."""

import cv2
import numpy as np
import pytest
import torch

from restorekit.evaluation.functional.blur_realism import (
    DEFAULT_BANDS,
    band_energies,
    band_profile,
    edge_width,
    mean_intensity,
    profile_log_distance,
)
from restorekit.registry import METRICS


@pytest.fixture(scope="module")
def sharp():
    """A 128 x 128 RGB scene of random rectangles plus mild texture, values in [0.05, 0.75]."""
    rng = np.random.default_rng(0)
    img = np.full((128, 128, 3), 0.3)
    for _ in range(25):
        y, x = rng.integers(0, 110, 2)
        s = rng.integers(8, 40)
        img[y:y + s, x:x + s] = rng.uniform(0.05, 0.7, 3)
    img += 0.02 * cv2.GaussianBlur(rng.standard_normal((128, 128, 3)), (0, 0), 1.0)
    return np.clip(img, 0.05, 0.75)


def _blur(img, sigma):
    return cv2.GaussianBlur(img, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)


def test_identity_gives_profile_one_and_ratio_one(sharp):
    assert mean_intensity(sharp) / mean_intensity(sharp) == 1.0
    np.testing.assert_allclose(band_profile(sharp, sharp), 1.0, rtol=1e-12)
    assert profile_log_distance(band_profile(sharp, sharp), np.ones(6)) == (0.0, 0.0)
    assert len(band_energies(sharp)) == len(DEFAULT_BANDS) - 1 == 6


def test_gaussian_blur_falls_with_frequency_and_widens_edges(sharp):
    w0 = edge_width(sharp)
    widths = [w0]
    for sigma in (1.0, 2.0, 3.0):
        blurred = _blur(sharp, sigma)
        profile = band_profile(blurred, sharp)
        assert np.all(np.diff(profile) < 0), (sigma, profile)  # strictly falling
        assert profile[0] > 0.7 and profile[-1] < 0.05, (sigma, profile)
        widths.append(edge_width(blurred))
        # blind estimate tracks the Gaussian's 10-90 % step width 2.563 sigma
        assert widths[-1] == pytest.approx(2.563 * sigma, rel=0.25), (sigma, widths)
    assert w0 < 1.6 and np.all(np.diff(widths) > 0.8), widths
    assert mean_intensity(_blur(sharp, 2.0)) / mean_intensity(sharp) == pytest.approx(1, abs=2e-3)


def test_pure_gain_moves_only_the_mean_ratio(sharp):
    bright = sharp * 1.3  # <= 0.975: no clipping
    assert mean_intensity(bright) / mean_intensity(sharp) == pytest.approx(1.3, rel=1e-9)
    np.testing.assert_allclose(band_profile(bright, sharp), 1.0, rtol=1e-9)
    assert edge_width(bright) == pytest.approx(edge_width(sharp), abs=1e-4)
    blurred = _blur(sharp, 1.5)
    np.testing.assert_allclose(band_profile(1.3 * blurred, sharp), band_profile(blurred, sharp),
                               rtol=1e-9)
    assert edge_width(1.3 * blurred) == pytest.approx(edge_width(blurred), abs=1e-4)


def test_profile_log_distance_and_errors(sharp):
    assert profile_log_distance(np.array([1.0, 0.5]), np.array([1.0, 1.0])) == (1.0, 0.5)
    with pytest.raises(ValueError, match="increasing"):
        band_energies(sharp, (0.0, 0.2, 0.1))
    with pytest.raises(ValueError, match="16 x 16"):
        band_energies(sharp[:8, :8])
    assert np.isnan(edge_width(np.full((64, 64), 0.5)))


def _samples(sharp, pred_fn, ref_fn=None):
    out = []
    for k in range(2):
        s = torch.from_numpy(np.roll(sharp, 17 * k, axis=1).transpose(2, 0, 1).copy()).float()
        sample = {"input_img": s, "pred_img": pred_fn(s)}
        if ref_fn is not None:
            sample["gt_img"] = ref_fn(s)
        out.append(sample)
    return out


def _torch_blur(t, sigma):
    arr = _blur(t.numpy().transpose(1, 2, 0).astype(np.float64), sigma)
    return torch.from_numpy(arr.transpose(2, 0, 1).copy()).float()


def _evaluate(cfg, samples):
    metric = METRICS.build(cfg)
    metric.process({}, samples)
    return metric.compute_metrics(metric.results)


def test_registered_metrics_report_generated_reference_and_distance(sharp):
    # a BGAN that brightens (x 1.3) versus a real blur that blurs (sigma 2)
    samples = _samples(sharp, lambda s: s * 1.3, lambda s: _torch_blur(s, 2.0))
    mean = _evaluate(dict(type="MeanIntensityRatio"), samples)
    assert mean["MeanRatio"] == pytest.approx(1.3, rel=1e-5)
    assert mean["RefMeanRatio"] == pytest.approx(1.0, abs=3e-3)
    assert mean["MeanRatioVsRef"] == pytest.approx(1.3, rel=5e-3)
    band = _evaluate(dict(type="BandEnergyProfile"), samples)
    assert all(band[f"BandRatio_{i}"] == pytest.approx(1.0, rel=1e-4) for i in range(6))
    assert band["RefBandRatio_5"] < 0.01 and band["BandLogDist_max"] > 6
    assert band["BandLogDist_mean"] > 2
    edge = _evaluate(dict(type="EdgeWidth"), samples)
    assert edge["EdgeWidth"] == pytest.approx(edge["InputEdgeWidth"], abs=1e-3)
    assert edge["RefEdgeWidth"] > 3 * edge["InputEdgeWidth"] and edge["EdgeWidthRatio"] < 0.4
    # a generator that blurs like the reference scores ~ perfect
    same = _samples(sharp, lambda s: _torch_blur(s, 2.0), lambda s: _torch_blur(s, 2.0))
    band = _evaluate(dict(type="BandEnergyProfile", bands=(0, 0.1, 0.25, 0.5)), same)
    assert band["BandLogDist_max"] < 1e-5 and "BandRatio_3" not in band
    assert _evaluate(dict(type="EdgeWidth"), same)["EdgeWidthRatio"] == pytest.approx(1.0)


def test_metrics_without_reference_report_generated_only(sharp):
    samples = _samples(sharp, lambda s: _torch_blur(s, 1.0))
    assert set(_evaluate(dict(type="MeanIntensityRatio"), samples)) == {"MeanRatio"}
    assert "BandLogDist_max" not in _evaluate(dict(type="BandEnergyProfile"), samples)
    edge = _evaluate(dict(type="EdgeWidth", quantile=0.9, radius=8.0, ref_key=None), samples)
    assert set(edge) == {"EdgeWidth", "InputEdgeWidth"}
    with pytest.raises(KeyError, match="input_img"):
        _evaluate(dict(type="MeanIntensityRatio"), [{"pred_img": samples[0]["pred_img"]}])
