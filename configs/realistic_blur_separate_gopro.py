# Scheme 1 of "Deblurring by Realistic Blurring" (docs/methods/realistic_blur.md): DBGAN
# (configs/dbgan_gopro.py settings) trained on blur made by a frozen, pre-trained BGAN.
#   1. python tools/train.py configs/bgan_gopro.py        -> work_dirs/bgan_gopro/iter_*.pth
#   2. python tools/train.py configs/realistic_blur_separate_gopro.py \
#          --cfg-options model.blur_generator_ckpt=work_dirs/bgan_gopro/iter_300000.pth
# The BGAN generator is the one configs/bgan_gopro.py trains (configs/_base_/models/bgan.py).
# real_pair_ratio=0 trains on BGAN blur only (the paper, as far as known); e.g. 0.5 uses GoPro's
# real blurred frame for half of the samples.
_base_ = ["./dbgan_gopro.py", "_base_/models/bgan.py"]

model = dict(
    type="RealisticBlurSeparate",
    blur_generator=_base_.bgan_generator,
    blur_generator_ckpt="work_dirs/bgan_gopro/iter_300000.pth",
    blur_generator_ckpt_prefix=None,  # auto: 'generator.' (BGAN) or 'blur_generator.' (joint)
    real_pair_ratio=0.0,
    test_noise_seed=0,
)
custom_hooks = [
    dict(type="DeblurVisualizationHook", max_samples=8,
         image_fields=("input_img", "synthetic_blur_img", "pred_img", "gt_img")),
]
