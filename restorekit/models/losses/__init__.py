"""Registered losses."""
from .fft_loss import FFTL1Loss  # noqa: F401
from .focal_frequency_loss import FocalFrequencyLoss  # noqa: F401
from .wgan_gp import GradientPenaltyLoss, WGANLoss  # noqa: F401
