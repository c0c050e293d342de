# DBGAN ("Deblurring by Realistic Blurring", CVPR 2020) on GoPro, paper settings
# (reference/methods.md §1.2-1.7): RRDBNet nf64 nb16 gc32, VGG-128 discriminator, batch 4,
# 128x128 crops, Adam lr 1e-4 -> 1e-7, L = perceptual + 0.01 * MSE + 0.005 * RDBL
# (the ESRGAN reading of alpha/beta, see docs/methods/dbgan.md).
# Train: tools/dist_train.sh configs/dbgan_gopro.py 8
_base_ = [
    "_base_/default_runtime.py",
    "_base_/datasets/gopro.py",
    "_base_/schedules/dbgan_schedule.py",
    "_base_/models/dbgan.py",
]

model = dict(
    type="DBGAN",
    generator=_base_.dbgan_generator,
    discriminator=_base_.vgg_discriminator,
    perceptual_loss=_base_.vgg_perceptual_loss,
    pixel_loss=dict(type="MSELoss", loss_weight=0.01),
    gan_loss=dict(type="RelativisticAverageLoss", mode="ls", loss_weight=0.005),
    train_cfg=dict(disc_steps=1, gen_steps=1, disc_init_steps=0),
    data_preprocessor=dict(type="DeblurDataPreprocessor", pad_size_divisor=1),
)
train_dataloader = dict(batch_size=4)
# --auto-scale-lr: the lr above is tuned for a total batch of 4 (paper: 1 GPU x 4)
auto_scale_lr = dict(enable=False, base_batch_size=4)
