# Scheme 1 of "Deblurring by Realistic Blurring" (docs/methods/realistic_blur.md): DBGAN
# (configs/dbgan_gopro.py settings) trained on blur made by a frozen, pre-trained BGAN.
#   1. python tools/train.py configs/bgan_gopro.py        -> work_dirs/bgan_gopro/iter_*.pth
#   2. python tools/train.py configs/realistic_blur_separate_gopro.py \
#          --cfg-options model.blur_generator_ckpt=work_dirs/bgan_gopro/iter_300000.pth
# The BGAN generator config below must match the trained one. real_pair_ratio=0 trains on BGAN
# blur only (the paper, as far as known); e.g. 0.5 uses GoPro's real blurred frame for half of
# the samples.
_base_ = ["./dbgan_gopro.py"]

model = dict(
    type="RealisticBlurSeparate",
    blur_generator=dict(
        type="BlurGenerator",
        mid_channels=64,
        num_blocks=9,
        growth_channels=32,
        noise_mode="tiled_vector",
        noise_channels=4,
        noise_scale=1.0,
    ),
    blur_generator_ckpt="work_dirs/bgan_gopro/iter_300000.pth",
    blur_generator_ckpt_prefix=None,  # auto: 'generator.' (BGAN) or 'blur_generator.' (joint)
    real_pair_ratio=0.0,
    test_noise_seed=0,
)
custom_hooks = [
    dict(type="DeblurVisualizationHook", max_samples=8,
         image_fields=("input_img", "synthetic_blur_img", "pred_img", "gt_img")),
]
