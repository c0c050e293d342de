"""Registered generators."""
from .bgan_generator import BlurGenerator  # noqa: F401
from .fpn_generator import FPNGenerator  # noqa: F401
from .kernel_blur_generator import KernelBlurGenerator  # noqa: F401
from .rrdbnet import RRDBNet  # noqa: F401
from .unet_generator import UNetGenerator  # noqa: F401
