# A small NAFNet trained by the supervised Restorer on the embedded demo data in CPU minutes
# (make demo). Same recipe as configs/nafnet_w32_gopro.py (PSNRLoss; AdamW lr 1e-3, betas
# (0.9, 0.9), weight decay 0, cosine to 1e-7, gradient-norm clip 0.01) with a demo-size
# network and schedule: width 16, one block per level (1.14 M parameters instead of 17.1 M),
# 300 iterations of 64x64 crops in batches of 8 (official: 200k of 256x256 x 32).
#   python tools/train.py configs/demo/nafnet_demo.py
_base_ = ["../_base_/default_runtime.py", "../_base_/datasets/demo.py"]

max_iters = 300
crop_size = 64
model = dict(
    type="Restorer",
    generator=dict(
        type="NAFNet",
        width=16,
        enc_blk_nums=[1, 1, 1, 1],
        middle_blk_num=1,
        dec_blk_nums=[1, 1, 1, 1],
        pad_mode="constant",  # official check_image_size (zeros bottom/right to 16)
    ),
    pixel_loss=dict(type="PSNRLoss", loss_weight=1.0),
    data_preprocessor=dict(type="DeblurDataPreprocessor", pad_size_divisor=1),
)
train_pipeline = [dict(step, crop_size=crop_size) if "crop_size" in step else step
                  for step in _base_.train_pipeline]
train_dataloader = dict(batch_size=8, dataset=dict(pipeline=train_pipeline))
optim_wrapper = dict(
    constructor="MultiOptimWrapperConstructor",
    generator=dict(
        type="OptimWrapper",
        optimizer=dict(type="AdamW", lr=1e-3, betas=(0.9, 0.9), weight_decay=0.0),
        clip_grad=dict(max_norm=0.01),
    ),
)
param_scheduler = dict(type="CosineAnnealingLR", T_max=max_iters, eta_min=1e-7, by_epoch=False)
train_cfg = dict(type="IterBasedTrainLoop", max_iters=max_iters, val_interval=max_iters)
val_cfg = dict(type="ValLoop")
test_cfg = dict(type="TestLoop")
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(interval=max_iters, max_keep_ckpts=1),
)
