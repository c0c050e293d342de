# Wiener deconvolution with a Gaussian PSF on GoPro: a training-free baseline (a Gaussian is
# a poor model of GoPro's motion blur; this row shows what a classical non-blind filter with
# one global PSF achieves). Fit (sigma, nsr) on 8 training frames, then test:
#   python tools/fit_classical.py configs/classical_wiener_gopro.py --out wiener_gopro.pth
#   python tools/test.py configs/classical_wiener_gopro.py wiener_gopro.pth
# Test-only config: train_dataloader is None; the fit pairs are fit_cfg.dataset (the GoPro
# training split loaded whole: test pipeline, no random crops).
_base_ = [
    "./_base_/default_runtime.py",
    "./_base_/datasets/gopro.py",
    "./_base_/models/classical.py",
]

model = _base_.wiener_deconvolution
fit_cfg = dict(
    dataset=dict(_base_.train_dataloader.dataset, pipeline=_base_.test_pipeline),
    num_images=8,
    grid=_base_.wiener_grid,
)
train_dataloader = None
val_cfg = dict(type="ValLoop")
test_cfg = dict(type="TestLoop")
