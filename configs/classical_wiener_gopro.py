# Wiener deconvolution with a Gaussian PSF on GoPro: a training-free baseline (a Gaussian is
# a poor model of GoPro's motion blur; this row shows what a classical non-blind filter with
# one global PSF achieves). Fit (sigma, nsr) on 8 training frames, then test:
#   python tools/fit_classical.py configs/classical_wiener_gopro.py --out wiener_gopro.pth
#   python tools/test.py configs/classical_wiener_gopro.py wiener_gopro.pth
# Test-only config: train_dataloader is None; the fit pairs are fit_cfg.dataset (the GoPro
# training split loaded whole: test pipeline, no random crops).
_base_ = ["./_base_/default_runtime.py", "./_base_/datasets/gopro.py"]

model = dict(
    type="WienerDeconvolution",
    sigma=1.0,
    nsr=1e-2,
    data_preprocessor=dict(type="DeblurDataPreprocessor", pad_size_divisor=1),
)
fit_cfg = dict(
    dataset=dict(_base_.train_dataloader.dataset, pipeline=_base_.test_pipeline),
    num_images=8,
    grid=dict(sigma=[0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0],
              nsr=[1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0]),
)
train_dataloader = None
val_cfg = dict(type="ValLoop")
test_cfg = dict(type="TestLoop")
