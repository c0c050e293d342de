# U-Net / PatchGAN variant of BGAN (the LUR pix2pix re-implementation, reference/methods.md §2,
# docs/methods/bgan.md): BlurGenerator with a pix2pix U-Net backbone fed with sharp + 3 spatial
# noise channels, unconditional 70x70 PatchGAN against unpaired real blur, Adam 2e-4 (0.5, 0.999).
# Differences from LUR: no synthetic-blur L1 target (LUR's pix2pix BGAN needs (sharp, synthetic
# blur) pairs; ours learns from unpaired real blur only), a VGG perceptual content term against
# the sharp input instead, and unet_128 (depth 7) for the 128 px crops (unet_256 would pad them
# to 256). GAN : content weights follow LUR's 1 : 100.
_base_ = ["./bgan_gopro.py", "_base_/models/unet_patchgan.py"]

model = dict(
    generator=dict(
        _delete_=True,
        type="BlurGenerator",
        noise_mode="spatial",
        noise_channels=3,
        noise_scale=1.0,
        backbone=_base_.unet_generator,
    ),
    discriminator=dict(_base_.patch_discriminator, _delete_=True),
    gan_loss=dict(
        _delete_=True, type="GANLoss", gan_type="vanilla", loss_weight=0.01, disc_loss_weight=0.5
    ),
)
optim_wrapper = dict(
    generator=dict(optimizer=dict(lr=2e-4, betas=(0.5, 0.999))),
    discriminator=dict(optimizer=dict(lr=2e-4, betas=(0.5, 0.999))),
)
