# BGAN / joint realistic-blur data: GoPro sharp frames + a folder of unpaired real blurred photos
# (e.g. RWBI, the paper's "real-world blurred images"; Google-Drive link in the official README).
#   data/GOPRO_Large/train/<sequence>/sharp/*.png
#   data/GOPRO_Large/train_sharp.txt   one path per line, relative to data/, made once with
#       (cd data && find GOPRO_Large/train -path '*/sharp/*.png' | sort > GOPRO_Large/train_sharp.txt)
#   data/RWBI/**/*.{png,jpg}           any folder tree of real blurred photos
# Validation (gopro.py): GoPro test pairs. For BGAN, pred_img = BGAN(sharp) is compared with
# GoPro's real blur (gt_img); for the deblurring methods it is the usual deblurred-vs-sharp
# evaluation. Crop size: the idiom of gopro.py (both crops carry crop_size).
_base_ = ["./gopro.py"]

data_root = "data"
train_pipeline = [
    dict(type="LoadImageFromFile", key="gt"),
    dict(type="LoadImageFromFile", key="real_blur"),
    # independent crops and flips: the two domains are unpaired
    dict(type="PairedRandomCrop", crop_size=_base_.crop_size, keys=("gt",)),
    dict(type="PairedRandomCrop", crop_size=_base_.crop_size, keys=("real_blur",)),
    dict(type="Flip", keys=("gt",), direction="horizontal", prob=0.5),
    dict(type="Flip", keys=("real_blur",), direction="horizontal", prob=0.5),
    dict(type="PackInputs", input_key="gt", image_keys=("real_blur",)),
]
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type="UnpairedImageDataset",
        data_root=data_root,
        domains=dict(gt=dict(ann_file="GOPRO_Large/train_sharp.txt"), real_blur=dict(dir="RWBI")),
        pipeline=train_pipeline,
    ),
)
