"""The `restorekit` dispatcher and its in-package commands (print-config, flops), in process."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from restorekit.cli.main import COMMANDS, converters, main

REPO = Path(__file__).resolve().parents[2]


def test_help_lists_every_command_with_its_docstring(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert f"\n  {name} " in out
    assert "Train a restorekit config" in out and "restorekit::demo/dbgan_demo.py" in out


def test_unknown_command_suggests_and_exits_2(capsys):
    assert main(["tarin"]) == 2
    assert "Did you mean 'train'?" in capsys.readouterr().err


def test_subcommand_runs_the_tool_with_its_own_parser(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["test", "--help"])
    out = capsys.readouterr().out
    assert exit_info.value.code == 0 and out.startswith("usage: restorekit test")
    assert "--show-dir" in out and "--protocol" in out


def test_convert_dispatches_to_the_converters(capsys):
    assert set(converters()) >= {"dbgan", "deblurganv2", "mimo-unet", "nafnet"}
    assert main(["convert", "nope"]) == 2
    assert "unknown source 'nope'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["convert", "mimo_unet", "--help"])  # underscores accepted too
    assert exit_info.value.code == 0
    assert "usage: restorekit convert mimo-unet" in capsys.readouterr().out


def test_print_config_list_and_overrides(capsys, tmp_path):
    assert main(["print-config", "--list"]) == 0
    listed = capsys.readouterr().out.split()
    assert "restorekit::dbgan_gopro.py" in listed and "restorekit::demo/dbgan_demo.py" in listed
    out_file = tmp_path / "resolved.py"
    assert main(["print-config", "restorekit::demo/dbgan_demo.py", "--cfg-options",
                 "train_cfg.max_iters=7", "--out", str(out_file)]) == 0
    assert "max_iters=7" in capsys.readouterr().out
    assert "max_iters=7" in out_file.read_text()


def test_print_config_of_a_missing_reference_is_one_line(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["print-config", "restorekit::dbgan_gopr.py"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and len(err.strip().splitlines()) == 1
    assert "Did you mean: restorekit::dbgan_gopro.py" in err


def test_flops_counts_the_generator(capsys):
    assert main(["flops", "restorekit::demo/dbgan_demo.py", "--shape", "32", "32",
                 "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["generator"] == "RRDBNet" and result["input"] == "32x32"
    assert result["params"] == pytest.approx(0.113e6, rel=0.01)  # the demo RRDBNet
    assert result["gmacs_mmengine"] == pytest.approx(result["gmacs_flop_counter"], rel=0.05)
    # twice the pixels: twice the multiply-adds of a fully convolutional network
    main(["flops", "restorekit::demo/dbgan_demo.py", "--shape", "32", "64", "--json"])
    double = json.loads(capsys.readouterr().out)
    assert double["gmacs_flop_counter"] == pytest.approx(2 * result["gmacs_flop_counter"],
                                                         rel=0.01)


def test_slurm_test_script_forwards_to_test_py(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "srun").write_text('#!/bin/sh\necho "$@"\n')
    (fake / "srun").chmod(0o755)
    env = {"PATH": f"{fake}:/usr/bin:/bin", "GPUS": "4"}
    proc = subprocess.run(["bash", str(REPO / "tools" / "slurm_test.sh"), "gpu", "job",
                           "configs/dbgan_gopro.py", "ckpt.pth", "--show-dir", "show"],
                          env=env, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    args = proc.stdout.split()
    assert args[:2] == ["-p", "gpu"] and "--ntasks=4" in args and "--gres=gpu:4" in args
    i = args.index("python")
    assert args[i + 2].endswith("tools/test.py") and args[i + 3:] == [
        "configs/dbgan_gopro.py", "ckpt.pth", "--launcher", "slurm", "--show-dir", "show"]
