"""Data transforms: loading, geometric, degradation and formatting."""

from .crop import CenterCrop, PairedRandomCrop  # noqa: F401
from .flip import Flip, RandomTransposeHW  # noqa: F401
from .formatting import PackInputs  # noqa: F401
from .loading import LoadImageFromFile  # noqa: F401
from .pad import PadToMultiple  # noqa: F401
from .synthetic_blur import SyntheticMotionBlur  # noqa: F401
