"""``restorekit::`` config references: use a shipped config from any folder.

A config shipped with restorekit is named ``restorekit::<path under configs/>``, e.g.
``restorekit::demo/dbgan_demo.py`` or ``restorekit::dbgan_gopro.py``. The same name works

- on the command line (``restorekit train restorekit::dbgan_gopro.py``,
  ``python tools/test.py restorekit::demo/dbgan_demo.py ckpt.pth``), and
- in a user config's ``_base_`` (``_base_ = ["restorekit::demo/dbgan_demo.py"]``),

in a source checkout (``configs/``) and in an installed wheel (``restorekit/.mim/configs``,
the folder OpenMMLab packages use; setup.py copies ``configs/`` there when the wheel is built).

mmengine resolves ``package::path`` only for OpenMMLab packages it knows (its
``MODULE2PACKAGE`` table; the path must contain a ``/``) and finds the package through
``pkg_resources``, which in a checkout with an editable install may point at another copy.
:func:`install` therefore wraps ``Config._get_cfg_path`` (mmengine 0.10, pinned in setup.py)
so that ``restorekit::`` is resolved here, by the imported restorekit package; other
references are left to mmengine. Every restorekit loader calls :func:`install`; a script
that calls ``Config.fromfile`` itself uses :func:`load_config` or calls :func:`install` first.
"""

from __future__ import annotations

import os
from pathlib import Path

PREFIX = "restorekit::"
_PACKAGE = Path(__file__).resolve().parents[1]
_installed = False


def config_roots() -> list[Path]:
    """Folders searched for ``restorekit::`` names, in order.

    The wheel's ``restorekit/.mim/configs`` first, then ``configs/`` of the source checkout
    the package was imported from (recognised by its ``setup.py``; an installed wheel has none,
    so a stray ``site-packages/configs`` is never used).
    """
    roots = []
    shipped = _PACKAGE / ".mim" / "configs"
    if shipped.is_dir():
        roots.append(shipped)
    checkout = _PACKAGE.parent
    if (checkout / "setup.py").is_file() and (checkout / "configs").is_dir():
        roots.append(checkout / "configs")
    return roots


def is_reference(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a ``restorekit::`` reference."""
    return str(path).startswith(PREFIX)


def shipped_config(name: str) -> Path:
    """The file of a shipped config, ``name`` relative to ``configs/`` (``'demo/x.py'``).

    Raises:
        FileNotFoundError: no root holds it; the message lists the roots and close names.
    """
    name = name.lstrip("/")
    roots = config_roots()
    for root in roots:
        path = root / name
        if path.is_file():
            return path
    import difflib

    known = sorted({p.relative_to(r).as_posix() for r in roots for p in r.rglob("*.py")})
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    hint = f" Did you mean: {', '.join(PREFIX + c for c in close)}?" if close else (
        " List them with `restorekit print-config --list`.")
    where = ", ".join(str(r) for r in roots) or "(no configs folder found)"
    raise FileNotFoundError(f"Shipped config '{PREFIX}{name}' not found in {where}.{hint}")


def resolve_config(path: str | os.PathLike) -> str:
    """A file path for ``path``: ``restorekit::x`` -> the shipped file, anything else as is.

    A relative path that does not exist but names a shipped config (``configs/dbgan_gopro.py``
    run outside the checkout) raises FileNotFoundError suggesting ``restorekit::dbgan_gopro.py``.
    """
    text = str(path)
    if is_reference(text):
        return str(shipped_config(text[len(PREFIX):]))
    if not os.path.exists(text) and text.startswith("configs/"):
        name = text[len("configs/"):]
        if any((root / name).is_file() for root in config_roots()):
            raise FileNotFoundError(
                f"Config file '{text}' does not exist here ({os.getcwd()}); outside the "
                f"restorekit checkout name the shipped config as '{PREFIX}{name}'.")
    return text


def install() -> None:
    """Teach mmengine's ``Config.fromfile`` the ``restorekit::`` prefix in ``_base_`` lists.

    Idempotent. The base is read as a plain file (no ``_scope_`` is added): restorekit
    configs already run in the ``restorekit`` default scope.
    """
    global _installed
    if _installed:
        return
    from mmengine.config import Config

    original = Config._get_cfg_path

    def _get_cfg_path(cfg_path: str, filename: str):
        if is_reference(cfg_path):
            return str(shipped_config(cfg_path[len(PREFIX):])), None
        return original(cfg_path, filename)

    Config._get_cfg_path = staticmethod(_get_cfg_path)
    _installed = True


def load_config(path: str | os.PathLike):
    """``Config.fromfile`` for a path or ``restorekit::`` reference, with the prefix enabled
    in ``_base_`` lists."""
    from mmengine.config import Config

    install()
    return Config.fromfile(resolve_config(path))


def list_configs() -> list[str]:
    """Every shipped config as a ``restorekit::`` name (``_base_`` files excluded)."""
    names = set()
    for root in config_roots():
        for p in root.rglob("*.py"):
            rel = p.relative_to(root).as_posix()
            if not rel.startswith("_base_/"):
                names.add(PREFIX + rel)
    return sorted(names)
