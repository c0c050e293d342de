# A small BGAN that trains on CPU in minutes on the demo data (docs/methods/bgan.md): learns to
# turn the demo's sharp training crops into blur that looks like the demo's unpaired "real blur"
# domain (a different process: spatially varying shake in linear light, sensor noise, JPEG).
# Same method as configs/bgan_gopro.py with a narrow one-block RRDB, a small PatchGAN (blur is
# a local texture) and an L1 content term instead of the VGG perceptual loss
# (no ImageNet weights offline). Validation compares BGAN(sharp) with the real blur of the
# held-out test_realblur pairs by blur realism (mean ratio, band energies, edge width).
_base_ = [
    "../_base_/schedules/demo.py",  # includes default_runtime.py
    "../_base_/datasets/demo_realblur.py",
    "../_base_/models/demo.py",
]

max_iters = 1000
param_scheduler = dict(T_max=max_iters)
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(logger=dict(interval=100), checkpoint=dict(interval=max_iters))
model = dict(
    type="BGAN",
    generator=_base_.demo_bgan_generator,
    discriminator=_base_.demo_patch_discriminator,
    # the paper's weighting (reference/methods.md §1.4): content 1, RBL 0.005 (L1 stands in for
    # the VGG term). This paper-faithful BGAN does not pass the blur gate (docs/methods/bgan.md,
    # "Gate"); configs/demo/bgan_kernel_demo.py is the gated one
    pixel_loss=dict(type="L1Loss", loss_weight=1.0),
    gan_loss=dict(type="RelativisticAverageLoss", mode="ls", loss_weight=0.005),
    train_cfg=dict(disc_steps=1, gen_steps=1, disc_init_steps=0),
    data_preprocessor=dict(type="DeblurDataPreprocessor", image_keys=("gt", "real_blur")),
)
gan_adam = dict(optimizer=dict(lr=5e-4, betas=(0.5, 0.99)))
optim_wrapper = dict(generator=gan_adam, discriminator=gan_adam)
val_evaluator = dict(
    type="Evaluator",
    metrics=[dict(type="MeanIntensityRatio"), dict(type="BandEnergyProfile"),
             dict(type="EdgeWidth")],
)
test_evaluator = val_evaluator
