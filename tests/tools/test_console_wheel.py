"""The wheel: it carries the configs and tools, and its `restorekit` command works from any
folder without the repository (installed with --no-deps beside the test environment)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
IGNORED = shutil.ignore_patterns(".git", "work_dirs", "data", "build", "dist", "*.egg-info",
                                 "__pycache__", ".pytest_cache", ".ruff_cache", "*.onnx",
                                 "*.pth", "tests", "docs", "benchmarks")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """Build the wheel from a copy of the checkout and install it into ``<tmp>/site``."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(REPO, src, ignore=IGNORED)  # keeps build/ out of the developer's tree
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp / "dist"),
                    str(src)], check=True, capture_output=True, timeout=300)
    wheel = next((tmp / "dist").glob("restorekit-*.whl"))
    subprocess.run([*pip, "install", "--no-deps", "--target", str(tmp / "site"), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(tmp / "site"), "OMP_NUM_THREADS": "1"}
    return dict(wheel=wheel, site=tmp / "site", cwd=elsewhere, env=env)


def run(installed: dict, *args: str, script: bool = False) -> subprocess.CompletedProcess:
    entry = ([str(installed["site"] / "bin" / "restorekit")] if script
             else ["-m", "restorekit"])
    return subprocess.run([sys.executable, *entry, *args], cwd=installed["cwd"],
                          env=installed["env"], capture_output=True, text=True, timeout=300)


def test_wheel_carries_configs_tools_and_the_console_script(installed):
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    configs = {n.split(".mim/configs/")[1] for n in names if ".mim/configs/" in n}
    in_git = {p.relative_to(REPO / "configs").as_posix() for p in (REPO / "configs").rglob("*.py")}
    assert configs == in_git
    assert "restorekit/.mim/tools/train.py" in names
    assert "restorekit/.mim/tools/converters/dbgan.py" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(installed["wheel"]).read(entry_points).decode()
    assert "restorekit = restorekit.cli.main:main" in text
    assert not (REPO / "restorekit" / ".mim").exists()  # not copied into the source tree


def test_help_and_print_config_from_another_folder(installed):
    proc = run(installed, "--help", script=True)
    assert proc.returncode == 0, proc.stderr
    for command in ("train", "test", "deblur", "benchmark", "export-onnx", "convert",
                    "print-config", "flops"):
        assert f"\n  {command} " in proc.stdout
    proc = run(installed, "print-config", "restorekit::demo/dbgan_demo.py")
    assert proc.returncode == 0, proc.stderr
    shipped = installed["site"] / "restorekit" / ".mim" / "configs" / "demo" / "dbgan_demo.py"
    assert str(shipped) in proc.stdout.splitlines()[0]  # the wheel's copy, not the checkout's
    assert "type='DBGAN'" in proc.stdout and "default_scope = 'restorekit'" in proc.stdout


def test_one_training_step_with_the_installed_train_tool(installed, tiny_pairs):
    config = installed["cwd"] / "tiny.py"
    config.write_text(textwrap.dedent(f"""\
        _base_ = ["restorekit::demo/dbgan_demo.py"]
        train_dataloader = dict(batch_size=2, dataset=dict(_delete_=True,
            type="PairedImageDataset", data_root={str(tiny_pairs)!r}, layout="folders",
            input_dir="blur", target_dir="sharp", pipeline=_base_.train_pipeline))
        train_cfg = dict(max_iters=1, val_interval=100)
        param_scheduler = dict(T_max=1)
        default_hooks = dict(checkpoint=dict(interval=1))
        custom_hooks = []
        """))
    proc = run(installed, "train", "tiny.py", "--work-dir", "work")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (installed["cwd"] / "work" / "iter_1.pth").is_file()
    assert "System environment" not in proc.stdout  # env / config dumps go to the log file
    log = next((installed["cwd"] / "work").glob("*/*.log")).read_text()
    assert "System environment" in log and "Config:" in log
