# The pix2pix networks of LUR's Realistic-Blurring re-implementation (reference/methods.md §2;
# docs/methods/unet.md): the U-Net generator (unet_128: depth 7 for 128 px crops; unet_256 is
# depth 8) and the 70x70 PatchGAN (in_channels=6 for a conditional D that sees
# blurred ⊕ sharp / blurred ⊕ restored). A config names what it changes, e.g.
#   generator=dict(_base_.unet_generator, depth=8, norm="instance")
unet_generator = dict(
    type="UNetGenerator", depth=7, base_channels=64, norm="batch", dropout=True
)
patch_discriminator = dict(
    type="PatchDiscriminator", in_channels=3, base_channels=64, n_layers=3, norm="batch"
)
