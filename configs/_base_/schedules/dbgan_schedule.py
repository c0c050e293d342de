# DBGAN (paper, reference/methods.md §1.7): Adam lr 1e-4 lowered to 1e-7; the paper says
# "on convergence", we decay with a cosine curve over max_iters (one reproducible choice).
max_iters = 300_000
optim_wrapper = dict(
    constructor="MultiOptimWrapperConstructor",
    generator=dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=1e-4, betas=(0.9, 0.999))),
    discriminator=dict(
        type="OptimWrapper", optimizer=dict(type="Adam", lr=1e-4, betas=(0.9, 0.999))
    ),
)
param_scheduler = dict(type="CosineAnnealingLR", T_max=max_iters, eta_min=1e-7, by_epoch=False)
train_cfg = dict(type="IterBasedTrainLoop", max_iters=max_iters, val_interval=10_000)
val_cfg = dict(type="ValLoop")
test_cfg = dict(type="TestLoop")
