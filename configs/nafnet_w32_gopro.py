# NAFNet-width32 (Chen et al., "Simple Baselines for Image Restoration", ECCV 2022) trained on
# GoPro by the supervised Restorer, with the official recipe (megvii-research/NAFNet @01a4c86,
# options/train/GoPro/NAFNet-width32.yml, MIT; docs/methods/nafnet.md):
# * network_g: width 32, enc_blk_nums [1, 1, 1, 28], middle_blk_num 1, dec_blk_nums [1, 1, 1, 1]
#   (the options name NAFNetLocal, whose TLSC pooling only changes test-time inference; at the
#   256 training crops it equals plain NAFNet; restorekit has no TLSC, see the docs);
# * pixel_opt: PSNRLoss, loss_weight 1, reduction mean;
# * schedule: _base_/schedules/nafnet_schedule.py (AdamW 1e-3, betas (0.9, 0.9), weight decay 0,
#   cosine to 1e-7 over 200k iterations, gradient-norm clip 0.01);
# * data: gt_size 256 random crops with flips and 90-degree rotations (use_flip, use_rot),
#   batch_size_per_gpu 4 on num_gpu 8 = 32 images per iteration. The official code crops from
#   512x512 sub-images stored in LMDB (scripts/data_preparation/gopro.py); we crop from the
#   full frames (same crop distribution up to the sub-image borders);
# * manual_seed 10.
# Train (the batch is per GPU, so 8 processes give the official 32):
#   tools/dist_train.sh configs/nafnet_w32_gopro.py 8
# Official GoPro test: 32.87 dB / 0.9606 (README; measured with NAFNetLocal and MATLAB-style SSIM).
_base_ = [
    "_base_/default_runtime.py",
    "_base_/datasets/gopro.py",
    "_base_/schedules/nafnet_schedule.py",
]

crop_size = 256
model = dict(
    type="Restorer",
    generator=dict(
        type="NAFNet",
        width=32,
        enc_blk_nums=[1, 1, 1, 28],
        middle_blk_num=1,
        dec_blk_nums=[1, 1, 1, 1],
        pad_mode="constant",  # the official check_image_size: zeros bottom/right to 16
    ),
    pixel_loss=dict(type="PSNRLoss", loss_weight=1.0),
    # the generator pads itself (official inference); no padding here
    data_preprocessor=dict(type="DeblurDataPreprocessor", pad_size_divisor=1),
)
train_pipeline = [dict(step, crop_size=crop_size) if "crop_size" in step else step
                  for step in _base_.train_pipeline]
train_dataloader = dict(batch_size=4, dataset=dict(pipeline=train_pipeline))
auto_scale_lr = dict(base_batch_size=32, enable=False)  # official: 4 per GPU x 8 GPUs
randomness = dict(seed=10)
