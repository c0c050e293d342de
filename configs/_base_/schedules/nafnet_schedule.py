# NAFNet GoPro schedule, from the official BasicSR options (megvii-research/NAFNet @01a4c86,
# options/train/GoPro/NAFNet-width32.yml; width64 differs only where noted there and in
# configs/nafnet_w64_gopro.py) and basicsr/models/image_restoration_model.py:
# * optim_g: AdamW, lr 1e-3, betas (0.9, 0.9), weight_decay 0 (width32) / 1e-3 (width64);
# * scheduler: TrueCosineAnnealingLR (= torch CosineAnnealingLR, stepped per iteration),
#   T_max = total_iter, eta_min 1e-7, no warm-up (warmup_iter: -1);
# * total_iter: 200k (width32) / 400k (width64);
# * gradient clipping: ImageRestorationModel.optimize_parameters clips the gradient norm to
#   0.01 unless the options set use_grad_clip: false (the GoPro options do not);
# * validation every 2e4 iterations, checkpoint every 5e3 (logger.save_checkpoint_freq).
max_iters = 200_000
optim_wrapper = dict(
    constructor="MultiOptimWrapperConstructor",
    generator=dict(
        type="OptimWrapper",
        optimizer=dict(type="AdamW", lr=1e-3, betas=(0.9, 0.9), weight_decay=0.0),
        clip_grad=dict(max_norm=0.01),
    ),
)
param_scheduler = dict(type="CosineAnnealingLR", T_max=max_iters, eta_min=1e-7, by_epoch=False)
train_cfg = dict(type="IterBasedTrainLoop", max_iters=max_iters, val_interval=20_000)
val_cfg = dict(type="ValLoop")
test_cfg = dict(type="TestLoop")
