# Blur2Blur two-stage inference on the demo data: the translator of configs/demo/
# blur2blur_demo.py, then the known-blur deblurrer of configs/demo/mimo_unet_demo.py (trained
# on the synthetic camera-shake pairs). The checkpoint paths are where
# restorekit/demo/blur2blur.py writes them (python tools/demo.py --methods blur2blur).
# val/test = the held-out "real blur" pairs (test_realblur), so this config is also usable as
# an arm of the realistic-blur study:
#   python tools/test.py configs/demo/blur2blur_two_stage_demo.py none
_base_ = [
    "../_base_/default_runtime.py",
    "../_base_/datasets/demo_realblur.py",
    "../_base_/models/demo.py",
]

work = "work_dirs/demo/blur2blur"  # python tools/demo.py --methods blur2blur
model = dict(
    type="Blur2BlurDeblurrer",
    translator=_base_.demo_mimo_unet,  # as configs/demo/blur2blur_demo.py trains it
    translator_ckpt=f"{work}/translator/iter_200.pth",
    deblurrer=_base_.demo_mimo_unet,  # as configs/demo/mimo_unet_demo.py trains it
    deblurrer_ckpt=f"{work}/deblurrer/iter_400.pth",
    data_preprocessor=dict(type="DeblurDataPreprocessor", pad_size_divisor=1),
)
# inference only: no training data, no optimizer (the base's unpaired train loader is dropped)
train_dataloader = None
val_cfg = dict(type="ValLoop")
test_cfg = dict(type="TestLoop")
