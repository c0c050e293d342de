# Study arm A2, scheme 1 (docs/experiments/realistic_blur.md): the A1 DBGAN trained on the blur
# of a frozen BGAN trained by configs/demo/bgan_kernel_demo.py (the gated BGAN). The study
# (restorekit/demo/study.py) trains that BGAN per seed, sets blur_generator_ckpt and copies
# blur_generator from the BGAN config (the copy below must match it).
#   python tools/bgan_gate.py configs/demo/bgan_kernel_demo.py --work-dir work_dirs/bgan_kernel
#   python tools/train.py configs/demo/study/a2_separate.py \
#       --cfg-options model.blur_generator_ckpt=work_dirs/bgan_kernel/iter_300.pth
_base_ = ["./a1_naive.py"]

model = dict(
    type="RealisticBlurSeparate",
    blur_generator=_base_.demo_kernel_blur_generator,
    blur_generator_ckpt="work_dirs/bgan_kernel/iter_300.pth",
    blur_generator_ckpt_prefix="generator.",
    real_pair_ratio=0.0,
)
# sharp crops only (the BGAN makes the blur), same crop size, flips and batch as A1
train_pipeline = [
    dict(type="LoadImageFromFile", key="gt"),
    dict(type="PairedRandomCrop", crop_size=48, keys=("gt",)),
    dict(type="Flip", keys=("gt",), direction="horizontal", prob=0.5),
    dict(type="Flip", keys=("gt",), direction="vertical", prob=0.5),
    dict(type="RandomTransposeHW", keys=("gt",), prob=0.5),
    dict(type="PackInputs", input_key="gt", image_keys=()),
]
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type="DemoUnpairedDataset",
        root="data/demo",
        domains=dict(gt="train/sharp"),
        pipeline=train_pipeline,
    )
)
