# A small DBGAN that trains on CPU in a few minutes on the embedded demo data
# (make demo; data built on first use by DemoPairedDataset). Same method as
# configs/dbgan_gopro.py with a narrow one-block RRDBNet, a Charbonnier content loss instead of
# the VGG perceptual loss (no ImageNet weights offline), 48x48 crops in batches of 16 and a
# size-agnostic discriminator. RDBL keeps the paper's relativistic LS form.
_base_ = [
    "../_base_/schedules/demo.py",  # includes default_runtime.py
    "../_base_/datasets/demo.py",
    "../_base_/models/demo.py",
]

crop_size = 48
model = dict(
    type="DBGAN",
    generator=_base_.demo_rrdbnet,
    discriminator=_base_.demo_global_pool_discriminator,
    pixel_loss=dict(type="CharbonnierLoss", loss_weight=1.0),
    gan_loss=dict(type="RelativisticAverageLoss", mode="ls", loss_weight=0.001),
    train_cfg=dict(disc_steps=1, gen_steps=1, disc_init_steps=0),
    data_preprocessor=dict(type="DeblurDataPreprocessor", pad_size_divisor=1),
    channels_last=True,
)
# the demo base pipeline with this crop size (docs/configs.md, "Crop size ...")
train_pipeline = [dict(step, crop_size=crop_size) if "crop_size" in step else step
                  for step in _base_.train_pipeline]
train_dataloader = dict(batch_size=16, dataset=dict(pipeline=train_pipeline))
optim_wrapper = dict(
    generator=dict(optimizer=dict(lr=2e-3, betas=(0.9, 0.99))),
    discriminator=dict(optimizer=dict(betas=(0.9, 0.99))),
)
