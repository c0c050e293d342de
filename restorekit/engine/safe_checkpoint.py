"""Load mmengine checkpoints with ``weights_only=True`` and an explicit allow-list.

torch >= 2.6 loads with ``weights_only=True`` by default, and mmengine 0.10.7 stores a few
non-tensor objects in its checkpoints (the message hub's ``HistoryBuffer`` and the numpy arrays
and scalars inside it), so ``--resume`` fails with "Unsupported global". Instead of unpickling
arbitrary objects (``weights_only=False``), :func:`allow_mmengine_checkpoint_globals` adds
exactly those classes to torch's safe-globals list. Anything else in a file still fails.
"""

from __future__ import annotations

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


def allow_mmengine_checkpoint_globals() -> None:
    """Register the allow-list with ``torch.serialization`` (idempotent)."""
    if hasattr(torch.serialization, "add_safe_globals"):
        torch.serialization.add_safe_globals(mmengine_checkpoint_globals())


def load_checkpoint_safely(path: str, map_location: str = "cpu") -> dict:
    """``torch.load(path, weights_only=True)`` with the mmengine allow-list registered."""
    allow_mmengine_checkpoint_globals()
    return torch.load(path, map_location=map_location, weights_only=True)
