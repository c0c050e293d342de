"""Registered methods."""
from .bgan import BGAN  # noqa: F401
from .classical import ClassicalRestorer  # noqa: F401
from .dbgan import DBGAN  # noqa: F401
from .deblurganv2 import DeblurGANv2  # noqa: F401
from .realistic_blur import RealisticBlurDBGAN  # noqa: F401
from .realistic_blur_joint import RealisticBlurGAN  # noqa: F401
