# The Blur2Blur translator on the demo data, in CPU minutes (restorekit/demo/blur2blur.py runs
# it after the two stages it needs):
# * unknown domain: A = the "real blur" training images (spatially varying blur in linear
#   light, noise, JPEG), B = sharp crops of other photos (DemoBlur2BlurDataset, split 0.5);
# * known domain: the synthetic camera-shake pairs C/D (train/blur, train/sharp), whose blur the
#   kernel encoder of configs/demo/kernel_wizard_demo.py learned to transfer;
# * method as configs/blur2blur_gopro.py (hinge + batch-correct GP, one PatchGAN over the three
#   MIMO scales, D step first) with a narrow MIMO-UNet (base 8, 2 blocks), a 32-channel
#   PatchGAN and, because no ImageNet VGG16 weights exist offline, a Charbonnier content loss
#   to the input (weight 0.8, every scale) instead of the VGG16 one; batch 4 of 128 crops.
_base_ = [
    "../_base_/schedules/demo.py",  # includes default_runtime.py
    "../_base_/datasets/blur2blur_gopro.py",  # the A/B/C/D pipeline; demo folders below
    "../_base_/models/demo.py",
]

data_root = "data/demo"
crop_size = 128
max_iters = 200
model = dict(
    type="Blur2Blur",
    generator=_base_.demo_mimo_unet,
    discriminator=dict(_base_.demo_patch_discriminator, base_channels=32, n_layers=3,
                       norm="instance"),
    gan_loss=dict(type="GANLoss", gan_type="hinge", loss_weight=0.1, disc_loss_weight=0.5),
    gradient_penalty=dict(type="GradientPenaltyLoss", loss_weight=1e-4, eps=1e-16),
    perceptual_loss=dict(type="CharbonnierLoss", loss_weight=0.8),
    kernel_encoder=_base_.demo_kernel_wizard,  # the one configs/demo/kernel_wizard_demo.py trains
    kernel_encoder_ckpt="work_dirs/demo/blur2blur/kernel_encoder/iter_150.pth",
    train_cfg=dict(order="d_first"),
    data_preprocessor=dict(type="DeblurDataPreprocessor",
                           image_keys=("sharp", "known_blur", "known_sharp"), pad_size_divisor=4),
    channels_last=True,
)
# the Blur2Blur pipeline with this crop size (docs/configs.md, "Crop size ...")
train_pipeline = [dict(step, crop_size=crop_size) if "crop_size" in step else step
                  for step in _base_.train_pipeline]
train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(_delete_=True, type="DemoBlur2BlurDataset", root=data_root,
                 pipeline=train_pipeline),
)
# no validation (see configs/blur2blur_gopro.py): the two-stage demo config evaluates
val_dataloader = val_cfg = val_evaluator = None
test_dataloader = test_cfg = test_evaluator = None
# the demo schedule with a linear decay over the second half, lr G 5e-4 / D 2e-4, betas 0.5
param_scheduler = dict(_delete_=True, type="LinearLR", start_factor=1.0, end_factor=0.1,
                       begin=max_iters // 2, end=max_iters, by_epoch=False)
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(logger=dict(interval=25), checkpoint=dict(interval=max_iters))
optim_wrapper = dict(
    generator=dict(optimizer=dict(lr=5e-4, betas=(0.5, 0.999))),
    discriminator=dict(optimizer=dict(lr=2e-4, betas=(0.5, 0.999))),
)
