"""NIQE: values of BasicSR 1.4.2's implementation, MATLAB imresize, ordering, clear errors."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch
from skimage import data

from restorekit.evaluation.functional.niqe import (
    PRISTINE_PARAMS_FILE,
    aggd_fit,
    imresize_half,
    niqe_luma,
    pristine_params,
)
from restorekit.evaluation.metrics import NIQE, niqe


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    return data.astronaut()[:256, :288]  # 2 x 3 blocks of 96 x 96 (a 64-px strip is cut)


def test_pristine_model_ships_in_the_package() -> None:
    assert PRISTINE_PARAMS_FILE.is_file()
    p = pristine_params()
    assert p["mu"].shape == (36,) and p["cov"].shape == (36, 36) and p["window"].shape == (7, 7)
    assert p["window"].sum() == pytest.approx(1.0)
    np.testing.assert_allclose(p["cov"], p["cov"].T)


def test_imresize_half_matches_basicsr_matlab_imresize() -> None:
    x = (np.arange(48, dtype=np.float64).reshape(8, 6) ** 1.5) % 23
    # basicsr 1.4.2 utils/matlab_functions.imresize(x, 0.5, antialiasing=True) (float32)
    expected = [[7.7734666, 7.860154, 9.619086], [11.799658, 11.16976, 11.733849],
                [7.91975, 12.096993, 10.875381], [12.931385, 10.615573, 8.753884]]
    np.testing.assert_allclose(imresize_half(x), expected, atol=5e-6)
    assert imresize_half(np.full((10, 7), 3.0)) == pytest.approx(3.0)


def test_value_matches_basicsr_reference(photo) -> None:
    # basicsr 1.4.2 metrics/niqe.py `niqe()` on this rounded luma, with its float32 torch
    # imresize evaluated in float64 (in float32 it gives 4.56138: the AGGD shape grid search
    # flips one step on 1e-7 differences; the features are otherwise identical).
    assert niqe(photo, data_range=255) == pytest.approx(4.56525323943964, abs=1e-9)


def test_tensor_input_and_metric_class(photo) -> None:
    t = torch.from_numpy(photo.copy()).permute(2, 0, 1).float() / 255
    metric = NIQE()
    metric.process({}, [dict(pred_img=t)])
    assert metric.compute_metrics(metric.results)["NIQE"] == pytest.approx(
        niqe(photo, data_range=255), abs=1e-9)


def test_blur_and_noise_raise_niqe(photo) -> None:
    clean = niqe(photo, data_range=255)
    blur1 = niqe(cv2.GaussianBlur(photo, (0, 0), 1.0), data_range=255)
    blur2 = niqe(cv2.GaussianBlur(photo, (0, 0), 2.0), data_range=255)
    rng = np.random.default_rng(0)
    noisy = np.clip(photo + rng.normal(0, 15, photo.shape), 0, 255).astype(np.uint8)
    assert clean < blur1 < blur2
    assert clean + 2 < niqe(noisy, data_range=255)


def test_one_sided_block_takes_matlab_first_grid_shape() -> None:
    # MATLAB's min() over an all-NaN vector returns index 1 -> alpha = gam(1) = 0.2
    alpha, left, right = aggd_fit(np.abs(np.random.default_rng(0).normal(size=500)) + 0.1)
    assert alpha == pytest.approx(0.2) and np.isnan(left) and np.isfinite(right)


def test_too_small_or_flat_images_raise() -> None:
    with pytest.raises(ValueError, match="at least 2 blocks"):
        niqe_luma(np.zeros((100, 150)))
    flat = np.full((192, 192), 128.0)
    with pytest.raises(ValueError, match="fewer than 2 of its 4 blocks have texture"):
        niqe_luma(flat)
