"""Registered generators."""
from .unet_generator import UNetGenerator  # noqa: F401
