"""Tests for restorekit.blur.trajectory (Boracchi & Foi / DeblurGAN v1 trajectories)."""

import numpy as np
import pytest

from restorekit.blur import (
    Trajectory,
    random_trajectory,
    random_trajectory_kernel,
    trajectory_psfs,
    trajectory_to_psf,
)


def test_trajectory_shape_length_and_canvas():
    traj = random_trajectory(np.random.default_rng(0), canvas=64, iters=500, max_len=60, expl=0.005)
    assert isinstance(traj, Trajectory)
    assert traj.x.shape == (500,) and np.iscomplexobj(traj.x)
    assert traj.length == pytest.approx(60.0, rel=1e-6)  # constant step length
    steps = np.abs(np.diff(traj.x))
    assert np.allclose(steps, 60.0 / 499)
    # start on a pixel centre, bounding box centred on the canvas up to one pixel
    assert traj.x[0].real == round(traj.x[0].real) and traj.x[0].imag == round(traj.x[0].imag)
    assert abs(traj.x.real.min() + traj.x.real.max() - 63.0) <= 1.0
    assert abs(traj.x.imag.min() + traj.x.imag.max() - 63.0) <= 1.0
    assert set(traj.params) == {"expl", "centripetal", "prob_big_shake", "gaussian_shake",
                                "init_angle"}


def test_trajectory_default_expl_and_mass_centre():
    traj = random_trajectory(np.random.default_rng(1), canvas=32, iters=300, max_len=20,
                             center="mass")
    assert 0 <= traj.params["expl"] <= 0.1
    assert traj.x.mean() == pytest.approx(complex(15.5, 15.5))


@pytest.mark.parametrize("fraction", [0.01, 0.1, 0.5, 1.0])
def test_psf_sums_to_one_non_negative(fraction):
    traj = random_trajectory(np.random.default_rng(2), canvas=64, iters=2000, max_len=60)
    psf = trajectory_to_psf(traj, fraction=fraction)
    assert psf.shape == (64, 64) and psf.dtype == np.float32
    assert psf.min() >= 0
    assert psf.sum() == pytest.approx(1.0, abs=1e-5)


def test_exposure_fractions_grow_support():
    traj = random_trajectory(np.random.default_rng(3), canvas=64, iters=2000, max_len=60,
                             expl=0.005)
    psfs = trajectory_psfs(traj)
    support = [int((p > 0).sum()) for p in psfs]
    assert len(psfs) == 4
    assert support == sorted(support) and support[0] < support[-1]


def test_bilinear_splat_of_subpixel_point():
    psf = trajectory_to_psf(np.array([1.25 + 2.5j]), size=4)
    expected = np.zeros((4, 4))
    expected[2, 1], expected[2, 2], expected[3, 1], expected[3, 2] = 0.375, 0.125, 0.375, 0.125
    np.testing.assert_allclose(psf, expected, atol=1e-7)


def test_kernel_seeded_determinism_and_seed_difference():
    a = random_trajectory_kernel(np.random.default_rng(7), size=17, expl=0.005)
    b = random_trajectory_kernel(np.random.default_rng(7), size=17, expl=0.005)
    c = random_trajectory_kernel(np.random.default_rng(8), size=17, expl=0.005)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.shape == (17, 17) and a.dtype == np.float32
    assert a.sum() == pytest.approx(1.0, abs=1e-5) and a.min() >= 0


def test_kernel_mass_centred():
    k = random_trajectory_kernel(np.random.default_rng(5), size=21, fraction=0.5).astype(float)
    rows, cols = np.indices(k.shape)
    assert (k * rows).sum() == pytest.approx(10.0, abs=0.2)
    assert (k * cols).sum() == pytest.approx(10.0, abs=0.2)


def test_errors():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="fraction"):
        random_trajectory_kernel(rng, 9, fraction=0.0)
    with pytest.raises(ValueError, match="center"):
        random_trajectory(rng, center="middle")
    with pytest.raises(ValueError, match="does not touch"):
        trajectory_to_psf(np.array([100 + 100j]), size=8)
    with pytest.raises(ValueError, match="size is required"):
        trajectory_to_psf(np.array([1 + 1j]))
