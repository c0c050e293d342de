"""Where the shipped configs live, in a source checkout or an installed package."""

from __future__ import annotations

from pathlib import Path

from restorekit.utils.config_refs import shipped_config


def find_config(name: str) -> Path:
    """The path of a shipped config such as ``'demo/dbgan_demo.py'`` (the file behind
    ``restorekit::demo/dbgan_demo.py``; see :mod:`restorekit.utils.config_refs`).

    Raises:
        FileNotFoundError: no root holds it (the message lists the roots searched).
    """
    return shipped_config(name)
