# Runtime shared by every restorekit config (mmengine Runner settings).
default_scope = "restorekit"

default_hooks = dict(
    timer=dict(type="IterTimerHook"),
    logger=dict(type="LoggerHook", interval=50),
    param_scheduler=dict(type="ParamSchedulerHook"),
    checkpoint=dict(
        type="CheckpointHook",
        interval=5000,
        by_epoch=False,
        max_keep_ckpts=5,
        save_last=True,
        # temp file + fsync + rename: an interrupted save never leaves a truncated checkpoint
        backend_args=dict(backend="atomic_local"),
    ),
    sampler_seed=dict(type="DistSamplerSeedHook"),
)
custom_hooks = [dict(type="DeblurVisualizationHook", max_samples=8)]

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method="fork", opencv_num_threads=0),
    # tools/train.py switches to gloo when CUDA is not available
    dist_cfg=dict(backend="nccl"),
)
# one DDP wrapper per sub-module: G and D receive gradients in different backward passes
model_wrapper_cfg = dict(
    type="restorekit.SeparateDistributedDataParallel",
    broadcast_buffers=False,
    find_unused_parameters=False,
)
log_processor = dict(type="LogProcessor", window_size=50, by_epoch=False)
log_level = "INFO"
vis_backends = [dict(type="LocalVisBackend")]
visualizer = dict(type="Visualizer", vis_backends=vis_backends)
load_from = None
resume = False
randomness = dict(seed=0, diff_rank_seed=True)
