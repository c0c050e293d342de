"""Registered generators."""
from .bgan_generator import BlurGenerator  # noqa: F401
from .fpn_generator import FPNGenerator  # noqa: F401
from .kernel_blur_generator import KernelBlurGenerator  # noqa: F401
from .kernel_wizard import KernelWizard  # noqa: F401
from .mimo_unet import MIMOUNet, MIMOUNetPlus  # noqa: F401
from .nafnet import NAFNet  # noqa: F401
from .rrdbnet import RRDBNet  # noqa: F401
from .unet_generator import UNetGenerator  # noqa: F401
