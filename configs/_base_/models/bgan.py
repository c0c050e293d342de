# The BGAN generator of "Deblurring by Realistic Blurring" (CVPR 2020; reference/methods.md
# §1.1): an RRDB trunk (nf 64, 9 blocks, gc 32) fed with sharp RGB + a tiled 4-dim N(0, 1)
# noise vector. One definition for configs/bgan_gopro.py, which trains it, and the
# realistic-blur schemes: scheme 1 (realistic_blur_separate_*) loads a trained BGAN into this
# block, so it must be the architecture that BGAN was trained with.
bgan_generator = dict(
    type="BlurGenerator",
    mid_channels=64,
    num_blocks=9,
    growth_channels=32,
    init="kaiming_scaled",
    noise_mode="tiled_vector",
    noise_channels=4,
    noise_scale=1.0,
)
