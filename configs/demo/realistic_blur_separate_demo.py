# Scheme 1 on the demo data (docs/methods/realistic_blur.md): the demo DBGAN
# (configs/demo/dbgan_demo.py) trained on the blur of a frozen BGAN trained by
# configs/demo/bgan_demo.py, evaluated on the held-out "real blur" test pairs.
#   python tools/train.py configs/demo/bgan_demo.py            # -> work_dirs/bgan_demo/iter_1000.pth
#   python tools/train.py configs/demo/realistic_blur_separate_demo.py
_base_ = ["./dbgan_demo.py"]  # with ../_base_/models/demo.py

crop_size = 64
model = dict(
    type="RealisticBlurSeparate",
    blur_generator=_base_.demo_bgan_generator,  # the one configs/demo/bgan_demo.py trains
    blur_generator_ckpt="work_dirs/bgan_demo/iter_1000.pth",
    blur_generator_ckpt_prefix="generator.",
    real_pair_ratio=0.0,
)
# sharp crops only (the BGAN makes the blur); evaluation on the held-out real-blur pairs
train_pipeline = [
    dict(type="LoadImageFromFile", key="gt"),
    dict(type="PairedRandomCrop", crop_size=crop_size, keys=("gt",)),
    dict(type="Flip", keys=("gt",), direction="horizontal", prob=0.5),
    dict(type="Flip", keys=("gt",), direction="vertical", prob=0.5),
    dict(type="RandomTransposeHW", keys=("gt",), prob=0.5),
    dict(type="PackInputs", input_key="gt", image_keys=()),
]
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type="DemoUnpairedDataset",
        root=_base_.data_root,
        domains=dict(gt="train/sharp"),
        pipeline=train_pipeline,
    )
)
val_dataloader = dict(dataset=dict(split="test_realblur"))
test_dataloader = val_dataloader
custom_hooks = [
    dict(type="DeblurVisualizationHook", max_samples=8,
         image_fields=("input_img", "synthetic_blur_img", "pred_img", "gt_img")),
]
