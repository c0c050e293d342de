# DeblurGAN-v2 networks (official config/config.yaml @595f258; reference/methods.md §3):
# FPN-MobileNetV2 generator (F 64 / Ff 128, InstanceNorm, pads to a multiple of 32 itself,
# train-mode-norm inference) and the double-scale discriminator (PatchGAN n_layers 3 + 5).
# The backbone's ImageNet weights must be provided by the user (see
# configs/deblurganv2_fpn_mobilenet_gopro.py); restorekit never downloads implicitly.
fpn_generator = dict(
    type="FPNGenerator",
    backbone="mobilenet_v2",
    num_filters=64,
    num_filters_fpn=128,
    norm="instance",
    pretrained_backbone="torchvision://mobilenet_v2",
    inference_norm="batch_stats",
    pad_mode="constant",
)
double_scale_discriminator = dict(
    type="DoubleScaleDiscriminator",
    in_channels=3,
    base_channels=64,
    patch_layers=3,
    full_layers=5,
    norm="instance",
    padding=2,
)
