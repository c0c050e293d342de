"""PSNR, SSIM and LPIPS metrics (pure functions plus registered metric classes)."""

from .lpips import LPIPS, build_lpips_model, lpips_backbone_file, lpips_unavailable_reason
from .psnr import PSNR, psnr
from .ssim import SSIM, ssim

__all__ = [
    "LPIPS",
    "PSNR",
    "SSIM",
    "build_lpips_model",
    "lpips_backbone_file",
    "lpips_unavailable_reason",
    "psnr",
    "ssim",
]
