"""tools/benchmark.py on a 2-image temporary dataset with tiny configs."""

from __future__ import annotations

import csv
import json

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
