"""The ``restorekit`` console command: ``restorekit <command> [args ...]``.

Each subcommand runs the ``main(argv)`` of an existing tool, so ``restorekit train X`` and
``python tools/train.py X`` are the same program with the same flags:

- repository tools (``train``, ``test``, ``deblur``, ``benchmark``, ``export-onnx``,
  ``convert <source>``, ``pack-lmdb``, ``fit-classical``) are the files under ``tools/``. In a
  source checkout they are read from ``tools/``; a wheel carries a copy in
  ``restorekit/.mim/tools`` (setup.py copies it at build time, as mmagic's ``.mim`` does), so
  the command works from any directory without the repository;
- ``print-config``, ``flops`` and ``demo`` are modules of the package.

Config arguments accept ``restorekit::<path under configs/>`` for shipped configs
(:mod:`restorekit.utils.config_refs`). ``restorekit --help`` reads the tools' docstrings
without importing them (no torch import), so it is instant.
"""

from __future__ import annotations

import ast
import difflib
import importlib
import importlib.util
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

_PACKAGE = Path(__file__).resolve().parents[1]
EXIT_USAGE = 2

#: command -> tool file under tools/ ("converters/" = the ``convert`` family) or a module
COMMANDS: dict[str, str] = {
    "train": "train.py",
    "test": "test.py",
    "deblur": "deblur.py",
    "benchmark": "benchmark.py",
    "export-onnx": "export_onnx.py",
    "convert": "converters/",
    "print-config": "module:restorekit.cli.print_config",
    "flops": "module:restorekit.cli.flops",
    "pack-lmdb": "pack_lmdb.py",
    "fit-classical": "fit_classical.py",
    "demo": "module:restorekit.demo.run",
}


def tool_roots() -> list[Path]:
    """Where the tool files are: the wheel's ``restorekit/.mim/tools``, then ``tools/`` of
    the source checkout the package was imported from (recognised by its ``setup.py``)."""
    roots = []
    shipped = _PACKAGE / ".mim" / "tools"
    if shipped.is_dir():
        roots.append(shipped)
    checkout = _PACKAGE.parent
    if (checkout / "setup.py").is_file() and (checkout / "tools").is_dir():
        roots.append(checkout / "tools")
    return roots


def find_tool(relative: str) -> Path:
    """The file of a tool (``'train.py'``, ``'converters/dbgan.py'``)."""
    for root in tool_roots():
        if (root / relative).is_file():
            return root / relative
    where = ", ".join(str(r) for r in tool_roots()) or "(no tools folder: reinstall restorekit)"
    raise FileNotFoundError(f"restorekit tool '{relative}' not found in {where}")


def converters() -> dict[str, Path]:
    """``convert`` sources: converter name (``'mimo-unet'``) -> its file."""
    found: dict[str, Path] = {}
    for root in reversed(tool_roots()):  # the first root wins
        for path in sorted((root / "converters").glob("*.py")):
            if not path.name.startswith("_"):
                found[path.stem.replace("_", "-")] = path
    return found


def load_tool(path: Path) -> ModuleType:
    """Import a tool file as module ``restorekit_tools.<stem>`` (not added to sys.modules)."""
    spec = importlib.util.spec_from_file_location(f"restorekit_tools.{path.stem}", path)
    if spec is None or spec.loader is None:  # pragma: no cover - not a .py file
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def summary(target: str) -> str:
    """First docstring line of a tool file or module, read without importing it."""
    try:
        if target.startswith("module:"):
            spec = importlib.util.find_spec(target[len("module:"):])
            path = Path(spec.origin) if spec and spec.origin else None
        elif target.endswith("/"):
            return "convert an official checkpoint: " + ", ".join(converters())
        else:
            path = find_tool(target)
        doc = ast.get_docstring(ast.parse(path.read_text())) if path else None
    except (OSError, SyntaxError, ImportError):
        return ""
    first = (doc or "").strip().split("\n\n")[0]
    return " ".join(first.split()).rstrip(".").replace("`make demo`: ", "")


def usage() -> str:
    """The ``restorekit --help`` text."""
    width = max(len(c) for c in COMMANDS) + 2
    lines = ["usage: restorekit <command> [args ...]   (restorekit <command> --help for its flags)",
             "", "commands:"]
    lines += [f"  {name:<{width}}{summary(target)}" for name, target in COMMANDS.items()]
    lines += ["", "Shipped configs are named restorekit::<path under configs/>, e.g. "
              "restorekit::demo/dbgan_demo.py", "(list them: restorekit print-config --list). "
              "--debug on any command shows full tracebacks."]
    return "\n".join(lines)


def _entry(command: str, args: list[str]):
    """The ``main`` function and the argv for ``command``."""
    target = COMMANDS[command]
    if target.startswith("module:"):
        return importlib.import_module(target[len("module:"):]).main, args, command
    if target.endswith("/"):
        known = converters()
        if not args or args[0] in ("-h", "--help"):
            raise _UsageError("usage: restorekit convert <source> [args ...]; sources: "
                         + ", ".join(known), status=0 if args else EXIT_USAGE)
        source = args[0].replace("_", "-")
        if source not in known:
            raise _UsageError(f"restorekit convert: unknown source {args[0]!r}; choose from "
                         f"{', '.join(known)}")
        return load_tool(known[source]).main, args[1:], f"convert {source}"
    return load_tool(find_tool(target)).main, args, command


class _UsageError(Exception):
    def __init__(self, message: str, status: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.status = status


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch ``argv`` (default ``sys.argv[1:]``); returns the exit status."""
    try:
        return _dispatch(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:  # `restorekit print-config X | head`: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _dispatch(args: list[str]) -> int:
    if not args or args[0] in ("-h", "--help", "help"):
        print(usage())
        return 0 if args else EXIT_USAGE
    if args[0] in ("-V", "--version"):
        from restorekit.version import __version__

        print(f"restorekit {__version__}")
        return 0
    command, rest = args[0], args[1:]
    if command not in COMMANDS:
        close = difflib.get_close_matches(command, COMMANDS, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        print(f"restorekit: error: unknown command {command!r}.{hint} Commands: "
              f"{', '.join(COMMANDS)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        func, rest, prog = _entry(command, rest)
    except _UsageError as err:
        print(err, file=sys.stderr if err.status else sys.stdout)
        return err.status
    old_argv0 = sys.argv[0]
    sys.argv[0] = f"restorekit {prog}"  # argparse's prog: "usage: restorekit train ..."
    try:
        result = func(rest)
    finally:
        sys.argv[0] = old_argv0
    return result if isinstance(result, int) and not isinstance(result, bool) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
