"""Tests for the SyntheticMotionBlur transform."""

import numpy as np
import pytest
import skimage.data

from restorekit.datasets.transforms.synthetic_blur import SyntheticMotionBlur
from restorekit.registry import TRANSFORMS


@pytest.fixture(scope="module")
def sharp():
    return np.ascontiguousarray(skimage.data.coffee()[100:228, 200:328])  # 128x128x3 uint8


def _psnr(a, b):
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return 10 * np.log10(255.0**2 / mse)


@pytest.mark.parametrize("kernel_type", ["trajectory", "levi"])
def test_builds_from_config_and_blurs(sharp, kernel_type):
    t = TRANSFORMS.build(dict(type="SyntheticMotionBlur", kernel_type=kernel_type,
                              kernel_size=(15, 21), exposure_fractions=(1.0,), seed=0,
                              keep_kernel=True))
    assert isinstance(t, SyntheticMotionBlur)
    results = t(dict(gt=sharp.copy(), key="a"))
    out = results["img"]
    assert out.shape == sharp.shape and out.dtype == np.uint8
    np.testing.assert_array_equal(results["gt"], sharp)  # the sharp image is untouched
    assert _psnr(out, sharp) < 35
    k = results["blur_kernel"]
    assert k.shape[0] in range(15, 22, 2) and k.sum() == pytest.approx(1.0, abs=1e-5)


def test_int_seed_is_deterministic_per_sample(sharp):
    cfg = dict(type="SyntheticMotionBlur", seed=123, jpeg_quality=(50, 90), gamma=2.2)
    a = TRANSFORMS.build(cfg)(dict(gt=sharp, key="img_001"))["img"]
    b = TRANSFORMS.build(cfg)(dict(gt=sharp, key="img_001"))["img"]
    c = TRANSFORMS.build(cfg)(dict(gt=sharp, key="img_002"))["img"]
    d = TRANSFORMS.build({**cfg, "seed": 124})(dict(gt=sharp, key="img_001"))["img"]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert not np.array_equal(a, d)
    # sample_idx works as an id too
    e = TRANSFORMS.build(cfg)(dict(gt=sharp, sample_idx=3))["img"]
    f = TRANSFORMS.build(cfg)(dict(gt=sharp, sample_idx=3))["img"]
    np.testing.assert_array_equal(e, f)


def test_no_seed_uses_global_rng(sharp):
    t = SyntheticMotionBlur(seed=None)
    np.random.seed(5)
    a = t(dict(gt=sharp))["img"]
    b = t(dict(gt=sharp))["img"]
    np.random.seed(5)
    c = t(dict(gt=sharp))["img"]
    assert not np.array_equal(a, b)  # differs call to call (epoch to epoch)
    np.testing.assert_array_equal(a, c)  # but follows numpy's global seed


def test_custom_keys_noise_only_and_jpeg(sharp):
    t = SyntheticMotionBlur(kernel_size=1, noise_sigma=0.0, jpeg_quality=None, seed=0,
                            gt_key="sharp", img_key="blurred")
    out = t(dict(sharp=sharp, key="x"))
    np.testing.assert_array_equal(out["blurred"], sharp)  # 1x1 kernel, no noise: identity
    j = SyntheticMotionBlur(kernel_size=1, noise_sigma=0.0, jpeg_quality=30, seed=0)
    assert not np.array_equal(j(dict(gt=sharp, key="x"))["img"], sharp)


def test_errors(sharp):
    with pytest.raises(ValueError, match="kernel_type"):
        SyntheticMotionBlur(kernel_type="gaussian")
    with pytest.raises(ValueError, match="odd"):
        SyntheticMotionBlur(kernel_size=(10, 10))
    with pytest.raises(ValueError, match="intensity"):
        SyntheticMotionBlur(intensity=(0.0, 2.0))
    with pytest.raises(ValueError, match="jpeg_quality"):
        SyntheticMotionBlur(jpeg_quality=(0, 90))
    with pytest.raises(KeyError, match="gt"):
        SyntheticMotionBlur()(dict(img=sharp))
    with pytest.raises(KeyError, match="sample_idx"):
        SyntheticMotionBlur(seed=1)(dict(gt=sharp))
    with pytest.raises(TypeError, match="uint8"):
        SyntheticMotionBlur()(dict(gt=sharp.astype(np.float32)))
    assert "kernel_type='trajectory'" in repr(SyntheticMotionBlur())
