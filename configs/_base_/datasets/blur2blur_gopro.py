# Blur2Blur with GoPro as the known blur (folder layout: configs/blur2blur_gopro.py,
# docs/datasets.md): train = A/B (unknown domain, unpaired) + C/D (GoPro pairs) in
# data/blur2blur_gopro/train{A,B,C,D}; val/test = the unknown-domain test pairs
# data/blur2blur_gopro/test/{blur,sharp}, on which the two-stage model is evaluated
# (configs/blur2blur_deblur_gopro.py; the translator config has no validation).
# Crop size: the idiom of gopro.py (all three crops carry crop_size).
_base_ = ["./gopro.py"]

data_root = "data/blur2blur_gopro"
crop_size = 256
train_pipeline = [
    dict(type="LoadImageFromFile", key="img"),
    dict(type="LoadImageFromFile", key="sharp"),
    dict(type="LoadImageFromFile", key="known_blur"),
    dict(type="LoadImageFromFile", key="known_sharp"),
    # A and B: independent crops and flips; C and D: one window for both (an aligned pair)
    dict(type="PairedRandomCrop", crop_size=crop_size, keys=("img",)),
    dict(type="PairedRandomCrop", crop_size=crop_size, keys=("sharp",)),
    dict(type="PairedRandomCrop", crop_size=crop_size, keys=("known_blur", "known_sharp")),
    dict(type="Flip", keys=("img",), direction="horizontal", prob=0.5),
    dict(type="Flip", keys=("sharp",), direction="horizontal", prob=0.5),
    dict(type="PackInputs", input_key="img", image_keys=("sharp", "known_blur", "known_sharp")),
]
train_dataloader = dict(
    batch_size=1,
    dataset=dict(_delete_=True, type="Blur2BlurDataset", data_root=data_root, phase="train",
                 split_ratio=None, seed=0, pipeline=train_pipeline),
)
val_dataloader = dict(
    dataset=dict(_delete_=True, type="PairedImageDataset", data_root=f"{data_root}/test",
                 layout="folders", input_dir="blur", target_dir="sharp", test_mode=True,
                 pipeline=_base_.test_pipeline),
)
test_dataloader = val_dataloader
