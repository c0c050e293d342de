"""PSNR, SSIM (2-D and MATLAB 3-D), RealBlur, NIQE, LPIPS and blur-realism metrics (pure
functions plus registered classes)."""

from .blur_realism import BandEnergyProfile, EdgeWidth, MeanIntensityRatio
from .lpips import LPIPS, build_lpips_model, lpips_backbone_file, lpips_unavailable_reason
from .niqe import NIQE, niqe
from .psnr import PSNR, psnr
from .realblur import RealBlurPSNRSSIM, realblur_scores
from .ssim import SSIM, ssim
from .ssim3d import SSIM3D, ssim3d

__all__ = [
    "LPIPS",
    "NIQE",
    "PSNR",
    "SSIM",
    "SSIM3D",
    "BandEnergyProfile",
    "EdgeWidth",
    "MeanIntensityRatio",
    "RealBlurPSNRSSIM",
    "build_lpips_model",
    "lpips_backbone_file",
    "lpips_unavailable_reason",
    "niqe",
    "psnr",
    "realblur_scores",
    "ssim",
    "ssim3d",
]
