# The demo schedule (configs/demo/; `make demo` trains each demo config with its own schedule):
# max_iters iterations of Adam for G and D, the learning rate cosine-decayed to 1e-5 over the
# whole run, validation once at the end and one checkpoint, work_dir/iter_<max_iters>.pth.
# It includes default_runtime.py (a config may not take default_hooks from two bases), so a
# demo config lists this file instead of default_runtime.py.
#
# A config of another length restates the values that depend on max_iters:
#   max_iters = 150
#   param_scheduler = dict(T_max=max_iters)
#   train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
#   default_hooks = dict(checkpoint=dict(interval=max_iters))
# and its own learning rates by name: optim_wrapper = dict(generator=dict(optimizer=dict(lr=2e-3)))
_base_ = ["../default_runtime.py"]

max_iters = 300
optim_wrapper = dict(
    constructor="MultiOptimWrapperConstructor",
    generator=dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=1e-3, betas=(0.9, 0.999))),
    discriminator=dict(
        type="OptimWrapper", optimizer=dict(type="Adam", lr=1e-4, betas=(0.9, 0.999))
    ),
)
param_scheduler = dict(type="CosineAnnealingLR", T_max=max_iters, eta_min=1e-5, by_epoch=False)
train_cfg = dict(type="IterBasedTrainLoop", max_iters=max_iters, val_interval=max_iters)
val_cfg = dict(type="ValLoop")
test_cfg = dict(type="TestLoop")
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(interval=max_iters, max_keep_ckpts=1, save_last=True),
)
