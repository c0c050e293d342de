"""Where image bytes come from: local files, LMDB databases, or any mmengine file backend.

A dataset is told its storage with ``backend_args`` (mmengine ``fileio`` style):

* ``None`` or ``dict(backend='local')``: files on disk (the default; unchanged behaviour).
* ``dict(backend='lmdb')``: every image folder of the dataset is an LMDB database instead
  (a folder holding ``data.mdb`` and ``meta_info.txt``, written by ``tools/pack_lmdb.py`` or
  BasicSR's ``scripts/data_preparation/create_lmdb.py``). A key is the image's relative path
  without extension (``'GOPR0372_07_00/000047'``, sub-image crops ``'..._s001'``); values
  are encoded image bytes (PNG / JPEG ...). Extra keys (``readahead``, ...) go to
  ``lmdb.open`` through mmengine's ``LmdbBackend``.
* any other mmengine backend (``'http'``, ``'petrel'``, ``'memcached'`` or a registered
  one): the dataset's list file names the images (joined with ``data_root`` as strings) and
  the bytes are fetched with ``mmengine.fileio.get_file_backend(...).get(path)``.

Each data info then carries ``<key>_backend_args`` next to ``<key>_path`` (for LMDB the path
is the key and ``db_path`` names the database), so ``LoadImageFromFile`` needs no storage
settings of its own.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import DatasetLayoutError, ImageReadError

META_INFO = "meta_info.txt"
_LMDB_CACHE: dict[tuple[int, str, str], object] = {}  # (pid, db_path, kwargs) -> backend


def backend_name(backend_args: dict | None) -> str:
    """``'local'`` for ``None`` / no ``backend`` key, else ``backend_args['backend']``."""
    return (backend_args or {}).get("backend", "local")


def is_local(backend_args: dict | None) -> bool:
    """Whether images are plain local files (the datasets' original behaviour)."""
    return backend_name(backend_args) == "local"


def describe(path: str, backend_args: dict | None) -> str:
    """How an error message names an image: ``'path'`` or ``key 'k' in LMDB 'db'``."""
    name = backend_name(backend_args)
    if name == "local":
        return f"'{path}'"
    if name == "lmdb":
        return f"key '{path}' in LMDB '{backend_args.get('db_path')}'"
    return f"'{path}' (backend {name!r})"


def _lmdb_backend(backend_args: dict):
    """mmengine ``LmdbBackend`` for ``db_path``, one per process (an LMDB environment must
    not cross a ``fork``: DataLoader workers open their own)."""
    from mmengine.fileio.backends import LmdbBackend

    from restorekit.utils.optional import require

    require("lmdb", "Reading LMDB datasets (backend='lmdb')")
    kwargs = {k: v for k, v in backend_args.items() if k not in ("backend", "db_path")}
    cache_key = (os.getpid(), str(backend_args["db_path"]), repr(sorted(kwargs.items())))
    backend = _LMDB_CACHE.get(cache_key)
    if backend is None:
        backend = LmdbBackend(backend_args["db_path"], **kwargs)
        _LMDB_CACHE[cache_key] = backend
    return backend


def get_bytes(path: str, backend_args: dict | None = None) -> bytes:
    """The stored bytes of one image (``path`` is the LMDB key for ``backend='lmdb'``).

    Raises:
        ImageReadError: the file / key / object is missing or unreadable; names the file, or
            the key and the database, and what to do.
    """
    name = backend_name(backend_args)
    if name == "local":
        try:
            with open(path, "rb") as f:
                return f.read()
        except OSError as err:
            raise ImageReadError(f"Cannot read image '{path}': {err.strerror or err}.") from err
    if name == "lmdb":
        if not backend_args.get("db_path"):
            raise ImageReadError(f"backend_args={backend_args!r} has no db_path for key '{path}'.")
        try:
            data = _lmdb_backend(backend_args).get(path)
        except ImportError:  # the lmdb package is missing: one message, not one per image
            raise
        except Exception as err:  # lmdb.Error, a non-ASCII key
            raise ImageReadError(
                f"Cannot read {describe(path, backend_args)}: {type(err).__name__}: {err}"
            ) from err
        if data is None:
            raise ImageReadError(
                f"Image {describe(path, backend_args)} does not exist: the database has no such "
                f"key. Keys are relative paths without extension as listed in its "
                f"{META_INFO}; re-pack it with tools/pack_lmdb.py."
            )
        return bytes(data)
    from mmengine.fileio import get_file_backend

    try:
        backend = get_file_backend(path, backend_args=backend_args, enable_singleton=True)
        return backend.get(path)
    except Exception as err:
        raise ImageReadError(
            f"Cannot read image {describe(path, backend_args)}: {type(err).__name__}: {err}"
        ) from err


def join_root(root: str | None, rel: str) -> str:
    """``root/rel`` as a string (URLs keep their ``//``); ``rel`` alone without a root."""
    return f"{str(root).rstrip('/')}/{rel}" if root else rel


def lmdb_keys(db_path: str | os.PathLike, what: str) -> list[str]:
    """Keys of an LMDB database from its ``meta_info.txt``, in file order.

    Each line is ``<key>.<ext> (h,w,c) <compression>`` (BasicSR) or just ``<key>``; the key
    is the first field without an image extension.

    Raises:
        DatasetLayoutError: the folder is not an LMDB database, or has no / an empty
            ``meta_info.txt``.
    """
    from .file_utils import is_image_file

    db = Path(db_path)
    if not (db / "data.mdb").is_file():
        kind = "does not exist" if not db.exists() else "has no data.mdb"
        raise DatasetLayoutError(
            f"{what} LMDB '{db}' {kind}. Pack the images with tools/pack_lmdb.py, or drop "
            f"backend_args=dict(backend='lmdb') to read image folders."
        )
    meta = db / META_INFO
    if not meta.is_file():
        raise DatasetLayoutError(
            f"{what} LMDB '{db}' has no {META_INFO} listing its keys (one '<key>.png (h,w,c) "
            f"level' line per image). Re-pack with tools/pack_lmdb.py."
        )
    keys = []
    for line in meta.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if fields:
            first = fields[0]
            keys.append(Path(first).with_suffix("").as_posix() if is_image_file(first) else first)
    if not keys:
        raise DatasetLayoutError(f"{what} LMDB '{db}': {meta} lists no keys.")
    return keys


__all__ = [
    "META_INFO",
    "backend_name",
    "describe",
    "get_bytes",
    "is_local",
    "join_root",
    "lmdb_keys",
]
