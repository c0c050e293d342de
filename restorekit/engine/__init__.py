"""Engine pieces: hooks, safe checkpoint loading, runner helpers."""

from . import hooks  # noqa: F401
