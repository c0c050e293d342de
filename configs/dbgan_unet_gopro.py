# DBGAN with the U-Net / PatchGAN components of the pix2pix-based Realistic Blurring
# re-implementation (LUR, reference/methods.md §2; docs/methods/unet.md) on GoPro.
# Train: tools/dist_train.sh configs/dbgan_unet_gopro.py 1   (pix2pix: 1 GPU, batch 1)
#
# The generator and the discriminator are swapped by name against configs/dbgan_gopro.py:
# UNetGenerator (pix2pix unet_256: depth 8, ngf 64, dropout) and a conditional 70x70
# PatchDiscriminator that sees blurred ⊕ sharp (real) / blurred ⊕ restored (fake), 6 channels
# (DBGAN's conditional_disc=True). Losses as LUR's DBGAN (scheme 2): LSGAN (D halved as
# pix2pix), L1 x 100 and focal frequency loss x 100 (frequency_loss=None drops it; LUR reports a
# small effect). Optimiser as pix2pix: Adam 2e-4, betas (0.5, 0.999), constant for 200 epochs,
# then linear decay to ~0 over 100 epochs; an "epoch" here is 2103 iterations (GoPro train
# pairs at batch 1).
#
# Deviations from LUR (docs/methods/unet.md):
# * InstanceNorm in G and D (pix2pix option `--norm instance`); LUR's scripts use `--norm none`
#   with pix2pix's no-bias quirk, the pix2pix default is BatchNorm evaluated in train mode;
# * the D is fed (blurred, restored), not LUR's swapped (real sharp, fake blur) pair (§2.4 bug);
# * crops of 256x256 from full-resolution GoPro frames (LUR resizes to 1200 and crops 1024); the
#   generator pads any size to a multiple of 256 itself, so 720x1280 test frames run as
#   768x1280 and are cropped back;
# * flips + transpose augmentation; no image pool for D (pix2pix uses none either).
_base_ = [
    "_base_/default_runtime.py",
    "_base_/datasets/gopro.py",
    "_base_/models/unet_patchgan.py",
]

crop_size = 256
epoch_iters = 2103
max_iters = 300 * epoch_iters

model = dict(
    type="DBGAN",
    # unet_256 with InstanceNorm, no global residual, reflect padding to a multiple of 256
    generator=dict(
        _base_.unet_generator,
        in_channels=3,
        out_channels=3,
        depth=8,
        norm="instance",
        global_residual=False,
        pad_mode="reflect",
    ),
    discriminator=dict(
        _base_.patch_discriminator, in_channels=6, norm="instance", kernel_size=4, padding=1
    ),
    conditional_disc=True,
    pixel_loss=dict(type="L1Loss", loss_weight=100.0),
    frequency_loss=dict(type="FocalFrequencyLoss", loss_weight=100.0, alpha=1.0),
    gan_loss=dict(type="GANLoss", gan_type="lsgan", loss_weight=1.0, disc_loss_weight=0.5),
    train_cfg=dict(disc_steps=1, gen_steps=1, disc_init_steps=0),
    data_preprocessor=dict(type="DeblurDataPreprocessor", pad_size_divisor=1),
)
# the base pipeline with this crop size (docs/configs.md, "Crop size ...")
train_pipeline = [dict(step, crop_size=crop_size) if "crop_size" in step else step
                  for step in _base_.train_pipeline]
train_dataloader = dict(batch_size=1, dataset=dict(pipeline=train_pipeline))

optim_wrapper = dict(
    constructor="MultiOptimWrapperConstructor",
    generator=dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=2e-4, betas=(0.5, 0.999))),
    discriminator=dict(
        type="OptimWrapper", optimizer=dict(type="Adam", lr=2e-4, betas=(0.5, 0.999))
    ),
)
# pix2pix 'linear' policy: factor 1 - max(0, epoch - 200) / 101 -> 1/101 at the last epoch
param_scheduler = dict(
    type="LinearLR",
    start_factor=1.0,
    end_factor=1.0 / 101,
    begin=200 * epoch_iters,
    end=max_iters,
    by_epoch=False,
)
train_cfg = dict(type="IterBasedTrainLoop", max_iters=max_iters, val_interval=20_000)
val_cfg = dict(type="ValLoop")
test_cfg = dict(type="TestLoop")
# --auto-scale-lr: the lr is tuned for a total batch of 1 (pix2pix: 1 GPU x 1)
auto_scale_lr = dict(enable=False, base_batch_size=1)
