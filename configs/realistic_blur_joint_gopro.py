# Scheme 2 of "Deblurring by Realistic Blurring" (docs/methods/realistic_blur.md): BGAN and DBGAN
# trained jointly on GoPro sharp frames + unpaired real blurred photos (RWBI). Each half uses
# the paper settings of configs/bgan_gopro.py / configs/dbgan_gopro.py. DBGAN learns from BGAN's
# (detached) output: detach_blur=False lets DBGAN's losses also train BGAN (end to end).
# Train: tools/dist_train.sh configs/realistic_blur_joint_gopro.py 8
_base_ = [
    "_base_/default_runtime.py",
    "_base_/datasets/gopro_unpaired_realblur.py",
    "_base_/schedules/dbgan_schedule.py",
    "_base_/models/bgan.py",
    "_base_/models/dbgan.py",
]

model = dict(
    type="RealisticBlurJoint",
    # DBGAN (deblurring)
    generator=_base_.dbgan_generator,
    discriminator=_base_.vgg_discriminator,
    perceptual_loss=_base_.vgg_perceptual_loss,
    pixel_loss=dict(type="MSELoss", loss_weight=0.01),
    gan_loss=dict(type="RelativisticAverageLoss", mode="ls", loss_weight=0.005),
    # BGAN (blurring)
    blur_generator=_base_.bgan_generator,
    blur_discriminator=_base_.vgg_discriminator,
    blur_perceptual_loss=_base_.vgg_perceptual_loss,
    blur_pixel_loss=None,
    blur_gan_loss=dict(type="RelativisticAverageLoss", mode="ls", loss_weight=0.005),
    real_blur_key="real_blur",
    real_pair_ratio=0.0,  # the unpaired data set has no real pairs
    detach_blur=True,
    conditional_disc=False,
    test_noise_seed=0,
    train_cfg=dict(disc_steps=1, gen_steps=1, disc_init_steps=0),
    data_preprocessor=dict(
        type="DeblurDataPreprocessor", image_keys=("gt", "real_blur"), pad_size_divisor=1
    ),
)
adam = dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=1e-4, betas=(0.9, 0.999)))
optim_wrapper = dict(
    constructor="MultiOptimWrapperConstructor",
    generator=adam,
    discriminator=adam,
    blur_generator=adam,
    blur_discriminator=adam,
)
custom_hooks = [
    dict(type="DeblurVisualizationHook", max_samples=8,
         image_fields=("input_img", "synthetic_blur_img", "pred_img", "gt_img")),
]
# --auto-scale-lr: the lr is tuned for a total batch of 4 (paper: 1 GPU x 4)
auto_scale_lr = dict(enable=False, base_batch_size=4)
