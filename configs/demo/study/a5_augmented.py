# Study arm A5 (docs/experiments/realistic_blur.md): the A1 DBGAN trained on a *better
# hand-made* blur instead of a learned one: the same sharp training crops as A2, blurred on the
# fly by SyntheticMotionBlur with broad augmentation -- camera-shake trajectories of 9-25 px
# (the naive pairs use 9-13), blur in linear light (gamma 2.2), Gaussian noise sigma 0-0.02,
# JPEG quality 60-95. It knows nothing of the real-blur process beyond what a practitioner
# would guess (no spatially varying kernels, no Poisson noise). Question it answers: does a
# learned blur (A2, A3, B2B) beat a better hand-made one?
_base_ = ["./a1_naive.py"]

crop_size = 48
train_pipeline = [
    dict(type="LoadImageFromFile", key="gt"),
    dict(type="PairedRandomCrop", crop_size=crop_size, keys=("gt",)),
    dict(type="Flip", keys=("gt",), direction="horizontal", prob=0.5),
    dict(type="Flip", keys=("gt",), direction="vertical", prob=0.5),
    dict(type="RandomTransposeHW", keys=("gt",), prob=0.5),
    dict(type="SyntheticMotionBlur", kernel_type="trajectory", kernel_size=(9, 25),
         gamma=2.2, noise_sigma=(0.0, 0.02), jpeg_quality=(60, 95), gt_key="gt", img_key="img"),
    dict(type="PackInputs", input_key="img", image_keys=("gt",)),
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
