"""One-line errors for the command-line tools.

Every tool's ``main(argv)`` runs its body through :func:`run_tool`. Errors a user can cause
(restorekit's own error classes, missing / unreadable files, config syntax and key errors,
bad ``--cfg-options`` values) are printed as **one line** on stderr::

    train.py: error: <what is wrong, naming the file or key> <what to do>

and the tool exits with status 2 (argparse's status for usage errors). ``--debug`` on the
command line or ``RESTOREKIT_DEBUG=1`` in the environment re-raises instead, with the full
traceback. Anything else (a bug) keeps its traceback.
"""

from __future__ import annotations

import difflib
import inspect
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

EXIT_USER_ERROR = 2
DEBUG_ENV = "RESTOREKIT_DEBUG"


class ToolError(Exception):
    """A user-facing error raised by a tool itself; printed as one line, exit status 2."""


class ConfigOptionError(ToolError, ValueError):
    """A ``--cfg-options`` entry whose value cannot be right for its key."""


def _dict_action():
    from mmengine.config import DictAction

    class CfgOptionsAction(DictAction):
        """mmengine's ``DictAction`` with a usage error (exit 2) for an entry without ``=``."""

        def __call__(self, parser, namespace, values, option_string=None):
            bad = [v for v in (values if isinstance(values, list) else [values]) if "=" not in v]
            if bad:
                parser.error(f"{option_string} expects key=value entries, got {bad[0]!r}")
            try:
                super().__call__(parser, namespace, values, option_string)
            except (ValueError, TypeError) as err:
                parser.error(f"{option_string}: cannot parse {values!r} ({err})")

    return CfgOptionsAction


def __getattr__(name: str):
    if name == "CfgOptionsAction":  # built lazily: mmengine is imported on first use
        return _dict_action()
    raise AttributeError(name)


def load_config_checked(path: str, cfg_options: dict | None = None, what: str = "config"):
    """``Config.fromfile(path)`` + ``--cfg-options``, with errors that name the file / key.

    ``path`` may be a ``restorekit::`` reference to a shipped config
    (:mod:`restorekit.utils.config_refs`).

    Raises FileNotFoundError / IsADirectoryError for the path, SyntaxError with the config's
    file name (mmengine reports ``<unknown>``) and :class:`ConfigOptionError` for an override
    whose type cannot replace the config's value.
    """
    from mmengine.config import Config

    from .config_refs import install, resolve_config
    from .runner_setup import check_cfg_options

    install()  # `restorekit::` references in _base_ lists
    path = resolve_config(path)
    if os.path.isdir(path):
        raise IsADirectoryError(21, f"The {what} path is a folder, not a .py file", path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{what} file {path!r} does not exist")
    try:
        cfg = Config.fromfile(path)
    except SyntaxError as err:
        if not err.filename or err.filename == "<unknown>":
            err.filename = path
        raise
    if cfg_options:
        check_cfg_options(cfg, cfg_options)
        cfg.merge_from_dict(cfg_options)
    return cfg


def debug_requested(argv: Sequence[str] | None) -> bool:
    """``--debug`` in ``argv`` (or ``sys.argv``) or ``RESTOREKIT_DEBUG`` set to a true value."""
    if os.environ.get(DEBUG_ENV, "").lower() in ("1", "true", "yes", "on"):
        return True
    args = sys.argv[1:] if argv is None else list(argv)
    return "--debug" in args


def strip_debug(argv: Sequence[str] | None) -> list[str]:
    """``argv`` (or ``sys.argv[1:]``) without ``--debug``, for the tool's own parser."""
    args = sys.argv[1:] if argv is None else list(argv)
    return [a for a in args if a != "--debug"]


def _user_error_types() -> tuple[type[BaseException], ...]:
    from restorekit.datasets.errors import (
        DatasetLayoutError,
        ImageReadError,
        ImageSizeError,
        MissingKeyError,
    )
    from restorekit.engine.errors import RestorekitRuntimeError
    from restorekit.registry import UnknownTypeError

    types: list[type[BaseException]] = [
        ToolError, RestorekitRuntimeError, DatasetLayoutError, ImageReadError, ImageSizeError,
        MissingKeyError, UnknownTypeError, FileNotFoundError, IsADirectoryError,
        NotADirectoryError, PermissionError, SyntaxError,
    ]
    try:
        from restorekit.apis.model_loading import CheckpointMismatchError

        types.append(CheckpointMismatchError)
    except ImportError:  # pragma: no cover - optional heavy imports failed
        pass
    return tuple(types)


_UNEXPECTED_KW = re.compile(r"(\w+)\.__init__\(\) got an unexpected keyword argument '(\w+)'")
_MISSING_KW = re.compile(r"(\w+)\.__init__\(\) missing \d+ required positional argument")


def _find_type_paths(node: Any, type_name: str, key: str | None, prefix: str = "") -> list[str]:
    """Dotted config paths of the dicts with ``type == type_name`` (holding ``key``)."""
    found: list[str] = []
    if isinstance(node, dict):
        t = node.get("type")
        t_name = t.split(".")[-1] if isinstance(t, str) else getattr(t, "__name__", None)
        if t_name == type_name and (key is None or key in node):
            found.append(prefix.rstrip("."))
        for k, v in node.items():
            found += _find_type_paths(v, type_name, key, f"{prefix}{k}.")
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            found += _find_type_paths(v, type_name, key, f"{prefix}{i}.")
    return found


def _signature_keys(type_name: str) -> list[str]:
    """Keyword names ``type_name``'s constructor accepts (from restorekit's registries)."""
    from restorekit import registry

    for name in registry.__all__:
        reg = getattr(registry, name)
        if not isinstance(reg, registry.SuggestingRegistry):
            continue
        try:
            cls = reg.get(type_name)
        except KeyError:
            continue
        try:
            params = inspect.signature(cls.__init__).parameters
        except (TypeError, ValueError):
            return []
        return [p for p in params if p not in ("self", "args", "kwargs")]
    return []


def explain_type_error(err: TypeError, cfg: Any = None) -> str | None:
    """A one-line explanation of a constructor ``TypeError`` caused by a config dict."""
    text = str(err)
    match = _UNEXPECTED_KW.search(text)
    if match:
        type_name, key = match.groups()
        paths = _find_type_paths(cfg.to_dict() if hasattr(cfg, "to_dict") else cfg or {},
                                 type_name, key)
        where = f"'{paths[0]}.{key}'" if paths else f"'{key}' (in a {type_name} dict)"
        valid = _signature_keys(type_name)
        close = difflib.get_close_matches(key, valid, n=3, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else (
            f" Valid keys: {', '.join(valid)}." if valid else "")
        cfg_name = getattr(cfg, "filename", None)
        src = f" in config '{cfg_name}'" if cfg_name else ""
        return f"config key {where}{src} is not a parameter of {type_name}.{hint}"
    match = _MISSING_KW.search(text)
    if match:
        return f"config error: {text}. Add the missing key to the {match.group(1)} dict."
    return None


def describe(err: BaseException, cfg: Any = None) -> str | None:
    """One line for a user error, or ``None`` if ``err`` looks like a bug (keep traceback)."""
    if isinstance(err, SyntaxError) and not isinstance(err, ToolError):
        where = f"'{err.filename}'" if err.filename and err.filename != "<unknown>" else "config"
        line = f", line {err.lineno}" if err.lineno else ""
        return (f"syntax error in {where}{line}: {err.msg}. Fix the config file "
                f"(python -m py_compile FILE shows the spot).")
    if isinstance(err, FileNotFoundError) and err.filename and str(err.filename) not in str(err):
        return f"{err.strerror or 'file not found'}: '{err.filename}'."
    if isinstance(err, _user_error_types()):
        text = str(err) if not isinstance(err, KeyError) or type(err) is not KeyError else \
            str(err.args[0] if err.args else err)
        return " ".join(text.split())  # one line
    if isinstance(err, TypeError):
        return explain_type_error(err, cfg)
    return None


def run_tool(body: Callable[[list[str]], Any], argv: Sequence[str] | None, prog: str,
             context: dict | None = None) -> Any:
    """Run ``body(args)`` and turn user errors into one line on stderr and ``SystemExit(2)``.

    Args:
        body: the tool's real main; receives ``argv`` without ``--debug``.
        argv: the command line (``None`` = ``sys.argv[1:]``).
        prog: the tool's name for the message prefix (``'train.py'``).
        context: a dict the body may fill (``context['cfg'] = cfg``) so that constructor errors
            can name the config key.
    """
    debug = debug_requested(argv)
    ctx = context if context is not None else {}
    try:
        return body(strip_debug(argv))
    except (SystemExit, KeyboardInterrupt):
        raise
    except Exception as err:
        if debug:
            raise
        message = describe(err, ctx.get("cfg"))
        if message is None:
            raise
        print(f"{prog}: error: {message} (run with --debug or {DEBUG_ENV}=1 for the "
              f"traceback)", file=sys.stderr)
        raise SystemExit(EXIT_USER_ERROR) from None


def tool_name(file: str) -> str:
    return Path(file).name
