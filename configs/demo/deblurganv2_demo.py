# DeblurGAN-v2 (FPN-MobileNetV2 + double-scale D + RaGAN-LS) on the embedded demo data: a CPU
# run of a few minutes (make demo). Same method as configs/deblurganv2_fpn_mobilenet_gopro.py
# with these demo changes:
# * pretrained_backbone=None: random MobileNetV2 (no ImageNet weights offline); the warm-up
#   still freezes it for the first warmup_iters iterations, then unfreezes it and resets the
#   generator's Adam state, exactly as the full config does;
# * no VGG perceptual loss (needs ImageNet VGG19 weights); the pixel MSE keeps the official
#   weight (0.5 on ImageNet-normalised images = 9.792 on [0, 1] images);
# * narrower discriminators (base_channels 16), batch 4 of 96x96 crops, lr 1e-3 with cosine
#   decay instead of batch 1 / 256 crops / 1e-4 with the official linear decay.
_base_ = ["../_base_/default_runtime.py", "../_base_/datasets/demo.py"]

max_iters = 600
warmup_iters = 100
adv_lambda = 0.001
crop_size = 96

model = dict(
    type="DeblurGANv2",
    generator=dict(
        type="FPNGenerator",
        backbone="mobilenet_v2",
        num_filters=64,
        num_filters_fpn=128,
        norm="instance",
        pretrained_backbone=None,  # random on purpose (demo); see the GoPro config
        inference_norm="eval",
    ),
    discriminator=dict(type="DoubleScaleDiscriminator", base_channels=16, norm="instance"),
    pixel_loss=dict(type="MSELoss", loss_weight=9.792),
    perceptual_loss=None,
    gan_loss=dict(
        type="RelativisticAverageLoss",
        mode="ls",
        pool_size=50,
        loss_weight=adv_lambda,
        disc_loss_weight=adv_lambda,
    ),
    train_cfg=dict(warmup_iters=warmup_iters),
    # the generator pads to 32 itself (mid grey); the 192x192 test images need no padding
    data_preprocessor=dict(type="DeblurDataPreprocessor", pad_size_divisor=1),
)
# the demo base pipeline, with this config's crop size (step 2 is PairedRandomCrop)
train_pipeline = _base_.train_pipeline
train_pipeline[2]["crop_size"] = crop_size
train_dataloader = dict(batch_size=4, dataset=dict(pipeline=train_pipeline))
optim_wrapper = dict(
    constructor="MultiOptimWrapperConstructor",
    generator=dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=1e-3, betas=(0.9, 0.999))),
    discriminator=dict(
        type="OptimWrapper", optimizer=dict(type="Adam", lr=1e-4, betas=(0.9, 0.999))
    ),
)
param_scheduler = dict(type="CosineAnnealingLR", T_max=max_iters, eta_min=1e-5, by_epoch=False)
train_cfg = dict(type="IterBasedTrainLoop", max_iters=max_iters, val_interval=max_iters)
val_cfg = dict(type="ValLoop")
test_cfg = dict(type="TestLoop")
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(interval=max_iters, max_keep_ckpts=1),
)
# the frozen backbone gives no gradients during the warm-up (matters only under DDP)
model_wrapper_cfg = dict(find_unused_parameters=True)
