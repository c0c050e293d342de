"""Tests for restorekit.blur.apply (blur, noise, gamma/CRF, JPEG)."""

import numpy as np
import pytest
import skimage.data

from restorekit.blur import (
    add_gaussian_noise,
    apply_gamma,
    blur_image,
    jpeg_compress,
    random_trajectory_kernel,
    simple_crf,
)


@pytest.fixture(scope="module")
def photo():
    return np.ascontiguousarray(skimage.data.astronaut()[96:288, 160:352])  # 192x192x3 uint8


def _psnr(a, b):
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return 10 * np.log10(255.0**2 / mse)


def _hf_energy(img):
    grey = img.astype(np.float64).mean(axis=2)
    return np.mean(np.diff(grey, axis=0) ** 2) + np.mean(np.diff(grey, axis=1) ** 2)


def test_delta_kernel_is_identity(photo):
    delta = np.zeros((5, 5), np.float32)
    delta[2, 2] = 1
    np.testing.assert_array_equal(blur_image(photo, delta), photo)
    f = photo.astype(np.float32) / 255
    np.testing.assert_allclose(blur_image(f, delta), f, atol=1e-6)


def test_true_convolution_direction():
    img = np.zeros((9, 9), np.float32)
    img[4, 4] = 1
    k = np.zeros((3, 3), np.float32)
    k[1, 2] = 1  # impulse response one pixel to the right of the centre
    out = blur_image(img, k)
    assert out[4, 5] == pytest.approx(1.0) and out.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float64])
@pytest.mark.parametrize("shape", [(40, 50, 3), (40, 50), (40, 50, 1), (40, 50, 6)])
def test_shape_and_dtype_preserved(shape, dtype):
    rng = np.random.default_rng(0)
    img = rng.random(shape)
    img = (img * 255).astype(np.uint8) if dtype == np.uint8 else img.astype(dtype)
    out = blur_image(img, np.ones((7, 7), np.float32) / 49)
    assert out.shape == img.shape
    assert out.dtype == (np.uint8 if dtype == np.uint8 else np.float32)


def test_blur_lowers_high_frequencies_and_psnr(photo):
    k = random_trajectory_kernel(np.random.default_rng(0), 17, max_len=17, expl=0.002)
    out = blur_image(photo, k)
    assert _hf_energy(out) < 0.5 * _hf_energy(photo)
    assert 18 < _psnr(out, photo) < 32
    # brightness preserved by the sum-1 kernel
    assert abs(out.astype(float).mean() - photo.astype(float).mean()) < 1.0


def test_bad_arguments(photo):
    with pytest.raises(ValueError, match="border"):
        blur_image(photo, np.ones((3, 3)), border="wrap")
    with pytest.raises(ValueError, match="2-D"):
        blur_image(photo, np.ones(3))
    with pytest.raises(ValueError, match="quality"):
        jpeg_compress(photo, 0)


def test_gaussian_noise_statistics_and_determinism():
    img = np.full((200, 200, 3), 0.5, np.float32)
    a = add_gaussian_noise(img, 0.02, np.random.default_rng(1))
    b = add_gaussian_noise(img, 0.02, np.random.default_rng(1))
    np.testing.assert_array_equal(a, b)
    assert a.dtype == np.float32 and np.std(a - img) == pytest.approx(0.02, rel=0.05)
    u8 = add_gaussian_noise((img * 255).astype(np.uint8), 0.0, np.random.default_rng(1))
    assert u8.dtype == np.uint8 and (u8 == 127).all()


def test_gamma_and_crf_round_trip(photo):
    f = photo.astype(np.float32) / 255
    lin = simple_crf(f, 2.2, inverse=True)
    np.testing.assert_allclose(lin, f**2.2, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(simple_crf(lin, 2.2), f, atol=1e-5)
    assert apply_gamma(photo, 1.0).dtype == np.uint8
    np.testing.assert_array_equal(apply_gamma(photo, 1.0), photo)


def test_jpeg_changes_pixels_keeps_shape(photo):
    out = jpeg_compress(photo, 20)
    assert out.shape == photo.shape and out.dtype == np.uint8
    assert not np.array_equal(out, photo)
    assert _psnr(out, photo) > 20
    assert _psnr(jpeg_compress(photo, 95), photo) > _psnr(out, photo)
    # colour order is respected: a pure red image stays red
    red = np.zeros((32, 32, 3), np.uint8)
    red[..., 0] = 200
    assert jpeg_compress(red, 90)[..., 0].mean() > 150
    assert jpeg_compress(photo.astype(np.float32) / 255, 50).dtype == np.float32
    assert jpeg_compress(photo[:, :, 0], 50).shape == photo.shape[:2]
