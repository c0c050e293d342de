"""tools/benchmark.py on a 2-image temporary dataset with tiny configs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import cv2
import numpy as np
import torch
from kit import TINY_RRDBNET, load_tool


def test_benchmark_outputs(tmp_path, capsys):
    rng = np.random.default_rng(0)
    for sub in ("blur", "sharp"):
        (tmp_path / "data" / sub).mkdir(parents=True)
    for name, (h, w) in {"x": (24, 20), "y": (17, 30)}.items():
        sharp = rng.integers(0, 256, (h, w, 3), np.uint8)
        blur = cv2.GaussianBlur(sharp, (5, 5), 1.0)
        cv2.imwrite(str(tmp_path / "data" / "sharp" / f"{name}.png"), sharp)
        cv2.imwrite(str(tmp_path / "data" / "blur" / f"{name}.png"), blur)
    rrdb = tmp_path / "rrdb.py"
    rrdb.write_text(f"model = {TINY_RRDBNET!r}\n")
    unet = tmp_path / "unet.py"
    unet.write_text("model = dict(type='UNetGenerator', depth=3, base_channels=4, "
                    "norm='instance', dropout=False)\n")
    from restorekit.apis import init_model

    ckpt = tmp_path / "rrdb.pth"
    torch.save({"state_dict": init_model(str(rrdb)).state_dict()}, ckpt)
    out = tmp_path / "out"
    tool = load_tool("benchmark")
    assert tool.main(["--models", f"{rrdb}:{ckpt}", str(unet), "--data-root",
                      str(tmp_path / "data"), "--repeats", "2", "--out-dir", str(out),
                      "--complexity-size", "64", "64"]) == 0
    for name in ("benchmark.md", "benchmark.csv", "benchmark.json", "psnr_vs_latency.png"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0
    with open(out / "benchmark.csv") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == tool.COLUMNS
    assert [r["weights"] for r in rows] == ["-", "rrdb.pth", "random"]
    assert rows[0]["method"].startswith("blurry input") and rows[0]["latency_s"] == "n/a"
    for r in rows[1:]:
        assert float(r["latency_s"]) > 0 and float(r["psnr"]) > 0 and float(r["params_M"]) > 0
        assert float(r["gflops_720p"]) > 0 and float(r["peak_rss_MiB"]) > 0
    data = json.loads((out / "benchmark.json").read_text())
    assert len(data["rows"]) == 3 and data["rows"][1]["timed_runs"] == 4
    assert "lpips" in data["meta"]
    md = (out / "benchmark.md").read_text()
    assert md.startswith("| method | weights | params_M | gflops_720p")
    assert "blurry input" in capsys.readouterr().out


def _write_pairs(root: Path, names: list[str], sigma: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    for sub in ("blur", "sharp"):
        (root / sub).mkdir(parents=True)
    for name in names:
        small = rng.integers(0, 256, (12, 10, 3), np.uint8)
        sharp = cv2.resize(small, (40, 48), interpolation=cv2.INTER_CUBIC)
        blur = cv2.GaussianBlur(sharp, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
        cv2.imwrite(str(root / "sharp" / f"{name}.png"), sharp)
        cv2.imwrite(str(root / "blur" / f"{name}.png"), blur)


def test_classical_row_is_fitted_on_training_pairs_and_random_rows_are_marked(tmp_path):
    _write_pairs(tmp_path / "train", ["a", "b"], sigma=2.0, seed=1)
    _write_pairs(tmp_path / "test", ["c", "d"], sigma=2.0, seed=2)
    dataset = ("dict(type='PairedImageDataset', data_root={root!r}, layout='folders', "
               "input_dir='blur', target_dir='sharp', pipeline=pipe{extra})")
    train = dataset.format(root=str(tmp_path / "train"), extra="")
    test = dataset.format(root=str(tmp_path / "test"), extra=", test_mode=True")
    cfg = tmp_path / "rrdb.py"
    cfg.write_text(
        "default_scope = 'restorekit'\n"
        "model = dict(type='RRDBNet', mid_channels=8, num_blocks=1, growth_channels=4)\n"
        "pipe = [dict(type='LoadImageFromFile', key='img'), "
        "dict(type='LoadImageFromFile', key='gt'), "
        "dict(type='PackInputs', input_key='img', image_keys=('gt',))]\n"
        f"train_dataloader = dict(dataset={train})\n"
        f"test_dataloader = dict(dataset={test})\n")
    out = tmp_path / "out"
    assert load_tool("benchmark").main(["--models", str(cfg), "--repeats", "1", "--out-dir",
                                    str(out), "--complexity-size", "32", "32"]) == 0
    data = json.loads((out / "benchmark.json").read_text())
    blurry, classical, random_row = data["rows"]
    assert classical["method"].startswith("classical: WienerDeconvolution")
    assert classical["weights"] == "fitted" and classical["latency_s"] > 0
    # a Gaussian-PSF Wiener filter fitted on Gaussian-blurred training pairs beats the input
    assert classical["psnr"] > blurry["psnr"] + 1.0
    assert "first 2 training pair(s)" in data["meta"]["classical"]
    assert "sigma" in data["meta"]["classical"]
    assert random_row["method"].endswith("[RANDOM WEIGHTS]") and random_row["weights"] == "random"
    assert "meaningless" in data["meta"]["random weights"]
    assert "[RANDOM WEIGHTS]" in (out / "benchmark.md").read_text()
    # --classical none removes the row
    assert load_tool("benchmark").main(["--models", str(cfg), "--repeats", "1", "--out-dir",
                                    str(tmp_path / "o2"), "--classical", "none",
                                    "--complexity-size", "32", "32"]) == 0
    rows = json.loads((tmp_path / "o2" / "benchmark.json").read_text())["rows"]
    assert [r["weights"] for r in rows] == ["-", "random"]


def test_parameter_free_config_without_checkpoint_is_not_marked_random(tmp_path):
    _write_pairs(tmp_path / "data", ["a"], sigma=1.0, seed=3)
    cfg = tmp_path / "identity.py"
    cfg.write_text("model = dict(type='IdentityRestorer')\n")
    out = tmp_path / "out"
    assert load_tool("benchmark").main(["--models", str(cfg), "--data-root", str(tmp_path / "data"),
                                    "--repeats", "1", "--out-dir", str(out),
                                    "--complexity-size", "32", "32"]) == 0
    data = json.loads((out / "benchmark.json").read_text())
    row = data["rows"][-1]
    assert row["weights"] == "config (no weights)" and "RANDOM" not in row["method"]
    assert "random weights" not in data["meta"]
