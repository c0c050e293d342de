"""Registered losses."""
from .fft_loss import FFTL1Loss  # noqa: F401
from .focal_frequency_loss import FocalFrequencyLoss  # noqa: F401
from .gan_loss import GANLoss  # noqa: F401
from .lowpass_loss import LowPassLoss  # noqa: F401
from .perceptual import PerceptualLoss  # noqa: F401
from .pixel import CharbonnierLoss, L1Loss, MSELoss  # noqa: F401
from .psnr_loss import PSNRLoss  # noqa: F401
from .relativistic import RelativisticAverageLoss  # noqa: F401
from .wgan_gp import GradientPenaltyLoss, WGANLoss  # noqa: F401
