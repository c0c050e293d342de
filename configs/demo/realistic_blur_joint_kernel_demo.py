# Scheme 2 (joint BGAN + DBGAN) on the demo data with the gated BGAN (make demo's realistic-blur
# section; docs/methods/realistic_blur.md): the joint demo (configs/demo/realistic_blur_joint_demo.py,
# paper-style RRDB BlurGenerator) with the BGAN of configs/demo/bgan_kernel_demo.py instead:
# KernelBlurGenerator + LowPassLoss + RBL (it passes the blur gate, docs/methods/bgan.md).
_base_ = ["./realistic_blur_joint_demo.py"]

model = dict(
    blur_generator=dict(_base_.demo_kernel_blur_generator, _delete_=True),
    blur_pixel_loss=dict(_delete_=True, type="LowPassLoss", scale=4, mode="area",
                         loss_weight=1.0),
    blur_gan_loss=dict(type="RelativisticAverageLoss", mode="ls", loss_weight=0.05),
)
optim_wrapper = dict(
    blur_generator=dict(optimizer=dict(lr=5e-4)),
)
# the gated BGAN's demo schedule (300 iterations; make demo stays within 10 minutes)
max_iters = 300
param_scheduler = dict(type="CosineAnnealingLR", T_max=max_iters, eta_min=1e-5, by_epoch=False)
train_cfg = dict(type="IterBasedTrainLoop", max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters, max_keep_ckpts=1))
