# Wiener deconvolution with a Gaussian PSF on the embedded demo data: a training-free
# baseline. Its two parameters (sigma, nsr) are chosen by grid search on the demo training
# pairs, then evaluated on the demo test split:
#   python tools/fit_classical.py configs/demo/classical_wiener_demo.py --out wiener_demo.pth
#   python tools/test.py configs/demo/classical_wiener_demo.py wiener_demo.pth
# Test-only config: train_dataloader is None (mmengine's Runner refuses a train loader
# without train_cfg / optim_wrapper); the fit pairs are fit_cfg.dataset, the base training
# split loaded whole (test pipeline, no random crops).
_base_ = ["../_base_/default_runtime.py", "../_base_/datasets/demo.py"]

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
