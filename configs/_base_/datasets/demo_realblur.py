# The realistic-blur study's demo data (restorekit.demo.realblur), built on first use:
# train = the 64 sharp training crops (gt) + an unpaired partner from the 64 "real blur" images
# (a different blur process: spatially varying kernels in linear light, sensor noise, JPEG);
# val/test = the 8 held-out "real blur" pairs of the test photos (never used for training).
# Crop size: the idiom of gopro.py (both crops carry crop_size).
_base_ = ["./demo.py"]

train_pipeline = [
    dict(type="LoadImageFromFile", key="gt"),
    dict(type="LoadImageFromFile", key="real_blur"),
    # independent crops and flips: the two domains are unpaired
    dict(type="PairedRandomCrop", crop_size=_base_.crop_size, keys=("gt",)),
    dict(type="PairedRandomCrop", crop_size=_base_.crop_size, keys=("real_blur",)),
    dict(type="Flip", keys=("gt",), direction="horizontal", prob=0.5),
    dict(type="Flip", keys=("real_blur",), direction="horizontal", prob=0.5),
    dict(type="RandomTransposeHW", keys=("gt",), prob=0.5),
    dict(type="RandomTransposeHW", keys=("real_blur",), prob=0.5),
    dict(type="PackInputs", input_key="gt", image_keys=("real_blur",)),
]
train_dataloader = dict(
    dataset=dict(
        _delete_=True, type="DemoUnpairedDataset", root=_base_.data_root, pipeline=train_pipeline
    ),
)
val_dataloader = dict(dataset=dict(split="test_realblur"))
test_dataloader = val_dataloader
