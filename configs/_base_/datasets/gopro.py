# GoPro_Large: <data_root>/{train,test}/<sequence>/{blur,blur_gamma,sharp}/*.png
# A config that trains on other crops names the size and rebuilds the pipeline with it
# (docs/configs.md, "Crop size ..."; mmengine evaluates this file before the config's values):
#   crop_size = 256
#   train_pipeline = [dict(step, crop_size=crop_size) if "crop_size" in step else step
#                     for step in _base_.train_pipeline]
#   train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
data_root = "data/GOPRO_Large"
crop_size = 128

train_pipeline = [
    dict(type="LoadImageFromFile", key="img"),
    dict(type="LoadImageFromFile", key="gt"),
    dict(type="PairedRandomCrop", crop_size=crop_size, keys=("img", "gt")),
    dict(type="Flip", keys=("img", "gt"), direction="horizontal", prob=0.5),
    dict(type="Flip", keys=("img", "gt"), direction="vertical", prob=0.5),
    dict(type="RandomTransposeHW", keys=("img", "gt"), prob=0.5),
    dict(type="PackInputs", input_key="img", image_keys=("gt",)),
]
test_pipeline = [
    dict(type="LoadImageFromFile", key="img"),
    dict(type="LoadImageFromFile", key="gt"),
    dict(type="PackInputs", input_key="img", image_keys=("gt",)),
]

train_dataloader = dict(
    batch_size=4,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type="InfiniteSampler", shuffle=True),
    dataset=dict(
        type="PairedImageDataset",
        data_root=data_root,
        layout="gopro",
        split="train",
        blur_dir="blur",
        pipeline=train_pipeline,
    ),
)
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=False,
    sampler=dict(type="DefaultSampler", shuffle=False),
    dataset=dict(
        type="PairedImageDataset",
        data_root=data_root,
        layout="gopro",
        split="test",
        blur_dir="blur",
        test_mode=True,
        pipeline=test_pipeline,
    ),
)
test_dataloader = val_dataloader
# GoPro protocol here: RGB, mean of per-channel 2-D SSIM, not MATLAB's 3-D SSIM (docs/metrics.md)
val_evaluator = dict(type="Evaluator", metrics=[dict(type="PSNR"), dict(type="SSIM")])
test_evaluator = val_evaluator
