# Blur2Blur two-stage inference with GoPro as the known blur: the translator trained by
# configs/blur2blur_gopro.py turns an unknown-domain blurry image into one with GoPro's blur,
# then the GoPro MIMO-UNet of configs/mimo_unet_gopro.py deblurs it. Each stage is loaded
# strictly from its own checkpoint at construction (paths below); no training here.
# Test (metrics on unknown-domain test pairs, data/blur2blur_gopro/test/{blur,sharp}):
#   python tools/test.py configs/blur2blur_deblur_gopro.py none   # 'none': the config's stage
#                                                                 # checkpoints
# Deblur any image: python tools/deblur.py configs/blur2blur_deblur_gopro.py none in.png \
#   --out-dir out/
_base_ = ["_base_/default_runtime.py"]

data_root = "data/blur2blur_gopro"
model = dict(
    type="Blur2BlurDeblurrer",
    translator=dict(type="MIMOUNet", base_channels=32, num_blocks=8),
    translator_ckpt="work_dirs/blur2blur_gopro/iter_600000.pth",
    deblurrer=dict(type="MIMOUNet", base_channels=32, num_blocks=8),
    deblurrer_ckpt="work_dirs/mimo_unet_gopro/iter_1578000.pth",  # or a converted official
    # MIMO-UNet.pkl: python tools/converters/mimo_unet.py MIMO-UNet.pkl checkpoints/mimo_unet.pth
    data_preprocessor=dict(type="DeblurDataPreprocessor", pad_size_divisor=1),
)
test_pipeline = [
    dict(type="LoadImageFromFile", key="img"),
    dict(type="LoadImageFromFile", key="gt"),
    dict(type="PackInputs", input_key="img", image_keys=("gt",)),
]
test_dataloader = dict(
    batch_size=1,
    num_workers=2,
    sampler=dict(type="DefaultSampler", shuffle=False),
    dataset=dict(type="PairedImageDataset", data_root=f"{data_root}/test", layout="folders",
                 input_dir="blur", target_dir="sharp", test_mode=True, pipeline=test_pipeline),
)
test_evaluator = dict(type="Evaluator", metrics=[dict(type="PSNR"), dict(type="SSIM")])
test_cfg = dict(type="TestLoop")
val_dataloader = test_dataloader
val_evaluator = test_evaluator
val_cfg = dict(type="ValLoop")
