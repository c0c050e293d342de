"""Where the shipped configs live, in a source checkout or an installed package."""

from __future__ import annotations

from pathlib import Path

#: searched in order: configs shipped inside the package, then the source checkout's configs/
CONFIG_ROOTS = (
    Path(__file__).resolve().parents[1] / ".configs",
    Path(__file__).resolve().parents[2] / "configs",
)


def find_config(name: str) -> Path:
    """The path of a shipped config such as ``'demo/dbgan_demo.py'``.

    Raises:
        FileNotFoundError: no root holds it (the message lists the roots searched).
    """
    for root in CONFIG_ROOTS:
        path = root / name
        if path.is_file():
            return path
    roots = ", ".join(str(r) for r in CONFIG_ROOTS)
    raise FileNotFoundError(f"config {name!r} not found in {roots}; pass a config path instead")
