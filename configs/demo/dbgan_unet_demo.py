# The U-Net / PatchGAN variant of DBGAN (LUR, reference/methods.md §2) on the embedded demo data:
# a CPU run of a few minutes (make demo). Same composition as configs/dbgan_unet_gopro.py --
# pix2pix U-Net generator, conditional 70x70 PatchGAN (sees blurred ⊕ sharp/restored), LSGAN,
# L1 x 100 + focal frequency loss x 100 -- with these demo changes: a 5-level U-Net
# (depth=5, base_channels=32, BatchNorm (the pix2pix default), no dropout; 96x96 crops and the
# 192x192 test images are multiples of 32) with a global residual, a narrower discriminator,
# the adversarial weight lowered from 1 to 0.1 (in a few hundred iterations the full-weight
# LSGAN term costs ~2 dB), batch 4, Adam lr 1e-3 with cosine decay over 300
# iterations (configs/_base_/schedules/demo.py).
_base_ = [
    "../_base_/schedules/demo.py",  # includes default_runtime.py
    "../_base_/datasets/demo.py",
    "../_base_/models/unet_patchgan.py",
]

crop_size = 96
model = dict(
    type="DBGAN",
    generator=dict(
        _base_.unet_generator,
        in_channels=3,
        out_channels=3,
        depth=5,
        base_channels=32,
        dropout=False,
        global_residual=True,
    ),
    discriminator=dict(
        _base_.patch_discriminator, in_channels=6, base_channels=32, norm="instance"
    ),
    conditional_disc=True,
    pixel_loss=dict(type="L1Loss", loss_weight=100.0),
    frequency_loss=dict(type="FocalFrequencyLoss", loss_weight=100.0),
    gan_loss=dict(type="GANLoss", gan_type="lsgan", loss_weight=0.1, disc_loss_weight=0.5),
    train_cfg=dict(disc_steps=1, gen_steps=1, disc_init_steps=0),
    data_preprocessor=dict(type="DeblurDataPreprocessor", pad_size_divisor=1),
    channels_last=True,
)
# the demo base pipeline with this crop size (docs/configs.md, "Crop size ...")
train_pipeline = [dict(step, crop_size=crop_size) if "crop_size" in step else step
                  for step in _base_.train_pipeline]
train_dataloader = dict(batch_size=4, dataset=dict(pipeline=train_pipeline))
optim_wrapper = dict(
    generator=dict(optimizer=dict(betas=(0.5, 0.999))),
    discriminator=dict(optimizer=dict(lr=2e-4, betas=(0.5, 0.999))),
)
