# NAFNet-width64 on GoPro (official options/train/GoPro/NAFNet-width64.yml @01a4c86): the
# width32 recipe (configs/nafnet_w32_gopro.py) with what the width64 options change:
# * network_g width 64 (67,888,835 parameters);
# * optim_g weight_decay 1e-3 (width32: 0);
# * total_iter and the cosine T_max 400k (width32: 200k);
# * batch_size_per_gpu 8 on 8 GPUs = 64 images per iteration (width32: 4 x 8 = 32).
# Train: tools/dist_train.sh configs/nafnet_w64_gopro.py 8
# Official GoPro test: 33.71 dB / 0.9668 (README; NAFNetLocal, MATLAB-style SSIM).
_base_ = ["./nafnet_w32_gopro.py"]

max_iters = 400_000
model = dict(generator=dict(width=64))
optim_wrapper = dict(generator=dict(optimizer=dict(weight_decay=1e-3)))
param_scheduler = dict(T_max=max_iters)
train_cfg = dict(max_iters=max_iters)
train_dataloader = dict(batch_size=8)
auto_scale_lr = dict(base_batch_size=64)
