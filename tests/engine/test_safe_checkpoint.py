"""Checkpoints: weights_only loading with the allow-list, atomic writes."""

from __future__ import annotations

import io
import pickle

import pytest
import torch
from mmengine.logging.history_buffer import HistoryBuffer

from restorekit.engine.atomic_backend import AtomicLocalBackend, atomic_write_bytes
from restorekit.engine.safe_checkpoint import (
    allow_mmengine_checkpoint_globals,
    load_checkpoint_safely,
)


def test_history_buffers_round_trip_with_weights_only(tmp_path):
    buf = HistoryBuffer()
    for v in (1.0, 2.0, 4.0):
        buf.update(v)
    path = tmp_path / "ckpt.pth"
    allow_mmengine_checkpoint_globals()  # by-value pickling must be registered before saving
    torch.save({"message_hub": {"log_scalars": {"loss": buf}}, "w": torch.ones(2)}, path)
    loaded = load_checkpoint_safely(str(path))
    restored = loaded["message_hub"]["log_scalars"]["loss"]
    assert isinstance(restored, HistoryBuffer)
    assert restored.mean() == pytest.approx(7 / 3) and restored.current() == 4.0
    assert torch.equal(loaded["w"], torch.ones(2))


def test_arbitrary_objects_are_still_refused(tmp_path):
    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    path = tmp_path / "evil.pth"
    with open(path, "wb") as f:
        torch.save({"x": Evil()}, f)
    with pytest.raises(pickle.UnpicklingError):
        load_checkpoint_safely(str(path))


def test_atomic_write_replaces_whole_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "sub" / "iter_4.pth"
    atomic_write_bytes(b"old", target)
    AtomicLocalBackend().put(b"new-content", target)
    assert target.read_bytes() == b"new-content"
    assert [p.name for p in target.parent.iterdir()] == ["iter_4.pth"]


def test_failed_write_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "ckpt.pth"
    atomic_write_bytes(b"good", target)

    class Boom(io.BytesIO):
        pass

    def failing_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr("os.fsync", failing_fsync)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_bytes(b"partial", target)
    assert target.read_bytes() == b"good"
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.pth"]
