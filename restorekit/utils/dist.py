"""CPU-only distributed start-up (gloo), which mmengine's launcher does not handle."""

from __future__ import annotations

import os
from datetime import timedelta

import torch
import torch.distributed as dist


def init_cpu_process_group_if_needed(launcher: str, timeout_s: int = 1800) -> bool:
    """Initialise a gloo process group for ``--launcher pytorch`` on a machine without CUDA.

    mmengine's ``init_dist('pytorch')`` always calls ``torch.cuda.set_device`` and so fails on
    CPU. When there is no CUDA, this reads torchrun's ``RANK`` / ``WORLD_SIZE`` /
    ``MASTER_ADDR`` / ``MASTER_PORT`` and starts gloo itself; the Runner then finds the group
    already initialised and only wraps the model. Returns True if it initialised a group.
    """
    if launcher != "pytorch" or torch.cuda.is_available() or dist.is_initialized():
        return False
    missing = [
        k for k in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT") if k not in os.environ
    ]
    if missing:
        raise RuntimeError(
            f"--launcher pytorch needs the torchrun environment variables {missing}; start with "
            f"tools/dist_train.sh CONFIG N (torchrun) or use --launcher none"
        )
    dist.init_process_group(
        backend="gloo",
        rank=int(os.environ["RANK"]),
        world_size=int(os.environ["WORLD_SIZE"]),
        timeout=timedelta(seconds=timeout_s),
    )
    return True
