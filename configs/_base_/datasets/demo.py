# The embedded demo data built by tools/make_demo_data.py from scikit-image's photos:
# data/demo/{train,test}/{blur,sharp}/*.png, generated on first use by DemoPairedDataset;
# the test photos are never used for training. Another crop size: the idiom of gopro.py.
data_root = "data/demo"
crop_size = 64

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
    batch_size=8,
    num_workers=0,
    sampler=dict(type="InfiniteSampler", shuffle=True),
    dataset=dict(
        type="DemoPairedDataset",
        root=data_root,
        split="train",
        pipeline=train_pipeline,
    ),
)
val_dataloader = dict(
    batch_size=1,
    num_workers=0,
    sampler=dict(type="DefaultSampler", shuffle=False),
    dataset=dict(
        type="DemoPairedDataset",
        root=data_root,
        split="test",
        test_mode=True,
        pipeline=test_pipeline,
    ),
)
test_dataloader = val_dataloader
val_evaluator = dict(type="Evaluator", metrics=[dict(type="PSNR"), dict(type="SSIM")])
test_evaluator = val_evaluator
