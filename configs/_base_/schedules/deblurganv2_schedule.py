# DeblurGAN-v2 schedule (official config/config.yaml @595f258, train.py, schedulers.py;
# reference/methods.md §3.6) expressed in iterations:
# * Adam (betas 0.9 / 0.999, the PyTorch defaults the official code uses) lr 1e-4 for G and D;
# * 200 "epochs" of 1000 batches = 200_000 iterations (the official loop runs 1001 batches per
#   epoch; we count 1000);
# * backbone warm-up: 3 epochs = 3000 iterations (model.train_cfg.warmup_iters), after which the
#   official code unfreezes the backbone and builds a NEW Adam and a NEW scheduler for G;
# * official LinearDecay(start_epoch=50, min_lr=1e-7), stepped per epoch:
#       lr(e) = base - (base - min_lr) / num_epochs * (e - 50)   for scheduler epoch e >= 50
#   (min_lr is never reached: the last D epoch, 199, has 2.557e-5).
# mmengine's LinearLR at iteration i (begin <= i < end) uses
#       factor = 1 - (1 - end_factor) * (i - begin) / (end - begin - 1).
# With end_factor = the official formula at the last iteration's fractional epoch,
# lr(i) equals the official formula at epoch i / 1000 for every iteration (same slope, exact at
# each epoch start; within an epoch the official lr is a constant step, ours decays smoothly).
# G's scheduler restarts with the new optimizer after the warm-up, so its decay starts at
# epoch 3 + 50 = iteration 53_000 and ends higher than D's.
epoch_iters = 1000
num_epochs = 200
decay_start_epoch = 50
warmup_epochs = 3
max_iters = num_epochs * epoch_iters
warmup_iters = warmup_epochs * epoch_iters
base_lr = 1e-4
min_lr = 1e-7
_decay_per_epoch = (1 - min_lr / base_lr) / num_epochs  # 4.995e-3 of base per epoch
d_end_factor = 1 - _decay_per_epoch * ((max_iters - 1) / epoch_iters - decay_start_epoch)
g_end_factor = 1 - _decay_per_epoch * (
    (max_iters - 1 - warmup_iters) / epoch_iters - decay_start_epoch
)

optim_wrapper = dict(
    constructor="MultiOptimWrapperConstructor",
    generator=dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=base_lr, betas=(0.9, 0.999))),
    discriminator=dict(
        type="OptimWrapper", optimizer=dict(type="Adam", lr=base_lr, betas=(0.9, 0.999))
    ),
)
param_scheduler = dict(
    generator=[
        dict(
            type="LinearLR",
            start_factor=1.0,
            end_factor=g_end_factor,  # 0.265740
            begin=warmup_iters + decay_start_epoch * epoch_iters,
            end=max_iters,
            by_epoch=False,
        )
    ],
    discriminator=[
        dict(
            type="LinearLR",
            start_factor=1.0,
            end_factor=d_end_factor,  # 0.250755
            begin=decay_start_epoch * epoch_iters,
            end=max_iters,
            by_epoch=False,
        )
    ],
)
train_cfg = dict(type="IterBasedTrainLoop", max_iters=max_iters, val_interval=10_000)
val_cfg = dict(type="ValLoop")
test_cfg = dict(type="TestLoop")
