"""Registered methods."""
from .bgan import BGAN  # noqa: F401
from .classical import ClassicalRestorer  # noqa: F401
from .dbgan import DBGAN  # noqa: F401
from .deblurganv2 import DeblurGANv2  # noqa: F401
from .realistic_blur_joint import RealisticBlurJoint  # noqa: F401
from .realistic_blur_separate import RealisticBlurSeparate  # noqa: F401
from .restorer import Restorer  # noqa: F401
