# Wiener deconvolution with a Gaussian PSF on the embedded demo data: a training-free
# baseline. Its two parameters (sigma, nsr) are chosen by grid search on the demo training
# pairs, then evaluated on the demo test split:
#   python tools/fit_classical.py configs/demo/classical_wiener_demo.py --out wiener_demo.pth
#   python tools/test.py configs/demo/classical_wiener_demo.py wiener_demo.pth
# Test-only config: train_dataloader is None (mmengine's Runner refuses a train loader
# without train_cfg / optim_wrapper); the fit pairs are fit_cfg.dataset, the base training
# split loaded whole (test pipeline, no random crops).
_base_ = [
    "../_base_/default_runtime.py",
    "../_base_/datasets/demo.py",
    "../_base_/models/classical.py",
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
