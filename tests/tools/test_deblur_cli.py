"""tools/deblur.py: file / folder / glob inputs, tiles, fast path, onnxruntime backend."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch
from kit import TINY_RRDBNET, load_tool

TS = ("--exporter", "torchscript")  # fast and independent of onnxscript being installed


@pytest.fixture()
def setup(tmp_path):
    cfg = tmp_path / "tiny.py"
    cfg.write_text(f"model = {TINY_RRDBNET!r}\n")
    rng = np.random.default_rng(0)
    (tmp_path / "in" / "sub").mkdir(parents=True)
    for name, (h, w) in {"a.png": (20, 31), "b.jpg": (17, 16), "sub/c.png": (9, 12)}.items():
        cv2.imwrite(str(tmp_path / "in" / name), rng.integers(0, 256, (h, w, 3), np.uint8))
    (tmp_path / "in" / "notes.txt").write_text("not an image")
    return tmp_path, str(cfg)


def test_folder_glob_and_file(setup):
    tmp_path, cfg = setup
    tool = load_tool("deblur")
    assert tool.main([cfg, "none", str(tmp_path / "in"), "--out-dir", str(tmp_path / "o1")]) == 0
    assert sorted(p.name for p in (tmp_path / "o1").iterdir()) == ["a.png", "b.png"]
    assert cv2.imread(str(tmp_path / "o1" / "a.png")).shape == (20, 31, 3)
    tool.main([cfg, "none", str(tmp_path / "in"), "--out-dir", str(tmp_path / "o2"),
               "--recursive", "--tile", "16", "--tile-overlap", "8", "--fast"])
    assert (tmp_path / "o2" / "sub" / "c.png").is_file()
    tool.main([cfg, "none", str(tmp_path / "in" / "*.png"), "--out-dir", str(tmp_path / "o3")])
    assert [p.name for p in (tmp_path / "o3").iterdir()] == ["a.png"]
    tool.main([cfg, "none", str(tmp_path / "in" / "b.jpg"), "--out-dir", str(tmp_path / "o4"),
               "--fast", "bf16", "--threads", str(torch.get_num_threads())])
    assert cv2.imread(str(tmp_path / "o4" / "b.png")).shape == (17, 16, 3)


def test_onnxruntime_backend(setup):
    tmp_path, cfg = setup
    onnx_path = tmp_path / "m.onnx"
    assert load_tool("export_onnx").main([cfg, "none", "--out", str(onnx_path), *TS,
                                          "--dynamic", "--shape", "16", "16"]) == 0
    load_tool("deblur").main(["none", "none", str(tmp_path / "in"), "--out-dir",
                              str(tmp_path / "o"), "--backend", "onnxruntime", "--onnx",
                              str(onnx_path)])
    assert (tmp_path / "o" / "a.png").is_file()


def test_errors(setup, capsys):
    tmp_path, cfg = setup
    tool = load_tool("deblur")
    with pytest.raises(SystemExit, match="2"):
        tool.main([cfg, "none", str(tmp_path / "missing.png"), "--out-dir", str(tmp_path)])
    assert "neither" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="No images"):
        tool.main([cfg, "none", str(tmp_path / "empty"), "--out-dir", str(tmp_path / "o"),
                   "--debug"])
    with pytest.raises(SystemExit):
        tool.main([cfg, "none", str(tmp_path / "in"), "--out-dir", str(tmp_path / "o"),
                   "--backend", "onnxruntime"])


def test_default_backend_is_auto_and_precision_parses():
    tool = load_tool("deblur")
    args = tool.parse_args(["cfg.py", "ckpt.pth", "in.png", "--out-dir", "out"])
    assert args.backend == "auto" and args.precision == "fp32"
    args = tool.parse_args(["cfg.py", "ckpt.pth", "in.png", "--out-dir", "out",
                            "--backend", "torch", "--precision", "fp16"])
    assert args.backend == "torch" and args.precision == "fp16"
