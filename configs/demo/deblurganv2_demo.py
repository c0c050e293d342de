# DeblurGAN-v2 (FPN-MobileNetV2 + double-scale D + RaGAN-LS) on the embedded demo data: a CPU
# run of a few minutes (make demo). Same method as configs/deblurganv2_fpn_mobilenet_gopro.py
# with these demo changes:
# * pretrained_backbone=None: random MobileNetV2 (no ImageNet weights offline); the warm-up
#   still freezes it for the first warmup_iters iterations, then unfreezes it and resets the
#   generator's Adam state, exactly as the full config does;
# * no VGG perceptual loss (needs ImageNet VGG19 weights); the pixel MSE keeps the official
#   weight (0.5 on ImageNet-normalised images = 9.792 on [0, 1] images);
# * narrower discriminators (base_channels 16), batch 4 of 96x96 crops, lr 1e-3 with cosine
#   decay over 300 iterations (configs/_base_/schedules/demo.py) instead of batch 1 / 256
#   crops / 1e-4 with the official linear decay.
_base_ = [
    "../_base_/schedules/demo.py",  # includes default_runtime.py
    "../_base_/datasets/demo.py",
    "../_base_/models/deblurganv2.py",
]

warmup_iters = 100
adv_lambda = 0.001
crop_size = 96

model = dict(
    type="DeblurGANv2",
    generator=dict(
        _base_.fpn_generator,
        pretrained_backbone=None,  # random on purpose (demo); see the GoPro config
        inference_norm="eval",
    ),
    discriminator=dict(_base_.double_scale_discriminator, base_channels=16),
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
    channels_last=True,
)
# the demo base pipeline with this crop size (docs/configs.md, "Crop size ...")
train_pipeline = [dict(step, crop_size=crop_size) if "crop_size" in step else step
                  for step in _base_.train_pipeline]
train_dataloader = dict(batch_size=4, dataset=dict(pipeline=train_pipeline))
# the frozen backbone gives no gradients during the warm-up (matters only under DDP)
model_wrapper_cfg = dict(find_unused_parameters=True)
