# Blur2Blur (Pham et al., CVPR 2024) translator with GoPro as the KNOWN blur: it learns to turn
# blurry photos of your camera (the unknown domain) into images with GoPro's blur, which a
# GoPro-trained deblurrer (configs/mimo_unet_gopro.py) then removes
# (two-stage inference: configs/blur2blur_deblur_gopro.py).
# Official settings (reference/methods.md §4.2-4.6, VinAIResearch/Blur2Blur):
# * translator MIMO-UNet (base 32, 8 blocks), N(0, 0.02) init; PatchGAN D (ndf 64, 3 layers,
#   InstanceNorm) shared over the 3 output scales; hinge loss, L_D = 0.5 (real + fake) + 1e-4 GP;
#   VGG16 content loss to the input at every scale, weight 0.8 (taps / weights below);
# * targets: GoPro-trained BKSE KernelWizard (GOPRO_woVAE.pth, frozen) moves the blur of a
#   GoPro pair (C blurry, D sharp) onto an unknown-domain sharp image B;
# * Adam 2e-4, betas (0.5, 0.999) for G and D; batch 1; 256 crops + h-flip; per iteration
#   forward G -> D step -> G step (train_cfg.order='d_first');
# * 100 epochs constant + 200 epochs linear decay (official lr factor 1 - (e - 99) / 201 at
#   epoch e); one epoch = one pass over A (|A| iterations at batch 1; official max(|A|, |B|)).
# Batch sizes > 1 are fine here (the gradient penalty is per sample; the official one is not).
#
# Folder layout (official names; C and D paired by relative file name):
#   data/blur2blur_gopro/
#   ├── trainA/*.png   unknown-domain BLURRY images (your camera)          -> key 'img'
#   ├── trainB/*.png   unknown-domain SHARP images, not paired with A      -> key 'sharp'
#   ├── trainC/*.png   GoPro train BLURRY frames, e.g. GOPR0372_07_00_000047.png -> 'known_blur'
#   ├── trainD/*.png   GoPro train SHARP frames with the same names        -> 'known_sharp'
#   └── test/{blur,sharp}/*.png  unknown-domain test PAIRS (metrics of the two-stage model)
# Flatten GoPro once (symlinks are fine), e.g.
#   for d in data/GOPRO_Large/train/*/; do s=$(basename $d); for f in $d/blur/*.png; do
#     ln -s $(realpath $f) data/blur2blur_gopro/trainC/${s}_$(basename $f);
#     ln -s $(realpath ${f/\/blur\//\/sharp\/}) data/blur2blur_gopro/trainD/${s}_$(basename $f);
#   done; done
# Weights: checkpoints/GOPRO_woVAE.pth (BKSE model zoo; or train configs/kernel_wizard_gopro.py
# and point kernel_encoder_ckpt at its checkpoint).
# Train: tools/dist_train.sh configs/blur2blur_gopro.py 1
_base_ = ["_base_/default_runtime.py"]

data_root = "data/blur2blur_gopro"
crop_size = 256
num_a = 2000  # |A| after split_ratio: set it to your trainA size (one epoch = num_a iterations)
batch_size = 1
epoch_iters = num_a // batch_size
constant_epochs, decay_epochs = 100, 200
max_iters = (constant_epochs + decay_epochs) * epoch_iters

model = dict(
    type="Blur2Blur",
    generator=dict(type="MIMOUNet", base_channels=32, num_blocks=8, init="normal", init_std=0.02),
    discriminator=dict(type="PatchDiscriminator", in_channels=3, base_channels=64, n_layers=3,
                       norm="instance", kernel_size=4, padding=1),
    gan_loss=dict(type="GANLoss", gan_type="hinge", loss_weight=1.0, disc_loss_weight=0.5),
    gradient_penalty=dict(type="GradientPenaltyLoss", loss_weight=1e-4, norm_dims="all",
                          eps=1e-16),
    # official VGGLoss: torchvision VGG16 slices ending at conv2_2, conv3_3, conv4_1, conv4_3,
    # conv5_1; its in-place ReLUs turn the first four stored features into post-ReLU ones,
    # so the effective taps are relu2_2, relu3_3, relu4_1, relu4_3 and (pre-ReLU) conv5_1;
    # L1, inputs in [0, 1] without ImageNet normalisation
    perceptual_loss=dict(
        type="PerceptualLoss",
        vgg_type="vgg16",
        pretrained="torchvision://vgg16",
        layer_weights={"relu2_2": 1 / 32, "relu3_3": 1 / 16, "relu4_1": 1 / 8, "relu4_3": 1 / 4,
                       "conv5_1": 1.0},
        use_input_norm=False,
        criterion="l1",
        loss_weight=0.8,
    ),
    kernel_encoder=dict(type="KernelWizard", nf=64, front_blocks=10, back_blocks=20,
                        kernel_dim=512, extractor_blocks=4),
    kernel_encoder_ckpt="checkpoints/GOPRO_woVAE.pth",
    train_cfg=dict(order="d_first", disc_steps=1, gen_steps=1),
    data_preprocessor=dict(type="DeblurDataPreprocessor",
                           image_keys=("sharp", "known_blur", "known_sharp"), pad_size_divisor=4),
)

train_pipeline = [
    dict(type="LoadImageFromFile", key="img"),
    dict(type="LoadImageFromFile", key="sharp"),
    dict(type="LoadImageFromFile", key="known_blur"),
    dict(type="LoadImageFromFile", key="known_sharp"),
    # A and B: independent crops and flips; C and D: one window for both (an aligned pair)
    dict(type="PairedRandomCrop", crop_size=crop_size, keys=("img",)),
    dict(type="PairedRandomCrop", crop_size=crop_size, keys=("sharp",)),
    dict(type="PairedRandomCrop", crop_size=crop_size, keys=("known_blur", "known_sharp")),
    dict(type="Flip", keys=("img",), direction="horizontal", prob=0.5),
    dict(type="Flip", keys=("sharp",), direction="horizontal", prob=0.5),
    dict(type="PackInputs", input_key="img", image_keys=("sharp", "known_blur", "known_sharp")),
]
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type="InfiniteSampler", shuffle=True),
    dataset=dict(type="Blur2BlurDataset", data_root=data_root, phase="train", split_ratio=None,
                 seed=0, pipeline=train_pipeline),
)
# no validation / test here: the translator's output is a re-blurred image, so metrics
# against sharp images measure little; evaluate the two-stage model
# (configs/blur2blur_deblur_gopro.py) instead
val_dataloader = val_cfg = val_evaluator = None
test_dataloader = test_cfg = test_evaluator = None

optim_wrapper = dict(
    constructor="MultiOptimWrapperConstructor",
    generator=dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=2e-4, betas=(0.5, 0.999))),
    discriminator=dict(type="OptimWrapper",
                       optimizer=dict(type="Adam", lr=2e-4, betas=(0.5, 0.999))),
)
param_scheduler = dict(
    type="LinearLR",
    start_factor=1.0,
    end_factor=1 / (decay_epochs + 1),  # the official factor in the last epoch
    begin=constant_epochs * epoch_iters,
    end=max_iters,
    by_epoch=False,
)
train_cfg = dict(type="IterBasedTrainLoop", max_iters=max_iters)
default_hooks = dict(checkpoint=dict(interval=2 * epoch_iters))  # official: every 2 epochs
