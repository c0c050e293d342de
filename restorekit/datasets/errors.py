"""Errors raised by restorekit's datasets and data transforms.

Every error names the offending file / key / size and says what to fix, so a user never has to
read a traceback to learn which image is broken.
"""

from __future__ import annotations

from collections.abc import Sequence

#: How many offending items an error message lists before summarising the rest.
MAX_LISTED = 5


class DatasetLayoutError(ValueError):
    """A dataset's folders or list file do not have the expected layout.

    Raised for a missing folder or list file, an empty set, unequal image counts, names that do
    not pair up, or a malformed list-file line.
    """


class ImageReadError(OSError, ValueError):
    """An image file is missing, empty (0 bytes), truncated or not decodable.

    Subclasses both :class:`OSError` (it is an I/O failure) and :class:`ValueError` (the file's
    content is invalid), so either ``except`` clause catches it.
    """


class ImageSizeError(ValueError):
    """An image has the wrong size for a transform (smaller than a crop, or keys disagree)."""


class MissingKeyError(KeyError):
    """A transform needs a ``results`` key that an earlier step did not produce."""

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0])


def require_keys(results: dict, keys: Sequence[str], owner: str) -> None:
    """Raise :class:`MissingKeyError` naming ``owner``, the missing and the present keys."""
    missing = [k for k in keys if k not in results]
    if missing:
        raise MissingKeyError(
            f"{owner}: results has no key(s) {missing} (present: {sorted(results)}). Add the "
            f"step that produces them earlier in the pipeline, e.g. LoadImageFromFile(key=...)."
        )


def list_some(items: Sequence[str], limit: int = MAX_LISTED) -> str:
    """Format up to ``limit`` items as ``'a', 'b' (and 3 more)`` for an error message."""
    items = list(items)
    shown = ", ".join(repr(str(i)) for i in items[:limit])
    if len(items) > limit:
        shown += f" (and {len(items) - limit} more)"
    return shown


__all__ = [
    "MAX_LISTED",
    "DatasetLayoutError",
    "ImageReadError",
    "ImageSizeError",
    "MissingKeyError",
    "list_some",
    "require_keys",
]
