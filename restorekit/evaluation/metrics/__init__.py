"""PSNR, SSIM, LPIPS and blur-realism metrics (pure functions plus registered classes)."""

from .blur_realism import BandEnergyProfile, EdgeWidth, MeanIntensityRatio
from .lpips import LPIPS, build_lpips_model, lpips_backbone_file, lpips_unavailable_reason
from .psnr import PSNR, psnr
from .ssim import SSIM, ssim

__all__ = [
    "LPIPS",
    "PSNR",
    "SSIM",
    "BandEnergyProfile",
    "EdgeWidth",
    "MeanIntensityRatio",
    "build_lpips_model",
    "lpips_backbone_file",
    "lpips_unavailable_reason",
    "psnr",
    "ssim",
]
