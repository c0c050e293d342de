"""A local file backend that writes atomically (temp file + fsync + rename).

mmengine's ``LocalBackend.put`` opens the target and writes into it, so a crash or a full disk
mid-write leaves a truncated checkpoint under the real name. Configs select this backend with
``backend_args=dict(backend='atomic_local')`` on the ``CheckpointHook``; readers and the
other file operations are the local backend's.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Union

from mmengine.fileio import LocalBackend, register_backend


def atomic_write_bytes(data: bytes, filepath: Union[str, Path]) -> None:
    """Write ``data`` to ``filepath`` so that readers see either the old or the new file."""
    filepath = Path(filepath)
    filepath.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{filepath.name}.", suffix=".tmp", dir=filepath.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, filepath)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class AtomicLocalBackend(LocalBackend):
    """:class:`LocalBackend` whose ``put`` / ``put_text`` are atomic."""

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        atomic_write_bytes(obj, filepath)

    def put_text(self, obj: str, filepath: Union[str, Path], encoding: str = "utf-8") -> None:
        atomic_write_bytes(obj.encode(encoding), filepath)


register_backend("atomic_local", AtomicLocalBackend, force=True)
