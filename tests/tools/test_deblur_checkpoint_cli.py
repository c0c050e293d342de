"""tools/deblur.py --checkpoint: config-free and offline (empty TORCH_HOME, downloads fail)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from restorekit.apis.tiling import run_padded
from restorekit.models.generators.fpn_generator import FPNGenerator
from restorekit.models.padding import get_pad_policy

ROOT = Path(__file__).resolve().parents[2]


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


NAF_REF = _load(ROOT / "tests/models/generators/nafnet_reference.py", "_cli_nafnet_reference")
FPN = _load(ROOT / "tests/tools/test_convert_deblurganv2.py", "_cli_fpn_layout")


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """An empty TORCH_HOME and no downloads: any pretrained-weight fetch fails the test."""
    home = tmp_path / "torch_home"
    home.mkdir()
    monkeypatch.setenv("TORCH_HOME", str(home))

    def refuse(*args, **kwargs):
        raise AssertionError(f"download attempted: {args[:1]}")

    monkeypatch.setattr(torch.hub, "download_url_to_file", refuse)
    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", refuse)
    yield home
    assert not any(home.rglob("*.pth")), "a weight file appeared in TORCH_HOME"


def _inputs(tmp_path: Path) -> list[Path]:
    rng = np.random.default_rng(0)
    paths = []
    for name, (h, w) in {"a": (37, 50), "b": (64, 64)}.items():
        path = tmp_path / f"{name}.png"
        cv2.imwrite(str(path), rng.integers(0, 256, (h, w, 3), np.uint8))
        paths.append(path)
    return paths


def _run(checkpoint: Path, inputs: list[Path], out: Path) -> dict[str, np.ndarray]:
    tool = _load(ROOT / "tools" / "deblur.py", "_cli_deblur")
    assert tool.main(["--checkpoint", str(checkpoint), *map(str, inputs),
                      "--out-dir", str(out)]) == 0
    return {p.stem: cv2.cvtColor(cv2.imread(str(out / f"{p.stem}.png")), cv2.COLOR_BGR2RGB)
            for p in inputs}


def _expected(network, path: Path, padded: bool = False) -> np.ndarray:
    img = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
    x = torch.from_numpy(img).permute(2, 0, 1)[None].float() / 255
    with torch.no_grad():  # padded: by the network's own (official) padding policy
        y = run_padded(network, x, get_pad_policy(network)) if padded else network(x)
    y = y[-1] if isinstance(y, list) else y
    return (y[0].clamp(0, 1).permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)


def test_nafnet_params_file(tmp_path, offline):
    official = NAF_REF.randomize_(NAF_REF.OfficialNAFNet(8, 1, (1, 1), (1, 1))).eval()
    ckpt = tmp_path / "NAFNet-GoPro-tiny.pth"
    torch.save({"params": official.state_dict()}, ckpt)
    inputs = _inputs(tmp_path)
    written = _run(ckpt, inputs, tmp_path / "out")
    for path in inputs:  # the official forward (with check_image_size) on each image
        diff = np.abs(written[path.stem].astype(int) - _expected(official, path).astype(int))
        assert diff.max() <= 1


def test_deblurganv2_mobilenet_h5(tmp_path, offline):
    torch.manual_seed(0)
    source = FPNGenerator("mobilenet_v2", num_filters=8, num_filters_fpn=16,
                          inference_norm="batch_stats").eval()
    ckpt = tmp_path / "fpn_mobilenet.h5"
    torch.save({"model": FPN.to_official(source)}, ckpt)
    inputs = _inputs(tmp_path)
    written = _run(ckpt, inputs, tmp_path / "out")
    assert {k: v.shape[:2] for k, v in written.items()} == {"a": (37, 50), "b": (64, 64)}
    # the official DeblurGAN-v2 padding adds a grey 32-px block even to 64x64 (-> 96x96)
    for path in inputs:
        diff = np.abs(written[path.stem].astype(int) - _expected(source, path, True).astype(int))
        assert diff.max() <= 1


def test_unknown_file_fails_with_the_known_layouts(tmp_path, offline):
    ckpt = tmp_path / "mystery.pth"
    torch.save({"foo.weight": torch.zeros(2, 2)}, ckpt)
    tool = _load(ROOT / "tools" / "deblur.py", "_cli_deblur_unknown")
    from restorekit.apis.checkpoint_detection import UnknownCheckpointLayoutError

    with pytest.raises(UnknownCheckpointLayoutError, match="nafnet") as err:
        tool.main(["--checkpoint", str(ckpt), str(_inputs(tmp_path)[0]),
                   "--out-dir", str(tmp_path / "out")])
    assert "deblurganv2" in str(err.value) and "foo.weight" in str(err.value)
