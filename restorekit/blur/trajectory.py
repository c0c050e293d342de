"""Random camera-shake trajectories and their point-spread functions.

Reference: G. Boracchi and A. Foi, "Modeling the performance of image restoration from motion
blur", IEEE TIP 2012, as implemented in DeblurGAN v1 (``motion_blur/generate_trajectory.py``
and ``generate_PSF.py``, KupynOrest/DeblurGAN @ 2499a87). The random process is the same:

* per trajectory draw ``centripetal = 0.7 U``, ``prob_big_shake = 0.2 U``,
  ``gaussian_shake = 10 U`` and an initial direction ``360 U`` degrees;
* ``iters`` steps of constant length ``max_len / (iters - 1)``; at every step the velocity
  gets a Gaussian perturbation (``gaussian_shake``), a pull back towards the origin
  (``centripetal``) and, with probability ``prob_big_shake * expl``, an impulsive shake that
  roughly reverses it; ``expl`` (the "exposure"/anxiety level) scales all three;
* the path's start is aligned to a pixel centre and its bounding box centred (integer shift)
  on a ``canvas x canvas`` square.

The PSF is the time-integral of the camera position: every trajectory sample is splatted onto
the canvas with bilinear ("triangle") weights; an exposure fraction keeps only the first part of
the trajectory (DeblurGAN v1 uses 1/100, 1/10, 1/2 and 1 and picks 1/10, 1/2 or 1).

Deliberate differences from DeblurGAN v1:

* kernels are normalised to **sum 1** (DeblurGAN v1 min-max normalises the PSF to a peak of
  1 and then rescales the blurred image to [0, 1]). A sum-1 kernel conserves image brightness,
  so the blurred image keeps the sharp image's exposure and a (blurred, sharp) pair is
  photometrically consistent; min-max normalisation changes the brightness by an arbitrary,
  kernel-dependent factor that a deblurring network would otherwise have to learn;
* randomness comes from an explicit :class:`numpy.random.Generator` (reproducible);
* ``center='mass'`` (optional) moves the trajectory's mean position to the canvas centre so
  that the blurred image is not shifted relative to the sharp one;
* samples falling outside the canvas are dropped (DeblurGAN v1 clamps them onto the border)
  before the kernel is renormalised.

Coordinates: a trajectory is a complex array, real part = column (x), imaginary part = row (y),
in pixels, pixel ``(r, c)`` having its centre at ``c + 1j * r``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "Trajectory",
    "random_trajectory",
    "random_trajectory_kernel",
    "trajectory_psfs",
    "trajectory_to_psf",
]

#: DeblurGAN v1's exposure fractions for the four PSFs of one trajectory.
DGV1_FRACTIONS = (1 / 100, 1 / 10, 1 / 2, 1.0)


@dataclass
class Trajectory:
    """A sampled camera-shake trajectory.

    Attributes:
        x: complex128 array ``(iters,)``: camera positions in canvas pixels (real = column,
            imaginary = row).
        canvas: side of the square canvas the path is centred on, in pixels.
        length: total path length in pixels (equals ``max_len`` up to rounding).
        num_big_shakes: how many impulsive shakes happened.
        params: the random parameters drawn for this trajectory (``expl``, ``centripetal``,
            ``prob_big_shake``, ``gaussian_shake``, ``init_angle`` in degrees).
    """

    x: np.ndarray
    canvas: int
    length: float
    num_big_shakes: int
    params: dict = field(default_factory=dict)


def random_trajectory(
    rng: np.random.Generator,
    canvas: int = 64,
    iters: int = 2000,
    max_len: float = 60.0,
    expl: float | None = None,
    center: str = "box",
) -> Trajectory:
    """Sample a Boracchi & Foi camera-shake trajectory (DeblurGAN v1 parameters).

    Args:
        rng: the random generator (seed it for reproducible trajectories).
        canvas: side of the square canvas in pixels (DeblurGAN v1: 64).
        iters: number of time steps (DeblurGAN v1: 2000).
        max_len: total path length in pixels (DeblurGAN v1: 60).
        expl: exposure/shake level, >= 0; ``None`` draws ``0.1 * U(0, 1)`` as DeblurGAN v1
            does. Typical values 0.003-0.01 (nearly smooth) to 0.1 (very shaky).
        center: ``'box'`` aligns the path's start to a pixel centre and centres its bounding
            box on the canvas by an integer shift (DeblurGAN v1); ``'mass'`` puts the mean
            position exactly on the canvas centre ``((canvas - 1) / 2, (canvas - 1) / 2)``.

    Returns:
        A :class:`Trajectory` whose ``x`` has shape ``(iters,)``.
    """
    if iters < 2:
        raise ValueError(f"iters must be >= 2, got {iters}")
    if canvas < 1 or max_len <= 0:
        raise ValueError(f"canvas must be >= 1 and max_len > 0, got {canvas}, {max_len}")
    if center not in ("box", "mass"):
        raise ValueError(f"center must be 'box' or 'mass', got {center!r}")
    if expl is None:
        expl = 0.1 * rng.random()
    if expl < 0:
        raise ValueError(f"expl must be >= 0, got {expl}")
    centripetal = 0.7 * rng.random()
    prob_big_shake = 0.2 * rng.random()
    gaussian_shake = 10.0 * rng.random()
    init_angle = 360.0 * rng.random()

    step = max_len / (iters - 1)
    v0 = complex(np.cos(np.deg2rad(init_angle)), np.sin(np.deg2rad(init_angle)))
    v = v0 * expl if expl > 0 else v0 * step
    # draw every random number up front: the loop below is then plain complex arithmetic
    n = iters - 1
    shake_u = rng.random(n)
    shake_phase = rng.random(n) - 0.5
    noise = rng.standard_normal(n) + 1j * rng.standard_normal(n)

    x = np.zeros(iters, dtype=np.complex128)
    pos = 0j
    big = 0
    big_threshold = prob_big_shake * expl
    for t in range(n):
        if shake_u[t] < big_threshold:
            impulse = 2.0 * v * complex(np.cos(np.pi + shake_phase[t]),
                                        np.sin(np.pi + shake_phase[t]))
            big += 1
        else:
            impulse = 0j
        dv = impulse + expl * (gaussian_shake * noise[t] - centripetal * pos) * step
        v = v + dv
        mag = abs(v)
        v = v / mag * step if mag > 0 else v0 * step
        pos = pos + v
        x[t + 1] = pos

    length = float(np.abs(np.diff(x)).sum())
    if center == "box":
        x = x - complex(x.real.min(), x.imag.min())
        x = x - complex(x[0].real % 1.0, x[0].imag % 1.0)  # start on a pixel centre
        # centre the bounding box on the canvas with an integer shift (keeps that alignment)
        dx = np.round((canvas - 1 - x.real.min() - x.real.max()) / 2.0)
        dy = np.round((canvas - 1 - x.imag.min() - x.imag.max()) / 2.0)
        x = x + complex(dx, dy)
    else:
        x = x - x.mean() + complex((canvas - 1) / 2.0, (canvas - 1) / 2.0)
    params = dict(expl=float(expl), centripetal=centripetal, prob_big_shake=prob_big_shake,
                  gaussian_shake=gaussian_shake, init_angle=init_angle)
    return Trajectory(x=x, canvas=int(canvas), length=length, num_big_shakes=big,
                      params=params)


def _splat(x: np.ndarray, size: int) -> np.ndarray:
    """Accumulate bilinear weights of positions ``x`` (complex) onto a ``size x size`` grid."""
    psf = np.zeros((size, size), dtype=np.float64)
    c0 = np.floor(x.real).astype(np.int64)
    r0 = np.floor(x.imag).astype(np.int64)
    fc = x.real - c0
    fr = x.imag - r0
    for dr, dc, w in ((0, 0, (1 - fr) * (1 - fc)), (0, 1, (1 - fr) * fc),
                      (1, 0, fr * (1 - fc)), (1, 1, fr * fc)):
        r = r0 + dr
        c = c0 + dc
        inside = (r >= 0) & (r < size) & (c >= 0) & (c < size)
        np.add.at(psf, (r[inside], c[inside]), w[inside])
    return psf


def trajectory_to_psf(
    traj: Trajectory | np.ndarray,
    size: int | None = None,
    fraction: float = 1.0,
) -> np.ndarray:
    """Rasterise a trajectory into a blur kernel (PSF).

    Args:
        traj: a :class:`Trajectory` or a complex array of positions (real = column,
            imaginary = row, in pixels).
        size: kernel side; defaults to the trajectory's canvas (required for a raw array).
        fraction: exposure fraction in (0, 1]: only the first ``ceil(fraction * iters)``
            samples are integrated (DeblurGAN v1 uses 1/100, 1/10, 1/2, 1).

    Returns:
        float32 array ``(size, size)``, non-negative, **sum 1** (see the module docstring for
        why not min-max as in DeblurGAN v1).

    Raises:
        ValueError: bad ``fraction``/``size``, or no sample of the trajectory lies on the
            canvas (the kernel would be empty).
    """
    x = traj.x if isinstance(traj, Trajectory) else np.asarray(traj)
    if size is None:
        if not isinstance(traj, Trajectory):
            raise ValueError("size is required when traj is a plain array")
        size = traj.canvas
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    if size < 1:
        raise ValueError(f"size must be >= 1, got {size}")
    count = max(1, int(np.ceil(fraction * len(x) - 1e-9)))
    psf = _splat(x[:count], int(size))
    total = psf.sum()
    if total <= 0:
        raise ValueError(
            f"the trajectory does not touch the {size}x{size} kernel canvas; use a larger size "
            "or centre the trajectory on it")
    return (psf / total).astype(np.float32)


def trajectory_psfs(
    traj: Trajectory,
    size: int | None = None,
    fractions: Sequence[float] = DGV1_FRACTIONS,
) -> list[np.ndarray]:
    """The PSFs of one trajectory for several exposure fractions (cumulative exposures).

    Returns a list of float32 ``(size, size)`` kernels, each summing to 1, one per fraction.
    """
    return [trajectory_to_psf(traj, size, f) for f in fractions]


def random_trajectory_kernel(
    rng: np.random.Generator,
    size: int = 17,
    max_len: float | None = None,
    expl: float | None = None,
    fraction: float = 1.0,
    iters: int = 2000,
    center: str = "mass",
) -> np.ndarray:
    """One random camera-shake kernel of side ``size`` (trajectory + PSF in one call).

    Args:
        rng: the random generator.
        size: kernel side in pixels (the trajectory canvas).
        max_len: path length in pixels; ``None`` uses ``0.9 * size`` (DeblurGAN v1's
            60 px on a 64 px canvas has the same ratio of about 0.94).
        expl: shake level, see :func:`random_trajectory`.
        fraction: exposure fraction in (0, 1].
        iters: trajectory samples.
        center: ``'mass'`` (default here: the integrated part of the path has its mean on the
            kernel centre, so the blurred image is not shifted against the sharp one) or
            ``'box'`` (DeblurGAN v1).

    Returns:
        float32 ``(size, size)`` kernel, non-negative, sum 1.
    """
    if max_len is None:
        max_len = 0.9 * size
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    traj = random_trajectory(rng, canvas=size, iters=iters, max_len=max_len, expl=expl,
                             center=center)
    if center == "box":
        return trajectory_to_psf(traj, size, fraction)
    # centre the part of the path that is actually integrated
    x = traj.x[: max(1, int(np.ceil(fraction * iters - 1e-9)))]
    x = x - x.mean() + complex((size - 1) / 2.0, (size - 1) / 2.0)
    return trajectory_to_psf(x, size)
