"""Docs that run: every command in a ```bash block of README.md and docs/**/*.md is checked.

For ``python tools/X.py``, ``python benchmarks/X.py``, ``tools/X.sh``, ``restorekit X`` and
``make X`` lines: the program exists and its argparse accepts every ``--flag`` used (each
tool's ``--help`` is read once, in this process). Everywhere in the docs: ``configs/*.py``
paths and ``restorekit::`` names exist, relative links resolve, and ``work_dirs/.../iter_N.pth``
names are checkpoints the referenced schedule writes. A few cheap commands are executed.
"""

from __future__ import annotations

import contextlib
import io
import re
import runpy
import shlex
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from restorekit.cli.main import COMMANDS
from restorekit.cli.main import main as restorekit_main
from restorekit.utils.config_refs import load_config, shipped_config

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
BLOCK = re.compile(r"```(?:bash|sh|shell)\n(.*?)```", re.S)
#: shell wrappers -> the Python tool whose flags they forward
SCRIPTS = {"dist_train.sh": "tools/train.py", "slurm_train.sh": "tools/train.py",
           "dist_test.sh": "tools/test.py", "slurm_test.sh": "tools/test.py"}
FLAG = re.compile(r"^\[?(--[a-z][\w-]*)")


@dataclass(frozen=True)
class Command:
    doc: str
    line: str
    argv: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.doc}: {self.line}"


def bash_commands() -> list[Command]:
    """Every command line of the docs' bash blocks (continuations joined, comments cut)."""
    found = []
    for doc in DOCS:
        for block in BLOCK.findall(doc.read_text()):
            for line in block.replace("\\\n", " ").splitlines():
                argv = shlex.split(line, comments=True)
                while argv and re.match(r"^[A-Z_]+=", argv[0]):  # NNODES=2 tools/...
                    argv = argv[1:]
                if argv:
                    found.append(Command(str(doc.relative_to(REPO)), " ".join(line.split()),
                                         tuple(argv)))
    return found


def program(argv: tuple[str, ...]) -> tuple[str, str, list[str]] | None:
    """``(kind, target, args)``: kind 'file' (a Python script), 'script' (tools/*.sh),
    'restorekit' (a subcommand) or 'make'; None for other programs (tensorboard, ...)."""
    head, rest = argv[0], list(argv[1:])
    if head in ("python", "python3") and rest[:2] == ["-m", "restorekit"]:
        head, rest = "restorekit", rest[2:]
    if head in ("python", "python3") and rest:
        return "file", rest[0], rest[1:]
    if head == "restorekit":
        if not rest or rest[0].startswith("-"):
            return "restorekit", "", rest
        target = " ".join(rest[:2]) if rest[0] == "convert" else rest[0]
        return "restorekit", target, rest[2:] if rest[0] == "convert" else rest[1:]
    if head.endswith(".sh"):
        return "script", head, rest
    if head == "make":
        return "make", rest[0] if rest else "", []
    return None


def _capture(func) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        func()
    return out.getvalue()


@cache
def help_text(kind: str, target: str, sub: str = "") -> str:
    """``--help`` output of a script file or a restorekit subcommand (``sub``: an argparse
    sub-command such as ``pack_lmdb.py paired``), run in this process."""
    words = [*target.split(), *sub.split(), "--help"]
    if kind == "restorekit":
        return _capture(lambda: restorekit_main(words))
    path = str(REPO / target)
    old = sys.argv
    sys.argv = [path, *words[1:]]
    try:
        return _capture(lambda: runpy.run_path(path, run_name="__main__"))
    finally:
        sys.argv = old


COMMAND_LIST = bash_commands()


def test_the_docs_have_commands_to_check():
    kinds = {program(c.argv)[0] for c in COMMAND_LIST if program(c.argv)}
    assert len(COMMAND_LIST) > 40 and kinds == {"file", "script", "restorekit", "make"}


#: the documented commands of restorekit's own programs (others, e.g. ``tensorboard``, are
#: not checked)
OWN_COMMANDS = [c for c in COMMAND_LIST if program(c.argv) is not None]


@pytest.mark.parametrize("command", OWN_COMMANDS, ids=str)
def test_command_exists_and_accepts_its_flags(command: Command):
    kind, target, args = program(command.argv)
    if kind == "make":
        assert re.search(rf"^{re.escape(target)}:", (REPO / "Makefile").read_text(), re.M), (
            f"{command}: no make target {target!r}")
        return
    if kind == "script":
        assert (REPO / target).is_file(), f"{command}: {target} does not exist"
        kind, target = "file", SCRIPTS[Path(target).name]
    if kind == "file":
        assert (REPO / target).is_file(), f"{command}: {target} does not exist"
    else:
        assert not target or target.split()[0] in COMMANDS, f"{command}: unknown subcommand"
    text = help_text(kind, target)
    assert "usage:" in text, f"{command}: `{target} --help` printed no usage"
    choices = re.search(r"^usage:.*?\{([\w,-]+)\}", text, re.S)
    if choices and args and args[0] in choices.group(1).split(","):  # argparse sub-command
        text = help_text(kind, target, args[0])
    for flag in {m.group(1) for a in args if (m := FLAG.match(a))}:
        assert re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", text), (
            f"{command}: {target} has no option {flag}")


def _doc_texts():
    return [(doc, doc.read_text()) for doc in DOCS]


def test_config_paths_and_references_exist():
    missing = []
    for doc, text in _doc_texts():
        for path in set(re.findall(r"(?<![\w/.:-])(configs/[\w/.-]+?\.py)\b", text)):
            if not (REPO / path).is_file():
                missing.append(f"{doc.name}: {path}")
        for name in set(re.findall(r"restorekit::([\w/.-]+?\.py)\b", text)):
            try:
                shipped_config(name)
            except FileNotFoundError:
                missing.append(f"{doc.name}: restorekit::{name}")
    assert not missing, f"docs name configs that do not exist: {missing}"


def test_relative_links_resolve():
    broken = []
    for doc, text in _doc_texts():
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"^(https?:|mailto:|#)", target):
                continue
            if not (doc.parent / target.split("#")[0]).exists():
                broken.append(f"{doc.relative_to(REPO)}: {target}")
    assert not broken, f"broken links: {broken}"


@cache
def checkpoints_kept(config: str) -> tuple[int, ...]:
    """Iterations of the checkpoints a shipped config leaves in its work dir (every
    ``interval``, the last one always, at most ``max_keep_ckpts``)."""
    cfg = load_config(REPO / "configs" / config)
    hook, last = cfg.default_hooks.checkpoint, int(cfg.train_cfg.max_iters)
    saved = [*range(hook.interval, last, hook.interval), last]
    keep = int(hook.get("max_keep_ckpts", -1))
    return tuple(saved[-keep:] if keep > 0 else saved)


def _config_for(work_dir: str, line: str) -> str | None:
    from restorekit.demo.realistic_blur import CONFIG as REALISTIC
    from restorekit.demo.run import METHODS

    parts = work_dir.split("/")
    if work_dir == "demo/realistic_blur":  # make demo's folders
        return REALISTIC
    if parts[0] == "demo" and len(parts) == 2 and parts[1] in METHODS:
        return METHODS[parts[1]][1]
    stems = {p.stem: p.relative_to(REPO / "configs").as_posix()
             for p in (REPO / "configs").rglob("*.py") if "_base_" not in p.parts}
    if parts[-1] in stems:  # tools/train.py's default work dir: work_dirs/<config name>
        return stems[parts[-1]]
    paired = re.findall(rf"configs/([\w/.-]+?\.py):work_dirs/{re.escape(work_dir)}/", line)
    if paired:  # tools/benchmark.py's CFG:CKPT pairs
        return paired[0]
    on_line = re.findall(r"configs/([\w/.-]+?\.py)", line)
    return on_line[0] if on_line else None


def test_checkpoint_names_match_the_schedules():
    wrong = []
    for doc, text in _doc_texts():
        for line in text.replace("\\\n", " ").splitlines():
            for work_dir, iters in re.findall(r"work_dirs/([\w/.-]+?)/iter_(\d+)\.pth", line):
                config = _config_for(work_dir, line)
                if config is None:
                    continue
                kept = checkpoints_kept(config)
                if int(iters) not in kept:
                    wrong.append(f"{doc.name}: work_dirs/{work_dir}/iter_{iters}.pth but "
                                 f"configs/{config} leaves {kept[-3:]}")
    assert not wrong, "\n".join(wrong)


CHEAP = re.compile(r"^restorekit (--help|print-config)")


def test_cheap_documented_commands_run(capsys):
    ran = 0
    for command in COMMAND_LIST:
        if CHEAP.match(" ".join(command.argv)):
            assert restorekit_main(list(command.argv[1:])) == 0, str(command)
            ran += 1
    assert ran >= 3
    assert "restorekit::demo/dbgan_demo.py" in capsys.readouterr().out


def test_documented_training_command_runs_at_a_tiny_budget(tmp_path, monkeypatch):
    line = next(c for c in COMMAND_LIST if c.argv[:2] == ("restorekit", "train"))
    monkeypatch.chdir(tmp_path)  # the demo data build themselves under ./data/demo
    budget = ["--cfg-options", "train_cfg.max_iters=1", "train_cfg.val_interval=1000",
              "default_hooks.checkpoint.interval=1", "train_dataloader.batch_size=2"]
    assert restorekit_main([*line.argv[1:], *budget]) == 0
    work_dir = line.argv[line.argv.index("--work-dir") + 1]
    assert (tmp_path / work_dir / "iter_1.pth").is_file()
