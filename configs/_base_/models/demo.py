# Demo-size networks (configs/demo/): narrow enough to train on CPU in minutes, no pretrained
# weights. configs/demo/realistic_blur_separate_demo.py loads a BGAN trained by
# configs/demo/bgan_demo.py into demo_bgan_generator: both must use this one definition.
demo_bgan_generator = dict(
    type="BlurGenerator",
    mid_channels=24,
    num_blocks=1,
    growth_channels=12,
    init="kaiming_scaled",
    noise_mode="tiled_vector",
    noise_channels=4,
    noise_scale=1.0,
)
demo_rrdbnet = dict(
    type="RRDBNet", mid_channels=24, num_blocks=1, growth_channels=12, init="kaiming_scaled"
)
# a small U-Net without norm or dropout, with a global residual (BGAN / joint U-Net variants)
demo_unet = dict(
    type="UNetGenerator", depth=4, base_channels=16, norm="none", dropout=False,
    global_residual=True,
)
# size-agnostic discriminators: the demo crops differ between configs
demo_global_pool_discriminator = dict(
    type="GlobalPoolDiscriminator", base_channels=16, num_stages=3, norm="none"
)
demo_patch_discriminator = dict(
    type="PatchDiscriminator", in_channels=3, base_channels=16, n_layers=2, norm="none"
)
