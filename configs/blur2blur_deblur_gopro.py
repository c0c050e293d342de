# Blur2Blur two-stage inference with GoPro as the known blur: the translator trained by
# configs/blur2blur_gopro.py turns an unknown-domain blurry image into one with GoPro's blur,
# then the GoPro MIMO-UNet of configs/mimo_unet_gopro.py deblurs it. Each stage is loaded
# strictly from its own checkpoint at construction (paths below); no training here.
# Test (metrics on unknown-domain test pairs, data/blur2blur_gopro/test/{blur,sharp}):
#   python tools/test.py configs/blur2blur_deblur_gopro.py none   # 'none': the config's stage
#                                                                 # checkpoints
# Deblur any image: python tools/deblur.py configs/blur2blur_deblur_gopro.py none in.png \
#   --out-dir out/
_base_ = [
    "_base_/default_runtime.py",
    "_base_/datasets/blur2blur_gopro.py",  # val/test: data/blur2blur_gopro/test/{blur,sharp}
    "_base_/models/mimo_unet.py",
]

model = dict(
    type="Blur2BlurDeblurrer",
    translator=_base_.mimo_unet,  # as configs/blur2blur_gopro.py trains it
    translator_ckpt="work_dirs/blur2blur_gopro/iter_600000.pth",
    deblurrer=_base_.mimo_unet,  # as configs/mimo_unet_gopro.py trains it
    deblurrer_ckpt="work_dirs/mimo_unet_gopro/iter_1578000.pth",  # or a converted official
    # MIMO-UNet.pkl: python tools/converters/mimo_unet.py MIMO-UNet.pkl checkpoints/mimo_unet.pth
    data_preprocessor=dict(type="DeblurDataPreprocessor", pad_size_divisor=1),
)
# inference only: no training data, no optimizer (the base's A/B/C/D train loader is dropped)
train_dataloader = None
val_cfg = dict(type="ValLoop")
test_cfg = dict(type="TestLoop")
