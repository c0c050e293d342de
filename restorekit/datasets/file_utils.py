"""File discovery shared by the datasets: image scanning and list-file parsing.

Images are recognised by extension (``IMG_EXTENSIONS``, case-insensitive) and always returned
sorted by their relative path, so the order never depends on the file system.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import DatasetLayoutError, list_some

IMG_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff")


def is_image_file(path: str | os.PathLike) -> bool:
    """Whether ``path`` has one of :data:`IMG_EXTENSIONS` (case-insensitive)."""
    return Path(path).suffix.lower() in IMG_EXTENSIONS


def require_dir(path: str | os.PathLike, what: str, hint: str = "") -> Path:
    """Return ``path`` as a :class:`Path`, or raise :class:`DatasetLayoutError` naming it."""
    path = Path(path)
    if not path.is_dir():
        kind = "is a file, not a folder" if path.exists() else "does not exist"
        raise DatasetLayoutError(f"{what} folder '{path}' {kind}.{' ' + hint if hint else ''}")
    return path


def scan_images(folder: str | os.PathLike, recursive: bool = True) -> dict[str, str]:
    """Map each image's relative path without extension (its *key*) to its full path.

    Args:
        folder: an existing folder.
        recursive: descend into sub-folders (keys then contain ``/``).

    Returns:
        ``{key: path}`` sorted by key, e.g. ``{'sub/000047': '<folder>/sub/000047.png'}``.

    Raises:
        DatasetLayoutError: two files share a key (e.g. ``a.png`` and ``a.jpg``).
    """
    folder = Path(folder)
    pattern = "**/*" if recursive else "*"
    found: dict[str, str] = {}
    clashes: list[str] = []
    for path in sorted(folder.glob(pattern)):
        if not path.is_file() or not is_image_file(path):
            continue
        key = path.relative_to(folder).with_suffix("").as_posix()
        if key in found:
            clashes.append(f"{found[key]} / {path}")
            continue
        found[key] = str(path)
    if clashes:
        raise DatasetLayoutError(
            f"Folder '{folder}' has several images with the same name but different extensions: "
            f"{list_some(clashes)}. Keep one file per name."
        )
    return dict(sorted(found.items()))


def read_list_file(path: str | os.PathLike, num_columns: int) -> list[tuple[int, list[str]]]:
    """Read a whitespace-separated list file.

    Blank lines and lines starting with ``#`` are skipped; every other line must have exactly
    ``num_columns`` fields (paths therefore cannot contain spaces).

    Returns:
        ``[(line_number, fields), ...]`` in file order (line numbers start at 1).

    Raises:
        DatasetLayoutError: the file is missing, a line has the wrong number of fields, or the
            file lists nothing.
    """
    path = Path(path)
    if not path.is_file():
        raise DatasetLayoutError(
            f"List file '{path}' does not exist. Check `ann_file` (relative paths are joined "
            f"with `data_root`)."
        )
    rows: list[tuple[int, list[str]]] = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            fields = text.split()
            if len(fields) != num_columns:
                raise DatasetLayoutError(
                    f"List file '{path}', line {number}: expected {num_columns} path(s) separated "
                    f"by whitespace, got {len(fields)}: {text!r}. Fix or remove this line "
                    f"(paths cannot contain spaces; comments start with '#')."
                )
            rows.append((number, fields))
    if not rows:
        raise DatasetLayoutError(f"List file '{path}' lists no images (only blanks/comments).")
    return rows


def check_files_exist(paths: list[str], source: str) -> None:
    """Raise :class:`DatasetLayoutError` listing the first missing files of ``paths``."""
    missing = [p for p in paths if not os.path.isfile(p)]
    if missing:
        raise DatasetLayoutError(
            f"{len(missing)} file(s) listed in {source} do not exist: {list_some(missing)}. "
            f"Fix the paths (they are relative to `data_root`) or set `data_root` correctly."
        )


__all__ = [
    "IMG_EXTENSIONS",
    "check_files_exist",
    "is_image_file",
    "read_list_file",
    "require_dir",
    "scan_images",
]
