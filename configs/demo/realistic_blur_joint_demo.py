# Scheme 2 (joint BGAN + DBGAN) on the demo data (docs/methods/realistic_blur.md): the BGAN of
# configs/demo/bgan_demo.py and the DBGAN of configs/demo/dbgan_demo.py trained together on the
# sharp training crops + the unpaired "real blur" domain; DBGAN learns from BGAN's detached blur
# and is evaluated on the held-out "real blur" test pairs.
_base_ = ["../_base_/default_runtime.py", "../_base_/datasets/demo_realblur.py"]

max_iters = 1000
model = dict(
    type="RealisticBlurJoint",
    generator=dict(
        type="RRDBNet", mid_channels=32, num_blocks=2, growth_channels=16, init="kaiming_scaled"
    ),
    discriminator=dict(type="GlobalPoolDiscriminator", base_channels=16, num_stages=4, norm="none"),
    pixel_loss=dict(type="CharbonnierLoss", loss_weight=1.0),
    gan_loss=dict(type="RelativisticAverageLoss", mode="ls", loss_weight=0.001),
    blur_generator=dict(
        type="BlurGenerator",
        mid_channels=24,
        num_blocks=1,
        growth_channels=12,
        noise_mode="tiled_vector",
        noise_channels=4,
        noise_scale=1.0,
    ),
    blur_discriminator=dict(
        type="PatchDiscriminator", in_channels=3, base_channels=16, n_layers=2, norm="none"
    ),
    blur_pixel_loss=dict(type="L1Loss", loss_weight=1.0),  # see configs/demo/bgan_demo.py
    blur_gan_loss=dict(type="RelativisticAverageLoss", mode="ls", loss_weight=1.0),
    real_pair_ratio=0.0,
    detach_blur=True,
    train_cfg=dict(disc_steps=1, gen_steps=1, disc_init_steps=0),
    data_preprocessor=dict(type="DeblurDataPreprocessor", image_keys=("gt", "real_blur")),
)
gan_adam = dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=5e-4, betas=(0.5, 0.99)))
optim_wrapper = dict(
    constructor="MultiOptimWrapperConstructor",
    generator=dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=1e-3, betas=(0.9, 0.99))),
    discriminator=dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=1e-4, betas=(0.9, 0.99))),
    blur_generator=gan_adam,
    blur_discriminator=gan_adam,
)
param_scheduler = dict(type="CosineAnnealingLR", T_max=max_iters, eta_min=1e-5, by_epoch=False)
train_cfg = dict(type="IterBasedTrainLoop", max_iters=max_iters, val_interval=max_iters)
val_cfg = dict(type="ValLoop")
test_cfg = dict(type="TestLoop")
default_hooks = dict(
    logger=dict(interval=100),
    checkpoint=dict(interval=max_iters, max_keep_ckpts=1),
)
custom_hooks = [
    dict(type="DeblurVisualizationHook", max_samples=8,
         image_fields=("input_img", "synthetic_blur_img", "pred_img", "gt_img")),
]
