# Scheme 2 of "Deblurring by Realistic Blurring" (docs/methods/realistic_blur.md): BGAN and DBGAN
# trained jointly on GoPro sharp frames + unpaired real blurred photos (RWBI). Each half uses
# the paper settings of configs/bgan_gopro.py / configs/dbgan_gopro.py. DBGAN learns from BGAN's
# (detached) output: detach_blur=False lets DBGAN's losses also train BGAN (end to end).
# Train: tools/dist_train.sh configs/realistic_blur_joint_gopro.py 8
_base_ = [
    "_base_/default_runtime.py",
    "_base_/datasets/gopro_unpaired_realblur.py",
    "_base_/schedules/dbgan_schedule.py",
]

vgg_perceptual = dict(
    type="PerceptualLoss",
    layer_weights={"conv5_4": 1.0},
    vgg_type="vgg19",
    pretrained="torchvision://vgg19",
    criterion="l1",
    loss_weight=1.0,
)
model = dict(
    type="RealisticBlurJoint",
    # DBGAN (deblurring)
    generator=dict(
        type="RRDBNet", mid_channels=64, num_blocks=16, growth_channels=32, init="kaiming_scaled"
    ),
    discriminator=dict(type="VGGStyleDiscriminator", base_channels=64, norm="batch", input_size=128),
    perceptual_loss=vgg_perceptual,
    pixel_loss=dict(type="MSELoss", loss_weight=0.01),
    gan_loss=dict(type="RelativisticAverageLoss", mode="ls", loss_weight=0.005),
    # BGAN (blurring)
    blur_generator=dict(
        type="BlurGenerator",
        mid_channels=64,
        num_blocks=9,
        growth_channels=32,
        noise_mode="tiled_vector",
        noise_channels=4,
        noise_scale=1.0,
    ),
    blur_discriminator=dict(
        type="VGGStyleDiscriminator", base_channels=64, norm="batch", input_size=128
    ),
    blur_perceptual_loss=vgg_perceptual,
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
