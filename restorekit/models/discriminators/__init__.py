"""Registered discriminators."""
from .double_scale_discriminator import DoubleScaleDiscriminator  # noqa: F401
from .patch_discriminator import PatchDiscriminator  # noqa: F401
