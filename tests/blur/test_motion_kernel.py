"""Tests for restorekit.blur.motion_kernel (LeviBorodenko/motionblur-style kernels)."""

import numpy as np
import pytest

from restorekit.blur import motion_path, random_motion_kernel


@pytest.mark.parametrize("intensity", [0.0, 0.3, 1.0])
@pytest.mark.parametrize("size", [9, 21, (25, 15)])
def test_kernel_sum_one_non_negative(size, intensity):
    k = random_motion_kernel(np.random.default_rng(0), size, intensity)
    expected = (size, size) if isinstance(size, int) else (size[1], size[0])
    assert k.shape == expected and k.dtype == np.float32
    assert k.min() >= 0
    assert k.sum() == pytest.approx(1.0, abs=1e-5)
    assert (k > 0).sum() > 1  # a stroke, not a point


def test_seeded_determinism_and_seed_difference():
    a = random_motion_kernel(np.random.default_rng(11), 17, 0.5)
    b = random_motion_kernel(np.random.default_rng(11), 17, 0.5)
    c = random_motion_kernel(np.random.default_rng(12), 17, 0.5)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_zero_intensity_path_is_nearly_straight():
    # max_angle is 0; only the +0.1 rad epsilon of the triangular law bends the path
    path = motion_path(np.random.default_rng(3), (40, 40), 0.0)
    d = np.diff(path)
    angles = np.angle(d[np.abs(d) > 1e-9])
    assert np.ptp(np.unwrap(angles)) <= 0.2 + 1e-9
    assert path.mean() == pytest.approx(20 + 20j)


def test_higher_intensity_gives_longer_paths_on_average():
    rng = np.random.default_rng(4)

    def mean_len(intensity):
        return np.mean([np.abs(np.diff(motion_path(rng, (64, 64), intensity))).sum()
                        for _ in range(40)])

    assert mean_len(1.0) > mean_len(0.0)


def test_invalid_intensity():
    with pytest.raises(ValueError, match="intensity"):
        random_motion_kernel(np.random.default_rng(0), 9, 1.5)
