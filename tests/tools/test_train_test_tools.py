"""tools/train.py, tools/test.py, tools/dist_train.sh and the DBGAN converter, as users run them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import cv2
import pytest
import torch
from kit import load_tool

REPO = Path(__file__).resolve().parents[2]


def test_train_then_test_writes_checkpoint_metrics_and_images(tmp_path, tiny_config):
    work = tmp_path / "work"
    load_tool("train").main([tiny_config, "--work-dir", str(work)])
    ckpt = work / "iter_2.pth"
    assert ckpt.is_file()
    assert list(work.glob("*/vis_data/vis_image/val_*_2.png")), "visualization hook wrote no grid"
    out, images = tmp_path / "metrics.json", tmp_path / "restored"
    metrics = load_tool("test").main(
        [tiny_config, str(ckpt), "--out", str(out), "--save-images", str(images)]
    )
    saved = json.loads(out.read_text())
    assert set(saved) == {"PSNR", "SSIM"}
    assert saved["PSNR"] == pytest.approx(float(metrics["PSNR"]))
    written = sorted(p.name for p in images.glob("*.png"))
    assert written == [f"img_{i}.png" for i in range(4)]
    assert cv2.imread(str(images / "img_0.png")).shape == (48, 48, 3)


def test_amp_switches_to_bf16_wrapper_on_cpu(tmp_path, tiny_config):
    tool = load_tool("train")
    cfg = tool.build_config(tool.parse_args([tiny_config, "--amp"]))
    assert cfg.optim_wrapper.generator.type == "CPUBf16OptimWrapper"
    assert cfg.optim_wrapper.discriminator.type == "CPUBf16OptimWrapper"
    assert cfg.model.channels_last is True
    assert cfg.env_cfg.dist_cfg.backend == "gloo"


def test_missing_files_are_reported_by_name(tmp_path, tiny_config, capsys):
    with pytest.raises(SystemExit) as exit_info:
        load_tool("train").main([str(tmp_path / "nope.py")])
    assert exit_info.value.code == 2 and "nope.py" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        load_tool("test").main([tiny_config, str(tmp_path / "missing.pth")])
    assert exit_info.value.code == 2 and "missing.pth" in capsys.readouterr().err
    with pytest.raises(FileNotFoundError, match=r"missing\.pth"):  # --debug: the exception
        load_tool("test").main([tiny_config, str(tmp_path / "missing.pth"), "--debug"])


def _free_port() -> int:
    """A TCP port nobody listens on now (a fixed port collides with parallel runs)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_dist_train_and_dist_test_run_two_cpu_processes(tmp_path, tiny_config):
    env = dict(os.environ, PORT=str(_free_port()), OMP_NUM_THREADS="1")
    result = subprocess.run(
        [
            "bash",
            str(REPO / "tools/dist_train.sh"),
            tiny_config,
            "2",
            "--work-dir",
            str(tmp_path / "w"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    log = next((tmp_path / "w").glob("*/*.log")).read_text()
    assert "Distributed training: True" in log and "GPU number: 2" in log, log[
        :3000
    ]  # = world size
    ckpt = tmp_path / "w" / "iter_2.pth"
    assert ckpt.is_file()
    # the same checkpoint evaluated by 2 processes gives the single-process metrics
    out = tmp_path / "dist_metrics.json"
    result = subprocess.run(
        ["bash", str(REPO / "tools/dist_test.sh"), tiny_config, str(ckpt), "2", "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    single = load_tool("test").main([tiny_config, str(ckpt)])
    dist_metrics = json.loads(out.read_text())
    assert dist_metrics["PSNR"] == pytest.approx(float(single["PSNR"]), abs=1e-6)


def test_dbgan_converter_cli_is_strict(tmp_path):
    from restorekit.models.generators.rrdbnet import RRDBNet

    net = RRDBNet(mid_channels=8, num_blocks=1, growth_channels=4)
    official = {}
    for key, value in net.state_dict().items():
        key = re.sub(r"^conv_first\.", "model.0.", key)
        key = re.sub(r"^body\.(\d+)\.rdb(\d)\.conv(\d)\.", r"model.1.sub1.\1.RDB\2.conv\3.0.", key)
        key = re.sub(r"^conv_body\.", "model.1.sub2.0.", key)
        key = re.sub(r"^conv_hr\.", "model.2.", key)
        official[re.sub(r"^conv_last\.", "model.4.", key)] = value
    src, dst = tmp_path / "G.pth", tmp_path / "out.pth"
    torch.save(official, src)
    tool = load_tool("converters/dbgan")
    flags = ["--nf", "8", "--nb", "1", "--gc", "4"]
    assert tool.main([str(src), str(dst), *flags]) == 0
    state = torch.load(dst, weights_only=True)["state_dict"]
    assert torch.equal(state["generator.conv_last.weight"], net.conv_last.weight)
    official["model.7.weight"] = torch.zeros(1)
    torch.save(official, src)
    bad = tmp_path / "bad.pth"
    assert tool.main([str(src), str(bad), *flags]) == 1 and not bad.exists()
    assert tool.main([str(src), str(bad), *flags, "--allow-unexpected"]) == 0


def test_train_help_runs_as_a_script():
    result = subprocess.run(
        [sys.executable, str(REPO / "tools/train.py"), "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0 and "--cfg-options" in result.stdout
