# Study arm A3, scheme 2 (docs/experiments/realistic_blur.md): the A1 DBGAN (generator,
# discriminator, losses, optimiser of configs/demo/dbgan_demo.py) and the gated BGAN
# (generator, discriminator, LowPassLoss + RBL, optimiser of
# configs/demo/bgan_kernel_demo.py) trained jointly on the sharp training crops + the unpaired
# real-blur domain; DBGAN learns from BGAN's detached blur. Same crop (48 px), batch (16) and
# 300 iterations as A1. The study copies blur_generator from the BGAN config.
_base_ = [
    "../../_base_/default_runtime.py",
    "../../_base_/datasets/demo_realblur.py",
    "../../_base_/models/demo.py",
]

max_iters = 300
crop_size = 48
model = dict(
    type="RealisticBlurJoint",
    generator=dict(
        type="RRDBNet", mid_channels=24, num_blocks=1, growth_channels=12, init="kaiming_scaled"
    ),
    discriminator=dict(type="GlobalPoolDiscriminator", base_channels=16, num_stages=3, norm="none"),
    pixel_loss=dict(type="CharbonnierLoss", loss_weight=1.0),
    gan_loss=dict(type="RelativisticAverageLoss", mode="ls", loss_weight=0.001),
    blur_generator=_base_.demo_kernel_blur_generator,
    blur_discriminator=dict(
        type="PatchDiscriminator", in_channels=3, base_channels=16, n_layers=2, norm="none"
    ),
    blur_pixel_loss=dict(type="LowPassLoss", scale=4, mode="area", loss_weight=1.0),
    blur_gan_loss=dict(type="RelativisticAverageLoss", mode="ls", loss_weight=0.05),
    real_pair_ratio=0.0,
    detach_blur=True,
    train_cfg=dict(disc_steps=1, gen_steps=1, disc_init_steps=0),
    data_preprocessor=dict(type="DeblurDataPreprocessor", image_keys=("gt", "real_blur"),
                           pad_size_divisor=1),
    channels_last=True,
)
train_pipeline = _base_.train_pipeline
train_pipeline[2]["crop_size"] = crop_size  # gt crop
train_pipeline[3]["crop_size"] = crop_size  # real_blur crop
train_dataloader = dict(batch_size=16, dataset=dict(pipeline=train_pipeline))
bgan_adam = dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=5e-4, betas=(0.5, 0.99)))
optim_wrapper = dict(
    constructor="MultiOptimWrapperConstructor",
    generator=dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=2e-3, betas=(0.9, 0.99))),
    discriminator=dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=1e-4, betas=(0.9, 0.99))),
    blur_generator=bgan_adam,
    blur_discriminator=dict(type="OptimWrapper",
                            optimizer=dict(type="Adam", lr=5e-4, betas=(0.5, 0.99))),
)
param_scheduler = dict(type="CosineAnnealingLR", T_max=max_iters, eta_min=1e-5, by_epoch=False)
train_cfg = dict(type="IterBasedTrainLoop", max_iters=max_iters, val_interval=max_iters)
val_cfg = dict(type="ValLoop")
test_cfg = dict(type="TestLoop")
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(interval=max_iters, max_keep_ckpts=1),
)
custom_hooks = [
    dict(type="DeblurVisualizationHook", max_samples=8,
         image_fields=("input_img", "synthetic_blur_img", "pred_img", "gt_img")),
]
