"""Helpers of the bad-input suite: in-process tool runs and outcome assertions."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _load_root_conftest():
    spec = importlib.util.spec_from_file_location("rk_tests_root_conftest",
                                                  REPO / "tests" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_root = _load_root_conftest()
tiny_dbgan_config, write_pairs = _root.tiny_dbgan_config, _root.write_pairs
_TOOLS: dict = {}
_LOGGING_ERROR = re.compile(r"--- Logging error ---\n.*?\nArguments: .*?\n", re.S)


def tool(name: str):
    """tools/<name>.py as a module (loaded once per session)."""
    if name not in _TOOLS:
        spec = importlib.util.spec_from_file_location(f"rk_rel_{name}",
                                                      REPO / "tools" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _TOOLS[name] = module
    return _TOOLS[name]


class Result:
    def __init__(self, code, value, out: str, err: str) -> None:
        self.code, self.value, self.out, self.err = code, value, out, err

    @property
    def error_lines(self) -> list[str]:
        return [ln for ln in self.err.splitlines() if ": error: " in ln]


def run(name: str, argv: list[str], capsys) -> Result:
    """Run ``tools/<name>.py main(argv)`` in-process; exit code 0 when it returns normally
    (or the returned int for tools that return a status)."""
    capsys.readouterr()
    code, value = 0, None
    try:
        value = tool(name).main([str(a) for a in argv])
        if isinstance(value, int):
            code = value
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    # an mmengine logger created by an earlier in-process run may still point at that run's
    # (closed) captured stream; Python's logging then prints "--- Logging error ---" blocks
    err = _LOGGING_ERROR.sub("", captured.err)
    return Result(code, value, captured.out, err)


def assert_one_line_error(res: Result, *needles: str) -> None:
    """Exit status 2, exactly one ``error:`` line on stderr, no traceback, all needles in it."""
    assert res.code == 2, (res.code, res.err[-2000:])
    assert "Traceback" not in res.err, res.err[-2000:]
    assert len(res.error_lines) == 1, res.err[-2000:]
    for needle in needles:
        assert needle in res.error_lines[0], (needle, res.error_lines[0])
