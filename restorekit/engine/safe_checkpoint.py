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

Every load passes ``weights_only=True`` explicitly, so ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1``
cannot turn it off. :func:`install_safe_checkpoint_loader` makes mmengine's own loader (used by
``Runner.resume`` and ``load_from``) do the same. Failures become
:class:`~restorekit.engine.errors.CheckpointLoadError` (empty, truncated, not a checkpoint) or
:class:`~restorekit.engine.errors.UnsafeCheckpointError` (objects outside the allow-list),
each naming the file.
"""

from __future__ import annotations

import copyreg
import os
import pickle
import zipfile

import numpy as np
import torch

from .errors import CheckpointLoadError, NonFiniteWeightsError, UnsafeCheckpointError

_MAX_LISTED = 8


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


def _unsafe_detail(err: BaseException) -> str:
    lines = str(err).splitlines() or [""]
    return next((ln.strip() for ln in lines if "Unsupported global" in ln), lines[0].strip())


def _head(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read(4)


def _first_sentence(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return text.split(". ")[0].rstrip(".")[:160]


def load_checkpoint_safely(path: str, map_location: str = "cpu") -> dict:
    """``torch.load(path, weights_only=True)`` with the mmengine allow-list registered.

    Raises:
        FileNotFoundError: no file at ``path``.
        CheckpointLoadError: the file is a directory, empty, truncated or not a checkpoint.
        UnsafeCheckpointError: it holds objects outside the allow-list (nothing is executed).
    """
    allow_mmengine_checkpoint_globals()
    path = os.fspath(path)
    if os.path.isdir(path):
        raise CheckpointLoadError(f"Checkpoint '{path}' is a folder, not a checkpoint file.")
    if not os.path.exists(path):
        raise FileNotFoundError(2, "Checkpoint file does not exist", path)
    size = os.path.getsize(path)
    if size == 0:
        raise CheckpointLoadError(f"Checkpoint '{path}' is empty (0 bytes): the save was "
                                  f"interrupted or the copy failed. Use another checkpoint.")
    try:
        ckpt = torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        if zipfile.is_zipfile(path) or "Unsupported global" in str(err):
            raise UnsafeCheckpointError(
                f"Checkpoint '{path}' holds objects outside restorekit's weights_only "
                f"allow-list ({_unsafe_detail(err)}); it was not unpickled. If it comes from a "
                f"trusted tool, re-save just its tensors: torch.save({{'state_dict': "
                f"torch.load(path, weights_only=False)['state_dict']}}, new_path)."
            ) from None
        raise CheckpointLoadError(
            f"Checkpoint '{path}' ({size} bytes) is not a PyTorch zip checkpoint (a plain or "
            f"legacy pickle, or another file type); re-save it with torch.save.") from None
    except Exception as err:  # any decoder failure of a broken file
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
            if not any(n.endswith("data.pkl") for n in names):
                raise CheckpointLoadError(
                    f"Checkpoint '{path}' is a zip archive but not a PyTorch checkpoint (it "
                    f"holds {', '.join(names[:3])}{' ...' if len(names) > 3 else ''}).") from None
            reason = "corrupt"
        elif _head(path) == b"PK\x03\x04":
            reason = "truncated"
        else:
            raise CheckpointLoadError(
                f"Checkpoint '{path}' ({size} bytes) is not a PyTorch checkpoint "
                f"({type(err).__name__}: {_first_sentence(err)}).") from None
        raise CheckpointLoadError(
            f"Checkpoint '{path}' ({size} bytes) is {reason}: "
            f"{_first_sentence(err)}. The save was interrupted or the copy is "
            f"incomplete; use another checkpoint (with --resume: the previous iter_*.pth)."
        ) from None
    if isinstance(ckpt, dict) and isinstance(ckpt.get("state_dict"), dict):
        ckpt["state_dict"] = strip_wrapper_prefixes(ckpt["state_dict"])
    return ckpt


def strip_wrapper_prefixes(state: dict) -> dict:
    """``generator.module.x`` -> ``generator.x`` for every top-level sub-module whose keys
    *all* carry ``module.`` (a DDP wrapper saved by mmengine's ``Runner.save_checkpoint``,
    which uses ``model.state_dict()``; such keys matched nothing on load, so a DDP-trained
    checkpoint was resumed or tested with random weights). Checkpoints written through
    :class:`~restorekit.engine.hooks.SafeCheckpointHook` no longer contain them."""
    groups: dict[str, list[str]] = {}
    for key in state:
        head, _, rest = key.partition(".")
        groups.setdefault(head, []).append(rest)
    wrapped = {h for h, rests in groups.items() if all(r.startswith("module.") for r in rests)}
    if not wrapped:
        return state
    out = type(state)() if isinstance(state, dict) else {}
    for key, value in state.items():
        head, _, rest = key.partition(".")
        out[f"{head}.{rest[len('module.'):]}" if head in wrapped else key] = value
    return out


def non_finite_keys(state: dict) -> list[str]:
    """Names of the floating-point tensors in ``state`` that contain NaN or infinity."""
    return [k for k, v in state.items() if isinstance(v, torch.Tensor)
            and v.is_floating_point() and not bool(torch.isfinite(v).all())]


def check_finite_weights(state: dict, path: str) -> None:
    """Raise :class:`NonFiniteWeightsError` naming ``path`` and the first NaN / inf tensors.

    ``init_model`` calls this so a checkpoint from a diverged run is refused instead of
    producing black images.
    """
    bad = non_finite_keys(state)
    if bad:
        more = f" ... (+{len(bad) - _MAX_LISTED} more)" if len(bad) > _MAX_LISTED else ""
        raise NonFiniteWeightsError(
            f"Checkpoint '{path}' has NaN or infinite weights in {len(bad)} tensor(s): "
            f"{', '.join(bad[:_MAX_LISTED])}{more}. The run that wrote it diverged; use an "
            f"earlier checkpoint.")


def _load_from_local(filename: str, map_location=None) -> dict:
    return load_checkpoint_safely(filename, map_location=map_location)


def install_safe_checkpoint_loader() -> None:
    """Make mmengine's ``CheckpointLoader`` read local files with :func:`load_checkpoint_safely`
    (``Runner.resume``, ``load_from``, ``load_checkpoint``); idempotent."""
    from mmengine.runner.checkpoint import CheckpointLoader

    CheckpointLoader.register_scheme(prefixes="", loader=_load_from_local, force=True)
