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
# Blur2Blur demo (restorekit/demo/blur2blur.py): configs/demo/mimo_unet_demo.py trains the
# known-blur deblurrer and configs/demo/blur2blur_demo.py the translator, both demo_mimo_unet,
# which configs/demo/blur2blur_two_stage_demo.py loads; configs/demo/kernel_wizard_demo.py
# trains the kernel encoder blur2blur_demo.py loads. Each must stay the trained architecture.
demo_mimo_unet = dict(type="MIMOUNet", base_channels=8, num_blocks=2)
demo_kernel_wizard = dict(
    type="KernelWizard", nf=8, front_blocks=1, back_blocks=2, kernel_dim=32, extractor_blocks=1
)
# The gated demo BGAN's generator (configs/demo/bgan_kernel_demo.py; docs/methods/bgan.md,
# "Gate"): a shake-path kernel per image in linear light + a learned noise residual with a
# sensor floor. The study's scheme-1/2 arms and make demo's joint section load or train it.
demo_kernel_blur_generator = dict(
    type="KernelBlurGenerator",
    kernel_size=15,
    mid_channels=16,
    num_layers=3,
    region_size=0,  # one kernel per image (noise-dependent): the fast grouped-conv path
    linear_light="srgb",
    residual_scale=0.02,
    residual_min=0.01,  # sensor-noise floor (std, sRGB)
    residual_mode="noise",  # learned per-pixel noise level: the real domain is noisy
    kernel_mode="trajectory",  # a shake path (4 control points), not a free softmax
    path_points=4,
    path_sigma=0.4,
    init_length=3.0,
    noise_mode="tiled_vector",
    noise_channels=4,
    noise_scale=1.0,
)
