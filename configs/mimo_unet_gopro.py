# MIMO-UNet (Cho et al., ICCV 2021) trained on GoPro with the official recipe
# (reference/methods.md §5.1; chosj95/MIMO-UNet main.py / train.py):
# * Adam lr 1e-4, weight decay 0; batch 4; random 256x256 crops + horizontal flip; data [0, 1];
# * L = sum_k L1(out_k, y_k) + 0.1 * sum_k FFT-L1(out_k, y_k) over the 3 output scales,
#   y_k = the sharp image bilinearly resized to out_k (Restorer sums every configured loss
#   over the scales of a coarse-to-fine generator);
# * MultiStepLR x0.5 every 500 epochs over 3000 epochs.
# Epochs -> iterations: GoPro has 2103 training pairs; at batch 4 the official DataLoader
# (drop_last=False) runs ceil(2103 / 4) = 526 iterations per epoch, so
#   500 epochs  =   263_000 iterations (one LR step),
#   3000 epochs = 1_578_000 iterations (the whole schedule).
# With N GPUs keep batch 4 in total (train_dataloader.batch_size = 4 // N) or the epoch count
# changes. Also trains the known-blur deblurrer of Blur2Blur (configs/blur2blur_gopro.py).
# Train: tools/dist_train.sh configs/mimo_unet_gopro.py 1
# Test:  tools/test.py configs/mimo_unet_gopro.py work_dirs/mimo_unet_gopro/iter_1578000.pth
_base_ = [
    "_base_/default_runtime.py",
    "_base_/datasets/gopro.py",
    "_base_/models/mimo_unet.py",
]

epoch_iters = 526  # ceil(2103 / 4)
max_iters = 3000 * epoch_iters  # 1_578_000
lr_step_iters = 500 * epoch_iters  # 263_000
crop_size = 256

model = dict(
    type="Restorer",
    generator=_base_.mimo_unet,
    pixel_loss=dict(type="L1Loss", loss_weight=1.0),
    frequency_loss=dict(type="FFTL1Loss", loss_weight=0.1),
    # MIMO-UNet needs H, W multiples of 4; the GoPro test frames (1280x720) already are
    data_preprocessor=dict(type="DeblurDataPreprocessor", pad_size_divisor=4),
)
train_pipeline = [
    dict(type="LoadImageFromFile", key="img"),
    dict(type="LoadImageFromFile", key="gt"),
    dict(type="PairedRandomCrop", crop_size=crop_size, keys=("img", "gt")),
    dict(type="Flip", keys=("img", "gt"), direction="horizontal", prob=0.5),
    dict(type="PackInputs", input_key="img", image_keys=("gt",)),
]
train_dataloader = dict(batch_size=4, dataset=dict(pipeline=train_pipeline))
optim_wrapper = dict(
    constructor="MultiOptimWrapperConstructor",
    generator=dict(type="OptimWrapper",
                   optimizer=dict(type="Adam", lr=1e-4, betas=(0.9, 0.999), weight_decay=0)),
)
param_scheduler = dict(
    type="MultiStepLR",
    milestones=[lr_step_iters * k for k in range(1, 6)],  # 263k, 526k, ..., 1315k
    gamma=0.5,
    by_epoch=False,
)
train_cfg = dict(type="IterBasedTrainLoop", max_iters=max_iters, val_interval=50 * epoch_iters)
val_cfg = dict(type="ValLoop")
test_cfg = dict(type="TestLoop")
default_hooks = dict(checkpoint=dict(interval=50 * epoch_iters))
