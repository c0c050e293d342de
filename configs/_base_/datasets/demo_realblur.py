# The realistic-blur study's demo data (restorekit.demo.realblur), built on first use:
# train = the 64 sharp training crops (gt) + an unpaired partner from the 64 "real blur" images
# (a different blur process: spatially varying kernels in linear light, sensor noise, JPEG);
# val/test = the 8 held-out "real blur" pairs of the test photos (never used for training).
data_root = "data/demo"
crop_size = 64

train_pipeline = [
    dict(type="LoadImageFromFile", key="gt"),
    dict(type="LoadImageFromFile", key="real_blur"),
    # independent crops and flips: the two domains are unpaired
    dict(type="PairedRandomCrop", crop_size=crop_size, keys=("gt",)),
    dict(type="PairedRandomCrop", crop_size=crop_size, keys=("real_blur",)),
    dict(type="Flip", keys=("gt",), direction="horizontal", prob=0.5),
    dict(type="Flip", keys=("real_blur",), direction="horizontal", prob=0.5),
    dict(type="RandomTransposeHW", keys=("gt",), prob=0.5),
    dict(type="RandomTransposeHW", keys=("real_blur",), prob=0.5),
    dict(type="PackInputs", input_key="gt", image_keys=("real_blur",)),
]
test_pipeline = [
    dict(type="LoadImageFromFile", key="img"),
    dict(type="LoadImageFromFile", key="gt"),
    dict(type="PackInputs", input_key="img", image_keys=("gt",)),
]

train_dataloader = dict(
    batch_size=8,
    num_workers=0,
    sampler=dict(type="InfiniteSampler", shuffle=True),
    dataset=dict(type="DemoUnpairedDataset", root=data_root, pipeline=train_pipeline),
)
val_dataloader = dict(
    batch_size=1,
    num_workers=0,
    sampler=dict(type="DefaultSampler", shuffle=False),
    dataset=dict(
        type="DemoPairedDataset",
        root=data_root,
        split="test_realblur",
        test_mode=True,
        pipeline=test_pipeline,
    ),
)
test_dataloader = val_dataloader
val_evaluator = dict(type="Evaluator", metrics=[dict(type="PSNR"), dict(type="SSIM")])
test_evaluator = val_evaluator
