# U-Net / PatchGAN variant of the joint scheme (LUR's scheme 2, reference/methods.md §2.1-2.4,
# docs/methods/realistic_blur.md) with LUR's bugs fixed: all four networks are in optimizers,
# the conditional DBGAN discriminator sees cat(blur, sharp) / cat(blur, restored) in that order,
# and the BGAN discriminator compares real blur with BGAN's blur.
# Like LUR's scheme 2 the BGAN has no noise input; losses: DBGAN 100 * L1 + VGG perceptual +
# LSGAN, BGAN VGG perceptual + 0.01 * LSGAN (LUR's GAN : content = 1 : 100); LUR's focal
# frequency loss is not used (README: small effect; it fits the pixel_loss slot if wanted).
_base_ = ["./realistic_blur_joint_gopro.py"]

unet = dict(type="UNetGenerator", depth=7, base_channels=64, norm="batch", dropout=True)
model = dict(
    generator=dict(_delete_=True, **unet),
    discriminator=dict(
        _delete_=True, type="PatchDiscriminator", in_channels=6, base_channels=64, n_layers=3,
        norm="batch",
    ),
    pixel_loss=dict(_delete_=True, type="L1Loss", loss_weight=100.0),
    gan_loss=dict(_delete_=True, type="GANLoss", gan_type="lsgan", disc_loss_weight=0.5),
    blur_generator=dict(_delete_=True, type="BlurGenerator", noise_channels=0, backbone=unet),
    blur_discriminator=dict(
        _delete_=True, type="PatchDiscriminator", in_channels=3, base_channels=64, n_layers=3,
        norm="batch",
    ),
    blur_gan_loss=dict(
        _delete_=True, type="GANLoss", gan_type="lsgan", loss_weight=0.01, disc_loss_weight=0.5
    ),
    conditional_disc=True,
)
adam = dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=2e-4, betas=(0.5, 0.999)))
optim_wrapper = dict(
    generator=adam, discriminator=adam, blur_generator=adam, blur_discriminator=adam
)
