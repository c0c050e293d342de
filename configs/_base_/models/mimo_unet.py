# MIMO-UNet (Cho et al., ICCV 2021; reference/methods.md §5.1): base 32, 8 residual blocks per
# level; MIMO-UNet+ has 20 blocks and Dropout2d 0.1 (its defaults). One definition for
# configs/mimo_unet_gopro.py, which trains it, the Blur2Blur translator (configs/blur2blur_gopro.py
# trains it from an N(0, 0.02) init) and the two-stage model (configs/blur2blur_deblur_gopro.py),
# which loads both stages strictly: each must be the architecture its checkpoint was trained with.
mimo_unet = dict(type="MIMOUNet", base_channels=32, num_blocks=8)
mimo_unet_plus = dict(type="MIMOUNetPlus", base_channels=32)
