# A narrow MIMO-UNet trained with the MIMO recipe's losses (L1 + 0.1 FFT-L1 at the three
# output scales) on the embedded demo pairs (synthetic camera shake), in CPU minutes. It is
# also the demo's known-blur deblurrer for Blur2Blur (restorekit/demo/blur2blur.py): the
# camera-shake pairs are the "known blur" domain there.
# Differences from configs/mimo_unet_gopro.py: base_channels 8 and 2 blocks per level
# (instead of 32 / 8), 64x64 crops in batches of 8 with the demo base's flips and transposes,
# lr 1e-3 with a cosine decay over 400 iterations (the paper's 1.5 M-iteration step schedule
# does not fit in minutes).
_base_ = ["../_base_/default_runtime.py", "../_base_/datasets/demo.py"]

max_iters = 400
model = dict(
    type="Restorer",
    generator=dict(type="MIMOUNet", base_channels=8, num_blocks=2),
    pixel_loss=dict(type="L1Loss", loss_weight=1.0),
    frequency_loss=dict(type="FFTL1Loss", loss_weight=0.1),
    data_preprocessor=dict(type="DeblurDataPreprocessor", pad_size_divisor=4),
    channels_last=True,
)
train_dataloader = dict(batch_size=8)
optim_wrapper = dict(
    constructor="MultiOptimWrapperConstructor",
    generator=dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=1e-3, betas=(0.9, 0.999))),
)
param_scheduler = dict(type="CosineAnnealingLR", T_max=max_iters, eta_min=1e-5, by_epoch=False)
train_cfg = dict(type="IterBasedTrainLoop", max_iters=max_iters, val_interval=max_iters)
val_cfg = dict(type="ValLoop")
test_cfg = dict(type="TestLoop")
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(interval=max_iters, max_keep_ckpts=1),
)
