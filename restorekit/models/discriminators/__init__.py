"""Registered discriminators."""
from .double_scale_discriminator import DoubleScaleDiscriminator  # noqa: F401
from .global_pool_discriminator import GlobalPoolDiscriminator  # noqa: F401
from .patch_discriminator import PatchDiscriminator  # noqa: F401
from .vgg_discriminator import VGGStyleDiscriminator  # noqa: F401
