"""tools/export_onnx.py: export + onnxruntime verification for tiny generators."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
import torch
from kit import TINY_RRDBNET, load_tool

from restorekit.apis import deblur, init_model

TS = ("--exporter", "torchscript")  # fast and independent of onnxscript being installed


GENERATORS = {
    "rrdb": (repr(TINY_RRDBNET), (24, 40)),
    "unet": ("dict(type='UNetGenerator', depth=3, base_channels=4, norm='instance', "
             "dropout=False)", (24, 40)),
    "fpn": ("dict(type='FPNGenerator', num_filters=16, num_filters_fpn=32, norm='instance', "
            "inference_norm='batch_stats')", (64, 64)),
}


def _config(tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.py"
    path.write_text(f"model = {GENERATORS[name][0]}\n")
    return str(path)


@pytest.mark.parametrize("name", sorted(GENERATORS))
@pytest.mark.parametrize("dynamic", [False, True])
def test_export_and_verify(tmp_path, capsys, name, dynamic):
    export = load_tool("export_onnx")
    out = tmp_path / f"{name}.onnx"
    h, w = GENERATORS[name][1]
    argv = [_config(tmp_path, name), "none", "--out", str(out), *TS, "--shape", str(h), str(w)]
    if dynamic:
        argv.append("--dynamic")
    assert export.main(argv) == 0
    text = capsys.readouterr().out
    assert "max abs diff" in text and "OK" in text
    assert text.count("onnxruntime vs PyTorch") == (2 if dynamic else 1)
    meta = {p.key: p.value for p in onnx.load(str(out)).metadata_props}
    assert meta["dynamic"] == str(dynamic).lower() and int(meta["size_divisor"]) >= 1


def test_onnx_backend_matches_torch_and_checks_shape(tmp_path):
    export = load_tool("export_onnx")
    cfg = _config(tmp_path, "unet")
    model = init_model(cfg)
    ckpt = str(tmp_path / "unet.pth")
    torch.save({"state_dict": model.state_dict()}, ckpt)
    dyn, static = tmp_path / "dyn.onnx", tmp_path / "static.onnx"
    assert export.main([cfg, ckpt, "--out", str(dyn), *TS, "--dynamic", "--shape", "16", "16"]) == 0
    assert export.main([cfg, ckpt, "--out", str(static), *TS, "--shape", "16", "16"]) == 0
    img = np.random.default_rng(0).integers(0, 256, (13, 30, 3), dtype=np.uint8)
    ref = deblur(model, img).astype(int)
    got = deblur(None, img, backend="onnxruntime", onnx=str(dyn)).astype(int)
    assert np.abs(ref - got).max() <= 1
    with pytest.raises(ValueError, match="--dynamic"):
        deblur(None, img, backend="onnxruntime", onnx=str(static))
    assert deblur(None, img, backend="onnxruntime", onnx=str(static), tile=16,
                  tile_overlap=8).shape == (13, 30, 3)


def test_failed_verification_exits_nonzero(tmp_path, capsys):
    export = load_tool("export_onnx")
    argv = [_config(tmp_path, "rrdb"), "none", "--out", str(tmp_path / "m.onnx"), *TS,
            "--shape", "8", "8", "--tol", "-1"]
    assert export.main(argv) == 1
    assert "FAILED" in capsys.readouterr().err
    assert list(tmp_path.glob("*.onnx*")) == []  # nothing left behind, not even a temp file
    good = tmp_path / "good.onnx"
    assert export.main([*argv[:2], "--out", str(good), *TS, "--shape", "8", "8"]) == 0
    before = good.read_bytes()
    argv[3] = str(good)  # a failing re-export keeps the verified file untouched
    assert export.main(argv) == 1
    assert good.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if "onnx" in p.name) == ["good.onnx"]


def test_onnx_fpn_small_image_matches_torch(tmp_path):
    """FPN pads inputs below its backbone minimum (64) itself; the ONNX runner does too."""
    export = load_tool("export_onnx")
    cfg = _config(tmp_path, "fpn")
    model = init_model(cfg)
    ckpt = str(tmp_path / "fpn.pth")
    torch.save(model.state_dict(), ckpt)
    out = tmp_path / "fpn.onnx"
    assert export.main([cfg, ckpt, "--out", str(out), *TS, "--dynamic", "--shape", "64", "64"]) == 0
    img = np.random.default_rng(1).integers(0, 256, (20, 45, 3), dtype=np.uint8)
    ref = deblur(model, img).astype(int)
    got = deblur(None, img, backend="onnxruntime", onnx=str(out)).astype(int)
    assert got.shape == (20, 45, 3) and np.abs(ref - got).max() <= 1
