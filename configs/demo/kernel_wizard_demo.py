# A narrow BKSE KernelWizard (the Blur2Blur kernel encoder) trained on the demo's synthetic
# camera-shake pairs (the "known blur" of the Blur2Blur demo) with the BKSE objective
# (Charbonnier re-blur loss, configs/kernel_wizard_gopro.py), in CPU minutes: nf 8, 1 front /
# 2 back residual blocks, 32-channel code, 1 extractor block; 128 crops (padded to 256 inside
# the network, its minimum), batch 8, lr 1e-3 with a cosine decay.
_base_ = [
    "../_base_/schedules/demo.py",  # includes default_runtime.py
    "../_base_/datasets/demo.py",
    "../_base_/models/demo.py",
]

max_iters = 150
crop_size = 128
model = dict(
    type="KernelEncoderTrainer",
    generator=_base_.demo_kernel_wizard,  # the encoder configs/demo/blur2blur_demo.py loads
    pixel_loss=dict(type="CharbonnierLoss", loss_weight=1.0),
    data_preprocessor=dict(type="DeblurDataPreprocessor", pad_size_divisor=1),
)
# the demo base pipeline with this crop size (docs/configs.md, "Crop size ...")
train_pipeline = [dict(step, crop_size=crop_size) if "crop_size" in step else step
                  for step in _base_.train_pipeline]
train_dataloader = dict(batch_size=8, dataset=dict(pipeline=train_pipeline))
# the demo schedule (cosine to 1e-5, validation and one checkpoint at the end), 150 iterations;
# one network: the generator's optimizer replaces the schedule's pair
param_scheduler = dict(T_max=max_iters)
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(logger=dict(interval=25), checkpoint=dict(interval=max_iters))
optim_wrapper = dict(
    _delete_=True,
    constructor="MultiOptimWrapperConstructor",
    generator=dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=1e-3, betas=(0.9, 0.99))),
)
