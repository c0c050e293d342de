# The DBGAN networks of "Deblurring by Realistic Blurring" (reference/methods.md §1.2-1.5):
# RRDBNet nf 64 / nb 16 / gc 32, the VGG-128 discriminator and the VGG19 conv5_4 perceptual
# loss. BGAN uses the same discriminator and perceptual loss (configs/bgan_gopro.py).
dbgan_generator = dict(
    type="RRDBNet",
    in_channels=3,
    out_channels=3,
    mid_channels=64,
    num_blocks=16,
    growth_channels=32,
    init="kaiming_scaled",
)
# input_size = the training crop (128 in the paper); it fixes the size of the linear head
vgg_discriminator = dict(
    type="VGGStyleDiscriminator", base_channels=64, norm="batch", input_size=128
)
vgg_perceptual_loss = dict(
    type="PerceptualLoss",
    layer_weights={"conv5_4": 1.0},
    vgg_type="vgg19",
    pretrained="torchvision://vgg19",
    criterion="l1",
    loss_weight=1.0,
)
