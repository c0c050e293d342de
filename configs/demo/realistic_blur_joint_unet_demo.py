# U-Net / PatchGAN joint variant on the demo data (configs/realistic_blur_joint_unet_gopro.py made
# small): U-Net BGAN without noise (as LUR's scheme 2), U-Net DBGAN, conditional PatchGAN D.
_base_ = ["./realistic_blur_joint_demo.py"]

unet = dict(type="UNetGenerator", depth=4, base_channels=16, norm="none", dropout=False,
            global_residual=True)
model = dict(
    generator=dict(_delete_=True, **unet),
    discriminator=dict(
        _delete_=True, type="PatchDiscriminator", in_channels=6, base_channels=16, n_layers=2,
        norm="none",
    ),
    blur_generator=dict(_delete_=True, type="BlurGenerator", noise_channels=0, backbone=unet),
    conditional_disc=True,
)
