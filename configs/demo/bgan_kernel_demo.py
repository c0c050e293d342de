# The gated demo BGAN (docs/methods/bgan.md, "Gate"): a BGAN that learns blur on CPU in minutes.
# Same method and paper weighting as configs/bgan_gopro.py (content 1, RBL 0.005), with the
# physically constrained KernelBlurGenerator (softmax kernels in linear light + a bounded
# zero-mean noise/JPEG residual: it can only blur) and LowPassLoss as the content term (pins
# tone and contrast through 4x4 area averages, leaves the blur free). Both are restorekit
# deviations from the paper; configs/demo/bgan_demo.py keeps the paper's RRDB generator.
#   python tools/bgan_gate.py configs/demo/bgan_kernel_demo.py     # trains, prints the gate
_base_ = [
    "../_base_/default_runtime.py",
    "../_base_/datasets/demo_realblur.py",
    "../_base_/models/demo.py",
]

max_iters = 300
model = dict(
    type="BGAN",
    generator=_base_.demo_kernel_blur_generator,
    discriminator=dict(
        type="PatchDiscriminator", in_channels=3, base_channels=16, n_layers=2, norm="none"
    ),
    pixel_loss=dict(type="LowPassLoss", scale=4, mode="area", loss_weight=1.0),
    gan_loss=dict(type="RelativisticAverageLoss", mode="ls", loss_weight=0.05),
    train_cfg=dict(disc_steps=1, gen_steps=1, disc_init_steps=0),
    data_preprocessor=dict(type="DeblurDataPreprocessor", image_keys=("gt", "real_blur")),
)
optim_wrapper = dict(
    constructor="MultiOptimWrapperConstructor",
    generator=dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=5e-4, betas=(0.5, 0.99))),
    discriminator=dict(
        type="OptimWrapper", optimizer=dict(type="Adam", lr=5e-4, betas=(0.5, 0.99))
    ),
)
param_scheduler = dict(type="CosineAnnealingLR", T_max=max_iters, eta_min=1e-5, by_epoch=False)
train_cfg = dict(type="IterBasedTrainLoop", max_iters=max_iters, val_interval=max_iters)
val_cfg = dict(type="ValLoop")
test_cfg = dict(type="TestLoop")
# BGAN is validated by blur realism (BGAN(sharp) vs the real blur of the held-out pairs),
# not by PSNR of blur against blur
val_evaluator = dict(
    type="Evaluator",
    metrics=[dict(type="MeanIntensityRatio"), dict(type="BandEnergyProfile"),
             dict(type="EdgeWidth")],
)
test_evaluator = val_evaluator
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(interval=max_iters, max_keep_ckpts=1),
)
custom_hooks = [
    dict(type="DeblurVisualizationHook", max_samples=8,
         image_fields=("input_img", "pred_img", "gt_img")),
]
