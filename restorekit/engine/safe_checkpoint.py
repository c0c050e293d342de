"""Load mmengine checkpoints with ``weights_only=True`` and an explicit allow-list.

torch >= 2.6 loads with ``weights_only=True`` by default, and mmengine 0.10.7 stores a few
non-tensor objects in its checkpoints (the message hub's ``HistoryBuffer`` and the numpy arrays
and scalars inside it), so ``--resume`` fails with "Unsupported global". Instead of unpickling
arbitrary objects (``weights_only=False``), :func:`allow_mmengine_checkpoint_globals` adds
exactly those classes to torch's safe-globals list. Anything else in a file still fails.

mmengine pickles a ``HistoryBuffer`` through its ``__dict__``, which drags in bound methods
rebuilt with ``getattr`` (a global we do not want to allow). :func:`pickle_history_buffers_by_value`
registers a ``copyreg`` reducer so restorekit writes a buffer as
``HistoryBuffer(log_history, count_history, max_length)``: only the class and numpy arrays,
which the allow-list covers. Checkpoints written by plain mmengine still need
``weights_only=False`` (convert them once in a trusted environment).
"""

from __future__ import annotations

import copyreg

import numpy as np
import torch


def mmengine_checkpoint_globals() -> list:
    """The classes an mmengine 0.10 checkpoint contains besides tensors and containers."""
    from mmengine.logging.history_buffer import HistoryBuffer

    allowed: list = [HistoryBuffer, np.ndarray, np.dtype]
    try:  # numpy >= 2
        from numpy._core.multiarray import _reconstruct, scalar
    except ImportError:  # numpy 1.x
        from numpy.core.multiarray import _reconstruct, scalar
    allowed += [_reconstruct, scalar]
    # numpy pickles dtypes by their class (np.dtypes.Float64DType, ...)
    allowed += [type(np.dtype(t)) for t in (np.float64, np.float32, np.int64, np.int32, np.bool_)]
    return allowed


def _reduce_history_buffer(buffer):
    return type(buffer), (buffer._log_history, buffer._count_history, buffer.max_length)


def pickle_history_buffers_by_value() -> None:
    """Make ``HistoryBuffer`` pickle as a constructor call on its arrays (idempotent)."""
    from mmengine.logging.history_buffer import HistoryBuffer

    copyreg.pickle(HistoryBuffer, _reduce_history_buffer)


def allow_mmengine_checkpoint_globals() -> None:
    """Register the allow-list with ``torch.serialization`` and the by-value pickling of
    ``HistoryBuffer`` (idempotent)."""
    pickle_history_buffers_by_value()
    if hasattr(torch.serialization, "add_safe_globals"):
        torch.serialization.add_safe_globals(mmengine_checkpoint_globals())


def load_checkpoint_safely(path: str, map_location: str = "cpu") -> dict:
    """``torch.load(path, weights_only=True)`` with the mmengine allow-list registered."""
    allow_mmengine_checkpoint_globals()
    return torch.load(path, map_location=map_location, weights_only=True)
