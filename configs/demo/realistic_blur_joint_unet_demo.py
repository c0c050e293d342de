# U-Net / PatchGAN joint variant on the demo data (configs/realistic_blur_joint_unet_gopro.py made
# small): U-Net BGAN without noise (as LUR's scheme 2), U-Net DBGAN, conditional PatchGAN D.
_base_ = ["./realistic_blur_joint_demo.py"]

model = dict(
    generator=dict(_base_.demo_unet, _delete_=True),
    discriminator=dict(_base_.demo_patch_discriminator, _delete_=True, in_channels=6),
    blur_generator=dict(
        _delete_=True, type="BlurGenerator", noise_channels=0, backbone=_base_.demo_unet
    ),
    conditional_disc=True,
)
