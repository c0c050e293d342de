# The Blur2Blur networks (Pham et al., CVPR 2024; reference/methods.md §4.2-4.6,
# VinAIResearch/Blur2Blur); the translator is the MIMO-UNet of mimo_unet.py.
# The kernel encoder: BKSE's KernelWizard as in GOPRO_woVAE.pth (nf 64, 10 front / 20 back
# residual blocks, kernel code 512, 4 extractor blocks). configs/kernel_wizard_gopro.py trains
# it and configs/blur2blur_gopro.py loads it strictly (kernel_encoder_ckpt): one definition.
kernel_wizard = dict(
    type="KernelWizard", nf=64, front_blocks=10, back_blocks=20, kernel_dim=512,
    extractor_blocks=4,
)
# PatchGAN (ndf 64, 3 layers, InstanceNorm), shared over the translator's 3 output scales
blur2blur_discriminator = dict(
    type="PatchDiscriminator", in_channels=3, base_channels=64, n_layers=3, norm="instance",
    kernel_size=4, padding=1,
)
# official VGGLoss: torchvision VGG16 slices ending at conv2_2, conv3_3, conv4_1, conv4_3,
# conv5_1; its in-place ReLUs turn the first four stored features into post-ReLU ones,
# so the effective taps are relu2_2, relu3_3, relu4_1, relu4_3 and (pre-ReLU) conv5_1;
# L1, inputs in [0, 1] without ImageNet normalisation
blur2blur_vgg16_loss = dict(
    type="PerceptualLoss",
    vgg_type="vgg16",
    pretrained="torchvision://vgg16",
    layer_weights={"relu2_2": 1 / 32, "relu3_3": 1 / 16, "relu4_1": 1 / 8, "relu4_3": 1 / 4,
                   "conv5_1": 1.0},
    use_input_norm=False,
    criterion="l1",
    loss_weight=0.8,
)
