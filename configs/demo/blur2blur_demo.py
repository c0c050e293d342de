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
_base_ = ["../_base_/default_runtime.py"]

data_root = "data/demo"
crop_size = 128
max_iters = 200
model = dict(
    type="Blur2Blur",
    generator=dict(type="MIMOUNet", base_channels=8, num_blocks=2),
    discriminator=dict(type="PatchDiscriminator", in_channels=3, base_channels=32, n_layers=3,
                       norm="instance"),
    gan_loss=dict(type="GANLoss", gan_type="hinge", loss_weight=0.1, disc_loss_weight=0.5),
    gradient_penalty=dict(type="GradientPenaltyLoss", loss_weight=1e-4, eps=1e-16),
    perceptual_loss=dict(type="CharbonnierLoss", loss_weight=0.8),
    kernel_encoder=dict(type="KernelWizard", nf=8, front_blocks=1, back_blocks=2, kernel_dim=32,
                        extractor_blocks=1),
    kernel_encoder_ckpt="work_dirs/demo/blur2blur/kernel_encoder/iter_150.pth",
    train_cfg=dict(order="d_first"),
    data_preprocessor=dict(type="DeblurDataPreprocessor",
                           image_keys=("sharp", "known_blur", "known_sharp"), pad_size_divisor=4),
    channels_last=True,
)
train_pipeline = [
    dict(type="LoadImageFromFile", key="img"),
    dict(type="LoadImageFromFile", key="sharp"),
    dict(type="LoadImageFromFile", key="known_blur"),
    dict(type="LoadImageFromFile", key="known_sharp"),
    dict(type="PairedRandomCrop", crop_size=crop_size, keys=("img",)),
    dict(type="PairedRandomCrop", crop_size=crop_size, keys=("sharp",)),
    dict(type="PairedRandomCrop", crop_size=crop_size, keys=("known_blur", "known_sharp")),
    dict(type="Flip", keys=("img",), direction="horizontal", prob=0.5),
    dict(type="Flip", keys=("sharp",), direction="horizontal", prob=0.5),
    dict(type="PackInputs", input_key="img", image_keys=("sharp", "known_blur", "known_sharp")),
]
train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    sampler=dict(type="InfiniteSampler", shuffle=True),
    dataset=dict(type="DemoBlur2BlurDataset", root=data_root, pipeline=train_pipeline),
)
optim_wrapper = dict(
    constructor="MultiOptimWrapperConstructor",
    generator=dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=5e-4, betas=(0.5, 0.999))),
    discriminator=dict(type="OptimWrapper",
                       optimizer=dict(type="Adam", lr=2e-4, betas=(0.5, 0.999))),
)
param_scheduler = dict(type="LinearLR", start_factor=1.0, end_factor=0.1, begin=max_iters // 2,
                       end=max_iters, by_epoch=False)
train_cfg = dict(type="IterBasedTrainLoop", max_iters=max_iters)
val_dataloader = val_cfg = val_evaluator = None
test_dataloader = test_cfg = test_evaluator = None
default_hooks = dict(
    logger=dict(interval=25),
    checkpoint=dict(interval=max_iters, max_keep_ckpts=1),
)
