"""--protocol in tools/test.py and tools/benchmark.py."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from restorekit.evaluation.metrics import niqe, psnr, ssim3d

ROOT = Path(__file__).resolve().parents[2]


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(f"proto_{name}", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_test_tool_evaluates_with_the_protocol(tmp_path, tiny_config) -> None:
    from mmengine.config import Config

    from restorekit.apis import init_model

    ckpt = tmp_path / "g.pth"
    cfg = Config.fromfile(tiny_config)
    torch.save({"state_dict": init_model(cfg).state_dict()}, ckpt)
    out = tmp_path / "m.json"
    metrics = _tool("test").main([tiny_config, str(ckpt), "--protocol", "matlab", "--out",
                                  str(out)])
    assert set(json.loads(out.read_text())) == set(metrics) == {"PSNR", "SSIM3D"}
    with pytest.raises(SystemExit):
        _tool("test").parse_args([tiny_config, str(ckpt), "--protocol", "nope"])


def _write(root: Path, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    sharp = cv2.resize(rng.integers(0, 256, (size[0] // 4, size[1] // 4, 3), np.uint8),
                       size[::-1], interpolation=cv2.INTER_CUBIC)
    blur = cv2.GaussianBlur(sharp, (7, 7), 1.5)
    for sub, img in (("blur", blur), ("sharp", sharp)):
        (root / sub).mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(root / sub / "x.png"), img[..., ::-1])
    return blur, sharp


@pytest.mark.parametrize("protocol", ["matlab", "niqe"])
def test_benchmark_columns_follow_the_protocol(tmp_path, protocol) -> None:
    blur, sharp = _write(tmp_path / "data", (96, 192))
    model = tmp_path / "m.py"
    model.write_text("model = dict(type='RRDBNet', mid_channels=4, num_blocks=1, "
                     "growth_channels=4)\n")
    out = tmp_path / "out"
    assert _tool("benchmark").main(["--models", str(model), "--data-root", str(tmp_path / "data"),
                                    "--repeats", "1", "--warmup", "0", "--out-dir", str(out),
                                    "--complexity-size", "32", "32", "--protocol", protocol]) == 0
    with open(out / "benchmark.csv") as f:
        base = next(csv.DictReader(f))  # the blurry input row
    if protocol == "matlab":
        assert float(base["psnr"]) == pytest.approx(psnr(blur, sharp, data_range=255), abs=1e-6)
        assert float(base["ssim"]) == pytest.approx(ssim3d(blur, sharp, data_range=255),
                                                    abs=1e-6)
        assert base["niqe"] == "n/a"
    else:
        assert base["psnr"] == base["ssim"] == "n/a"
        assert float(base["niqe"]) == pytest.approx(niqe(blur, data_range=255), abs=1e-6)
    assert protocol in json.loads((out / "benchmark.json").read_text())["meta"]["metrics"]
