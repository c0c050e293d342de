# Scheme 2 (joint BGAN + DBGAN) on the demo data (docs/methods/realistic_blur.md): the BGAN of
# configs/demo/bgan_demo.py and the DBGAN of configs/demo/dbgan_demo.py trained together on the
# sharp training crops + the unpaired "real blur" domain; DBGAN learns from BGAN's detached blur
# and is evaluated on the held-out "real blur" test pairs.
_base_ = [
    "../_base_/schedules/demo.py",  # includes default_runtime.py
    "../_base_/datasets/demo_realblur.py",
    "../_base_/models/demo.py",
]

max_iters = 150
param_scheduler = dict(T_max=max_iters)
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters))
model = dict(
    type="RealisticBlurJoint",
    generator=dict(_base_.demo_rrdbnet, mid_channels=32, num_blocks=2, growth_channels=16),
    discriminator=dict(_base_.demo_global_pool_discriminator, num_stages=4),
    pixel_loss=dict(type="CharbonnierLoss", loss_weight=1.0),
    gan_loss=dict(type="RelativisticAverageLoss", mode="ls", loss_weight=0.001),
    blur_generator=_base_.demo_bgan_generator,
    blur_discriminator=_base_.demo_patch_discriminator,
    blur_pixel_loss=dict(type="L1Loss", loss_weight=1.0),  # see configs/demo/bgan_demo.py
    blur_gan_loss=dict(type="RelativisticAverageLoss", mode="ls", loss_weight=1.0),
    real_pair_ratio=0.0,
    detach_blur=True,
    train_cfg=dict(disc_steps=1, gen_steps=1, disc_init_steps=0),
    data_preprocessor=dict(type="DeblurDataPreprocessor", image_keys=("gt", "real_blur")),
    channels_last=True,
)
gan_adam = dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=5e-4, betas=(0.5, 0.99)))
optim_wrapper = dict(
    generator=dict(optimizer=dict(betas=(0.9, 0.99))),
    discriminator=dict(optimizer=dict(betas=(0.9, 0.99))),
    blur_generator=gan_adam,
    blur_discriminator=gan_adam,
)
custom_hooks = [
    dict(type="DeblurVisualizationHook", max_samples=8,
         image_fields=("input_img", "synthetic_blur_img", "pred_img", "gt_img")),
]
