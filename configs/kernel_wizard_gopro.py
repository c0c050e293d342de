# The blur-kernel encoder Blur2Blur uses (BKSE KernelWizard, Tran et al., CVPR 2021), trained
# on GoPro pairs with BKSE's recipe (options/kernel_encoding/GOPRO/woVAE.yml; reference/
# methods.md §4.4): nf 64, 10 front / 20 back residual blocks, kernel code 512, no VAE;
# L = Charbonnier(G(s, F(s, b)), b); Adam lr 1e-4, betas (0.9, 0.99); batch 16; 256 crops with
# flips and rotations; 600k iterations of cosine annealing with restarts (periods 50k, 100k,
# 150k, 150k, 150k; restart weights 1; eta_min 1e-8).
# BKSE reads GoPro's linear-space blur ("train_blur_linear" lmdb, i.e. GOPRO_Large's `blur`,
# not `blur_gamma`). Its checkpoint (keys generator.*) is what Blur2Blur's kernel_encoder_ckpt
# accepts, as is the official GOPRO_woVAE.pth.
# Train: tools/dist_train.sh configs/kernel_wizard_gopro.py 4
_base_ = [
    "_base_/default_runtime.py",
    "_base_/datasets/gopro.py",
    "_base_/models/blur2blur.py",
]

max_iters = 600_000
crop_size = 256
model = dict(
    type="KernelEncoderTrainer",
    generator=_base_.kernel_wizard,  # the encoder configs/blur2blur_gopro.py loads
    pixel_loss=dict(type="CharbonnierLoss", loss_weight=1.0, eps=1e-3),
    # KernelWizard pads to multiples of 128 (at least 256) itself
    data_preprocessor=dict(type="DeblurDataPreprocessor", pad_size_divisor=1),
)
# the GoPro base pipeline (flips and transposes) with this crop size (docs/configs.md)
train_pipeline = [dict(step, crop_size=crop_size) if "crop_size" in step else step
                  for step in _base_.train_pipeline]
train_dataloader = dict(batch_size=16, dataset=dict(pipeline=train_pipeline))
# validation: PSNR of the re-blurred sharp frame against the real blurry frame
optim_wrapper = dict(
    constructor="MultiOptimWrapperConstructor",
    generator=dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=1e-4, betas=(0.9, 0.99))),
)
param_scheduler = dict(
    type="CosineRestartLR",
    periods=[50_000, 100_000, 150_000, 150_000, 150_000],
    restart_weights=[1, 1, 1, 1, 1],
    eta_min=1e-8,
    by_epoch=False,
)
train_cfg = dict(type="IterBasedTrainLoop", max_iters=max_iters, val_interval=5000)
val_cfg = dict(type="ValLoop")
test_cfg = dict(type="TestLoop")
