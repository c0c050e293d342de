# U-Net / PatchGAN BGAN variant on the demo data (configs/bgan_unet_gopro.py made small):
# BlurGenerator with a depth-4 pix2pix U-Net backbone and 3 spatial noise channels.
_base_ = ["./bgan_demo.py"]

model = dict(
    generator=dict(
        _delete_=True,
        type="BlurGenerator",
        noise_mode="spatial",
        noise_channels=3,
        noise_scale=1.0,
        backbone=_base_.demo_unet,
    ),
)
