# A narrow MIMO-UNet trained with the MIMO recipe's losses (L1 + 0.1 FFT-L1 at the three
# output scales) on the embedded demo pairs (synthetic camera shake), in CPU minutes. It is
# also the demo's known-blur deblurrer for Blur2Blur (restorekit/demo/blur2blur.py): the
# camera-shake pairs are the "known blur" domain there.
# Differences from configs/mimo_unet_gopro.py: base_channels 8 and 2 blocks per level
# (instead of 32 / 8), 64x64 crops in batches of 8 with the demo base's flips and transposes,
# lr 1e-3 with a cosine decay over 400 iterations (the paper's 1.5 M-iteration step schedule
# does not fit in minutes).
_base_ = [
    "../_base_/schedules/demo.py",  # includes default_runtime.py
    "../_base_/datasets/demo.py",
    "../_base_/models/demo.py",
]

max_iters = 400
model = dict(
    type="Restorer",
    generator=_base_.demo_mimo_unet,  # the deblurrer blur2blur_two_stage_demo.py loads
    pixel_loss=dict(type="L1Loss", loss_weight=1.0),
    frequency_loss=dict(type="FFTL1Loss", loss_weight=0.1),
    data_preprocessor=dict(type="DeblurDataPreprocessor", pad_size_divisor=4),
    channels_last=True,
)
train_dataloader = dict(batch_size=8)
# the demo schedule (cosine to 1e-5, validation and one checkpoint at the end), 400 iterations;
# one network: the generator's optimizer replaces the schedule's pair
param_scheduler = dict(T_max=max_iters)
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters))
optim_wrapper = dict(
    _delete_=True,
    constructor="MultiOptimWrapperConstructor",
    generator=dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=1e-3, betas=(0.9, 0.999))),
)
