# A narrow BKSE KernelWizard (the Blur2Blur kernel encoder) trained on the demo's synthetic
# camera-shake pairs (the "known blur" of the Blur2Blur demo) with the BKSE objective
# (Charbonnier re-blur loss, configs/kernel_wizard_gopro.py), in CPU minutes: nf 8, 1 front /
# 2 back residual blocks, 32-channel code, 1 extractor block; 128 crops (padded to 256 inside
# the network, its minimum), batch 8, lr 1e-3 with a cosine decay.
_base_ = ["../_base_/default_runtime.py", "../_base_/datasets/demo.py"]

max_iters = 150
crop_size = 128
model = dict(
    type="KernelEncoderTrainer",
    generator=dict(type="KernelWizard", nf=8, front_blocks=1, back_blocks=2, kernel_dim=32,
                   extractor_blocks=1),
    pixel_loss=dict(type="CharbonnierLoss", loss_weight=1.0),
    data_preprocessor=dict(type="DeblurDataPreprocessor", pad_size_divisor=1),
)
# the demo base pipeline, with this config's crop size (step 2 is PairedRandomCrop)
train_pipeline = _base_.train_pipeline
train_pipeline[2]["crop_size"] = crop_size
train_dataloader = dict(batch_size=8, dataset=dict(pipeline=train_pipeline))
optim_wrapper = dict(
    constructor="MultiOptimWrapperConstructor",
    generator=dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=1e-3, betas=(0.9, 0.99))),
)
param_scheduler = dict(type="CosineAnnealingLR", T_max=max_iters, eta_min=1e-5, by_epoch=False)
train_cfg = dict(type="IterBasedTrainLoop", max_iters=max_iters, val_interval=max_iters)
val_cfg = dict(type="ValLoop")
test_cfg = dict(type="TestLoop")
default_hooks = dict(
    logger=dict(interval=25),
    checkpoint=dict(interval=max_iters, max_keep_ckpts=1),
)
