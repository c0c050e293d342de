# A small DBGAN that trains on CPU in a few minutes on the embedded demo data
# (make demo; data built on first use by DemoPairedDataset). Same method as
# configs/dbgan_gopro.py with a narrow one-block RRDBNet, a Charbonnier content loss instead of
# the VGG perceptual loss (no ImageNet weights offline), 48x48 crops in batches of 16 and a
# size-agnostic discriminator. RDBL keeps the paper's relativistic LS form.
_base_ = ["../_base_/default_runtime.py", "../_base_/datasets/demo.py"]

max_iters = 300
crop_size = 48
model = dict(
    type="DBGAN",
    generator=dict(
        type="RRDBNet", mid_channels=24, num_blocks=1, growth_channels=12, init="kaiming_scaled"
    ),
    discriminator=dict(type="GlobalPoolDiscriminator", base_channels=16, num_stages=3, norm="none"),
    pixel_loss=dict(type="CharbonnierLoss", loss_weight=1.0),
    gan_loss=dict(type="RelativisticAverageLoss", mode="ls", loss_weight=0.001),
    train_cfg=dict(disc_steps=1, gen_steps=1, disc_init_steps=0),
    data_preprocessor=dict(type="DeblurDataPreprocessor", pad_size_divisor=1),
    channels_last=True,
)
# the demo base pipeline, with this config's crop size (step 2 is PairedRandomCrop)
train_pipeline = _base_.train_pipeline
train_pipeline[2]["crop_size"] = crop_size
train_dataloader = dict(batch_size=16, dataset=dict(pipeline=train_pipeline))
optim_wrapper = dict(
    constructor="MultiOptimWrapperConstructor",
    generator=dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=2e-3, betas=(0.9, 0.99))),
    discriminator=dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=1e-4, betas=(0.9, 0.99))),
)
param_scheduler = dict(type="CosineAnnealingLR", T_max=max_iters, eta_min=1e-5, by_epoch=False)
train_cfg = dict(type="IterBasedTrainLoop", max_iters=max_iters, val_interval=max_iters)
val_cfg = dict(type="ValLoop")
test_cfg = dict(type="TestLoop")
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(interval=max_iters, max_keep_ckpts=1),
)
