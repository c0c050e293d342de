"""Random motion-blur kernels in the style of LeviBorodenko/motionblur.

Reference: ``Kernel(size, intensity)`` of LeviBorodenko/motionblur (@ 5781378), the kernel
generator used by the pix2pix/U-Net re-implementation of "Deblurring by Realistic Blurring".
The random process follows it (restorekit ``reference/methods.md`` §5.2); ``D`` is the diagonal
of the 2x drawing canvas:

* maximal path length ``0.75 D (U(0, 1) + U(0, intensity^2))``;
* step lengths ``Beta(1, 30) (1 - intensity + 0.1) D`` until their sum reaches that length;
* maximal angle ``U(0, intensity pi)``; jitter ``Beta(2, 20)`` = probability that a step's
  direction flips sign relative to the previous one; the first direction is
  ``U(-max_angle, max_angle)``, later ones have magnitude
  ``Triangular(0, intensity max_angle, max_angle + 0.1)``;
* the path (cumulative sum of the polar steps) is centred on its centre of mass, rotated by
  ``U(0, pi)`` and moved to the canvas centre;
* it is drawn as an anti-aliased polyline of width ``max(1, int(D / 150))`` on the 2x canvas,
  Gaussian-blurred with radius ``int(0.01 D)``, downsized to ``size`` and normalised to sum 1.

Differences: drawing and resizing use OpenCV instead of PIL (``cv2.polylines`` with sub-pixel
coordinates, ``cv2.GaussianBlur``, Lanczos ``cv2.resize``; negative Lanczos ringing is clipped
to 0 before normalising); randomness comes from an explicit :class:`numpy.random.Generator`;
the kernel is a float32 array rather than a PIL image; it is never shrunk by a 'valid'
convolution (see :func:`restorekit.blur.apply.blur_image`).
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["motion_path", "random_motion_kernel"]

_SHIFT = 4  # sub-pixel bits for cv2.polylines (coordinates scaled by 2**4)


def _as_hw(size: int | tuple[int, int]) -> tuple[int, int]:
    """``size`` as (width, height); an int means a square kernel."""
    if isinstance(size, (int, np.integer)):
        w = h = int(size)
    else:
        w, h = (int(s) for s in size)
    if w < 1 or h < 1:
        raise ValueError(f"kernel size must be positive, got {size}")
    return w, h


def motion_path(
    rng: np.random.Generator,
    canvas_wh: tuple[int, int],
    intensity: float,
) -> np.ndarray:
    """Sample the motion path on a canvas of ``canvas_wh = (width, height)`` pixels.

    Returns:
        complex128 array ``(n + 1,)`` of vertices (real = x/column, imag = y/row), centre of
        mass on the canvas centre.
    """
    if not 0.0 <= intensity <= 1.0:
        raise ValueError(f"intensity must be in [0, 1], got {intensity}")
    w, h = canvas_wh
    diag = float(np.hypot(w, h))
    max_path = 0.75 * diag * (rng.uniform(0.0, 1.0) + rng.uniform(0.0, intensity**2))
    scale = (1.0 - intensity + 0.1) * diag
    steps: list[float] = []
    total = 0.0
    while total < max_path:
        s = float(rng.beta(1, 30)) * scale
        steps.append(s)
        total += s
    max_angle = rng.uniform(0.0, intensity * np.pi)
    jitter = rng.beta(2, 20)
    angles = [rng.uniform(-max_angle, max_angle)]
    for _ in range(len(steps) - 1):
        mag = rng.triangular(0.0, intensity * max_angle, max_angle + 0.1)
        prev_sign = 1.0 if angles[-1] >= 0 else -1.0
        angles.append(mag * (-prev_sign if rng.random() < jitter else prev_sign))
    increments = np.asarray(steps) * np.exp(1j * np.asarray(angles))
    path = np.concatenate([[0j], np.cumsum(increments)])
    path = path - path.mean()
    path = path * np.exp(1j * rng.uniform(0.0, np.pi))
    return path + complex(w / 2.0, h / 2.0)


def random_motion_kernel(
    rng: np.random.Generator,
    size: int | tuple[int, int] = 17,
    intensity: float = 0.5,
) -> np.ndarray:
    """One random LeviBorodenko-style motion-blur kernel.

    Args:
        rng: the random generator (seed it for reproducible kernels).
        size: kernel size, an int (square) or ``(width, height)``, in pixels.
        intensity: in [0, 1]; 0 gives short straight strokes, 1 long erratic paths.

    Returns:
        float32 array ``(height, width)``, non-negative, sum 1.
    """
    w, h = _as_hw(size)
    cw, ch = 2 * w, 2 * h
    diag = float(np.hypot(cw, ch))
    path = motion_path(rng, (cw, ch), float(intensity))
    canvas = np.zeros((ch, cw), dtype=np.uint8)
    # polyline vertices are pixel-corner coordinates; cv2 uses pixel centres
    pts = np.stack([path.real - 0.5, path.imag - 0.5], axis=1) * (1 << _SHIFT)
    pts = np.round(pts).astype(np.int32).reshape(-1, 1, 2)
    thickness = max(1, int(diag / 150))
    cv2.polylines(canvas, [pts], isClosed=False, color=255, thickness=thickness,
                  lineType=cv2.LINE_AA, shift=_SHIFT)
    img = canvas.astype(np.float32) / 255.0
    radius = int(0.01 * diag)
    if radius > 0:
        img = cv2.GaussianBlur(img, (0, 0), sigmaX=radius, borderType=cv2.BORDER_CONSTANT)
    kernel = cv2.resize(img, (w, h), interpolation=cv2.INTER_LANCZOS4)
    kernel = np.clip(kernel, 0.0, None).astype(np.float64)
    total = kernel.sum()
    if total <= 0:  # the whole path fell outside the canvas (practically never): delta kernel
        kernel = np.zeros((h, w), dtype=np.float64)
        kernel[h // 2, w // 2] = 1.0
        total = 1.0
    return (kernel / total).astype(np.float32)
