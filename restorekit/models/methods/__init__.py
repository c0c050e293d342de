"""Registered methods."""
from .bgan import BGAN  # noqa: F401
from .blur2blur import Blur2Blur  # noqa: F401
from .blur2blur_deblurrer import Blur2BlurDeblurrer  # noqa: F401
from .classical import ClassicalRestorer  # noqa: F401
from .dbgan import DBGAN  # noqa: F401
from .deblurganv2 import DeblurGANv2  # noqa: F401
from .kernel_encoder_trainer import KernelEncoderTrainer  # noqa: F401
from .realistic_blur_joint import RealisticBlurJoint  # noqa: F401
from .realistic_blur_separate import RealisticBlurSeparate  # noqa: F401
from .restorer import Restorer  # noqa: F401
