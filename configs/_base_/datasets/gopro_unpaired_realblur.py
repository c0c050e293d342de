# BGAN / joint realistic-blur data: GoPro sharp frames + a folder of unpaired real blurred photos
# (e.g. RWBI, the paper's "real-world blurred images"; Google-Drive link in the official README).
#   data/GOPRO_Large/train/<sequence>/sharp/*.png
#   data/GOPRO_Large/train_sharp.txt   one path per line, relative to data/, made once with
#       (cd data && find GOPRO_Large/train -path '*/sharp/*.png' | sort > GOPRO_Large/train_sharp.txt)
#   data/RWBI/**/*.{png,jpg}           any folder tree of real blurred photos
# Validation: GoPro test pairs. For BGAN, pred_img = BGAN(sharp) is compared with GoPro's real
# blur (gt_img); for the deblurring methods it is the usual deblurred-vs-sharp evaluation.
data_root = "data"
crop_size = 128

train_pipeline = [
    dict(type="LoadImageFromFile", key="gt"),
    dict(type="LoadImageFromFile", key="real_blur"),
    # independent crops and flips: the two domains are unpaired
    dict(type="PairedRandomCrop", crop_size=crop_size, keys=("gt",)),
    dict(type="PairedRandomCrop", crop_size=crop_size, keys=("real_blur",)),
    dict(type="Flip", keys=("gt",), direction="horizontal", prob=0.5),
    dict(type="Flip", keys=("real_blur",), direction="horizontal", prob=0.5),
    dict(type="PackInputs", input_key="gt", image_keys=("real_blur",)),
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
        type="UnpairedImageDataset",
        data_root=data_root,
        domains=dict(gt=dict(ann_file="GOPRO_Large/train_sharp.txt"), real_blur=dict(dir="RWBI")),
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
        data_root="data/GOPRO_Large",
        layout="gopro",
        split="test",
        blur_dir="blur",
        test_mode=True,
        pipeline=test_pipeline,
    ),
)
test_dataloader = val_dataloader
val_evaluator = dict(type="Evaluator", metrics=[dict(type="PSNR"), dict(type="SSIM")])
test_evaluator = val_evaluator
