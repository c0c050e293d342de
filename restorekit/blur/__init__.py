"""Camera-shake kernel synthesis and blur application (numpy; no registry).

* :mod:`.trajectory`: Boracchi & Foi random trajectories and their PSFs (DeblurGAN v1).
* :mod:`.motion_kernel`: LeviBorodenko/motionblur-style random kernels.
* :mod:`.apply`: size-preserving blur, Gaussian noise, gamma / CRF, JPEG.

Kernels are float32 ``(k, k)`` arrays, non-negative, summing to 1; images are HWC numpy arrays,
uint8 [0, 255] or float [0, 1].
"""

from .apply import add_gaussian_noise, apply_gamma, blur_image, jpeg_compress, simple_crf
from .motion_kernel import motion_path, random_motion_kernel
from .trajectory import (
    Trajectory,
    random_trajectory,
    random_trajectory_kernel,
    trajectory_psfs,
    trajectory_to_psf,
)

__all__ = [
    "Trajectory",
    "add_gaussian_noise",
    "apply_gamma",
    "blur_image",
    "jpeg_compress",
    "motion_path",
    "random_motion_kernel",
    "random_trajectory",
    "random_trajectory_kernel",
    "simple_crf",
    "trajectory_psfs",
    "trajectory_to_psf",
]
