"""Registered generators."""
from .fpn_generator import FPNGenerator  # noqa: F401
from .unet_generator import UNetGenerator  # noqa: F401
