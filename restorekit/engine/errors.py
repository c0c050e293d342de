"""Errors raised by restorekit's engine (checkpoints, training guards, distributed runs).

Each names the file, iteration or setting involved and says what to do; the command-line tools
print them as one line (see :mod:`restorekit.utils.cli`).
"""

from __future__ import annotations

import pickle


class RestorekitRuntimeError(RuntimeError):
    """Base class of the engine's user-facing errors."""


class CheckpointLoadError(RestorekitRuntimeError):
    """A checkpoint file is empty, truncated, corrupt or not a checkpoint at all."""


class UnsafeCheckpointError(CheckpointLoadError, pickle.UnpicklingError):
    """A checkpoint holds objects outside the ``weights_only`` allow-list (never unpickled)."""


class NonFiniteWeightsError(CheckpointLoadError):
    """A checkpoint holds NaN or infinite weights."""


class NonFiniteTrainingError(RestorekitRuntimeError):
    """A loss or a parameter became NaN / infinite during training."""


class ResumeError(RestorekitRuntimeError):
    """``--resume`` cannot continue this run as asked (no loadable checkpoint, changed schedule)."""


class DistributedTimeoutError(RestorekitRuntimeError):
    """A collective operation waited longer than the distributed timeout for another rank."""


class InferenceError(RestorekitRuntimeError):
    """Inference produced an invalid result (NaN / infinite output)."""


__all__ = [
    "CheckpointLoadError",
    "DistributedTimeoutError",
    "InferenceError",
    "NonFiniteTrainingError",
    "NonFiniteWeightsError",
    "RestorekitRuntimeError",
    "ResumeError",
    "UnsafeCheckpointError",
]
