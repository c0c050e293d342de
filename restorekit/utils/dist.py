"""CPU-only distributed start-up (gloo), which mmengine's launcher does not handle, and the
collective timeout.

Timeout: a rank that dies closes its sockets and the others fail at once, but a rank that is
stopped (SIGSTOP, swapped out, a debugger) keeps them waiting for the process group's timeout.
torch's default is 1800 s; restorekit uses :data:`DEFAULT_CPU_TIMEOUT_S` (120 s) for CPU / gloo
runs. Set it with ``env_cfg = dict(dist_cfg=dict(timeout=SECONDS))`` in the config or the
``RESTOREKIT_DIST_TIMEOUT`` environment variable (which wins). When it fires, training stops
with :class:`~restorekit.engine.errors.DistributedTimeoutError` naming the rank and the setting.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from datetime import timedelta

import torch
import torch.distributed as dist

TIMEOUT_ENV = "RESTOREKIT_DIST_TIMEOUT"
#: seconds a CPU (gloo) collective waits for the other ranks before failing
DEFAULT_CPU_TIMEOUT_S = 120
_TIMEOUT_MARKERS = ("timed out", "timeout", "wait timeout")


def resolve_dist_timeout(cfg=None) -> int | None:
    """Seconds from ``RESTOREKIT_DIST_TIMEOUT``, else ``cfg.env_cfg.dist_cfg.timeout``, else
    :data:`DEFAULT_CPU_TIMEOUT_S` without CUDA (``None`` = torch's default with CUDA)."""
    raw = os.environ.get(TIMEOUT_ENV)
    source = TIMEOUT_ENV
    if raw is None and cfg is not None:
        raw = ((cfg.get("env_cfg") or {}).get("dist_cfg") or {}).get("timeout")
        source = "env_cfg.dist_cfg.timeout"
    if raw is None:
        return None if torch.cuda.is_available() else DEFAULT_CPU_TIMEOUT_S
    try:
        seconds = float(raw)
    except (TypeError, ValueError):
        seconds = -1.0
    if not seconds > 0:
        from restorekit.utils.cli import ConfigOptionError

        raise ConfigOptionError(f"{source}={raw!r} must be a positive number of seconds.")
    return int(seconds) if seconds >= 1 else 1


def init_cpu_process_group_if_needed(launcher: str, timeout_s: int | None = None) -> bool:
    """Initialise a gloo process group for ``--launcher pytorch`` on a machine without CUDA.

    mmengine's ``init_dist('pytorch')`` always calls ``torch.cuda.set_device`` and so fails on
    CPU. When there is no CUDA, this reads torchrun's ``RANK`` / ``WORLD_SIZE`` /
    ``MASTER_ADDR`` / ``MASTER_PORT`` and starts gloo itself; the Runner then finds the group
    already initialised and only wraps the model. Returns True if it initialised a group.
    ``timeout_s`` defaults to :func:`resolve_dist_timeout`.
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
        timeout=timedelta(seconds=timeout_s or resolve_dist_timeout()),
    )
    return True


def is_timeout_error(err: BaseException) -> bool:
    """Whether ``err`` is a collective that timed out (gloo / NCCL wording)."""
    return isinstance(err, RuntimeError) and any(m in str(err).lower() for m in _TIMEOUT_MARKERS)


@contextlib.contextmanager
def clear_timeout_errors(timeout_s: int | None):
    """Re-raise a collective timeout inside the block as ``DistributedTimeoutError``."""
    try:
        yield
    except RuntimeError as err:
        if not (dist.is_available() and dist.is_initialized() and is_timeout_error(err)):
            raise
        from restorekit.engine.errors import DistributedTimeoutError

        rank = dist.get_rank()
        raise DistributedTimeoutError(
            f"rank {rank} waited {timeout_s or 'the default'} s for another rank in a "
            f"collective operation and gave up: a rank died, hangs or was stopped "
            f"(first line: {str(err).splitlines()[0][-120:]}). Check the other ranks' logs; "
            f"to wait longer set env_cfg.dist_cfg.timeout in the config or {TIMEOUT_ENV}."
        ) from None


def finish_process_group() -> bool:
    """End a successful distributed run: wait for every rank, destroy the default process
    group. Returns whether there was one (``False``: single process, nothing done)."""
    if not (dist.is_available() and dist.is_initialized()):
        return False
    dist.barrier()
    dist.destroy_process_group()
    return True


def exit_after_distributed_run() -> None:
    """After a successful run under a launcher: synchronise, tear down, flush the logs and
    leave with status 0 without interpreter finalisation. A no-op for a single process.

    Why not a normal exit: gloo's worker threads still hold finished work objects (DDP's
    broadcasts) whose tensors are released while Python finalises; the thread then cannot
    take the GIL, is unwound inside a ``noexcept`` destructor and the C++ runtime aborts the
    process ("terminate called without an active exception", exit -6; seen on about 1 in
    10 two-rank CPU runs with torch 2.14, backtrace ``ProcessGroupGloo::runLoop`` ->
    ``~AsyncBroadcastWork`` -> ``decref_pyobject`` -> ``pthread_exit``). torchrun then
    reports a finished training as failed. Everything the run wrote is on disk by then
    (checkpoints are written atomically, the runner closed its visualiser in
    ``after_run``); stdout, stderr and the logging handlers are flushed here.
    """
    if not finish_process_group():
        return
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
