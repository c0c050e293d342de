# U-Net / PatchGAN variant of the joint scheme (LUR's scheme 2, reference/methods.md §2.1-2.4,
# docs/methods/realistic_blur.md) with LUR's bugs fixed: all four networks are in optimizers,
# the conditional DBGAN discriminator sees cat(blur, sharp) / cat(blur, restored) in that order,
# and the BGAN discriminator compares real blur with BGAN's blur.
# Like LUR's scheme 2 the BGAN has no noise input; losses: DBGAN 100 * L1 + VGG perceptual +
# LSGAN, BGAN VGG perceptual + 0.01 * LSGAN (LUR's GAN : content = 1 : 100); LUR's focal
# frequency loss is not used (README: small effect; it fits the pixel_loss slot if wanted).
_base_ = ["./realistic_blur_joint_gopro.py", "_base_/models/unet_patchgan.py"]

model = dict(
    generator=dict(_base_.unet_generator, _delete_=True),
    discriminator=dict(_base_.patch_discriminator, _delete_=True, in_channels=6),
    pixel_loss=dict(_delete_=True, type="L1Loss", loss_weight=100.0),
    gan_loss=dict(_delete_=True, type="GANLoss", gan_type="lsgan", disc_loss_weight=0.5),
    blur_generator=dict(
        _delete_=True, type="BlurGenerator", noise_channels=0, backbone=_base_.unet_generator
    ),
    blur_discriminator=dict(_base_.patch_discriminator, _delete_=True),
    blur_gan_loss=dict(
        _delete_=True, type="GANLoss", gan_type="lsgan", loss_weight=0.01, disc_loss_weight=0.5
    ),
    conditional_disc=True,
)
adam = dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=2e-4, betas=(0.5, 0.999)))
optim_wrapper = dict(
    generator=adam, discriminator=adam, blur_generator=adam, blur_discriminator=adam
)
