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
_base_ = [
    "_base_/default_runtime.py",
    "_base_/datasets/blur2blur_gopro.py",  # A/B/C/D folders, 256 crops, batch 1
    "_base_/models/mimo_unet.py",
    "_base_/models/blur2blur.py",
]

num_a = 2000  # |A| after split_ratio: set it to your trainA size (one epoch = num_a iterations)
batch_size = 1
epoch_iters = num_a // batch_size
constant_epochs, decay_epochs = 100, 200
max_iters = (constant_epochs + decay_epochs) * epoch_iters

model = dict(
    type="Blur2Blur",
    generator=dict(_base_.mimo_unet, init="normal", init_std=0.02),
    discriminator=_base_.blur2blur_discriminator,
    gan_loss=dict(type="GANLoss", gan_type="hinge", loss_weight=1.0, disc_loss_weight=0.5),
    gradient_penalty=dict(type="GradientPenaltyLoss", loss_weight=1e-4, norm_dims="all",
                          eps=1e-16),
    perceptual_loss=_base_.blur2blur_vgg16_loss,  # VGG16 content loss to the input, 0.8
    kernel_encoder=_base_.kernel_wizard,  # the one configs/kernel_wizard_gopro.py trains
    kernel_encoder_ckpt="checkpoints/GOPRO_woVAE.pth",
    train_cfg=dict(order="d_first", disc_steps=1, gen_steps=1),
    data_preprocessor=dict(type="DeblurDataPreprocessor",
                           image_keys=("sharp", "known_blur", "known_sharp"), pad_size_divisor=4),
)
train_dataloader = dict(batch_size=batch_size)
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
