# MIMO-UNet+ (20 residual blocks per level, Dropout2d 0.1 on the AFF outputs) on GoPro with the
# same official recipe as configs/mimo_unet_gopro.py (see there for the epoch -> iteration
# conversion: 526 iterations per epoch at batch 4, LR x0.5 every 263_000 iterations, 1_578_000
# iterations in total). Official GoPro result: 32.45 dB / 0.957 (README).
_base_ = ["mimo_unet_gopro.py"]

model = dict(generator=dict(_base_.mimo_unet_plus, _delete_=True))
