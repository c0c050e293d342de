"""PSNR, SSIM and LPIPS metrics (pure functions plus registered metric classes)."""
