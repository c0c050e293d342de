"""tools/fit_classical.py -> checkpoint -> tools/test.py and restorekit.apis on a tiny folder."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import torch

REPO = Path(__file__).resolve().parents[2]


def load_tool(relative: str):
    path = REPO / relative
    spec = importlib.util.spec_from_file_location(f"rk_tool_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def classical_config(tmp_path: Path, data_root: Path, base: str,
                     grid: str = "sigma=[0.5, 1.0, 1.5], nsr=[0.01, 0.1]") -> str:
    """The repo's demo config with its data pointed at the tiny folder (fit = test images)."""
    dataset = (f'dict(_delete_=True, type="PairedImageDataset", data_root={str(data_root)!r}, '
               f'layout="folders", input_dir="blur", target_dir="sharp", test_mode=True, '
               f'pipeline=_base_.test_pipeline)')
    text = f"""
_base_ = [{str(REPO / base)!r}]
fit_cfg = dict(dataset={dataset}, num_images=4,
               grid=dict(_delete_=True, {grid}))
test_dataloader = dict(dataset={dataset})
val_dataloader = dict(dataset={dataset})
custom_hooks = []
work_dir = {str(tmp_path / 'work')!r}
"""
    path = tmp_path / "classical.py"
    path.write_text(text)
    return str(path)


def test_fit_then_test_and_init_model_reproduce_the_fitted_psnr(tmp_path, tiny_pairs):
    config = classical_config(tmp_path, tiny_pairs, "configs/demo/classical_wiener_demo.py")
    ckpt = tmp_path / "wiener.pth"
    fit = load_tool("tools/fit_classical.py").main([config, "--out", str(ckpt)])
    assert set(fit["best"]) == {"sigma", "nsr"} and len(fit["table"]) == 6
    assert fit["psnr"] > fit["input_psnr"]
    saved = torch.load(ckpt, weights_only=True)
    assert set(saved["state_dict"]) == {"sigma", "nsr"}
    assert saved["meta"]["fit"]["best"] == fit["best"]

    out = tmp_path / "metrics.json"
    metrics = load_tool("tools/test.py").main([config, str(ckpt), "--out", str(out)])
    # the fit scored the same four images with the same PSNR convention
    assert float(metrics["PSNR"]) == pytest.approx(fit["psnr"], abs=1e-3)
    assert json.loads(out.read_text())["PSNR"] == pytest.approx(fit["psnr"], abs=1e-3)

    from restorekit.apis import init_model

    model = init_model(config, str(ckpt))
    assert model.get_params() == fit["best"]


def test_identity_fit_has_no_parameters_and_tests_at_the_input_psnr(tmp_path, tiny_pairs):
    config = classical_config(tmp_path, tiny_pairs, "configs/demo/classical_identity_demo.py",
                              grid="")
    ckpt = tmp_path / "identity.pth"
    fit = load_tool("tools/fit_classical.py").main([config, "--out", str(ckpt)])
    assert fit["best"] == {} and fit["psnr"] == pytest.approx(fit["input_psnr"])
    metrics = load_tool("tools/test.py").main([config, str(ckpt)])
    assert float(metrics["PSNR"]) == pytest.approx(fit["input_psnr"], abs=1e-3)


def test_grid_option_parsing():
    tool = load_tool("tools/fit_classical.py")
    assert tool.parse_grid(["sigma=0.5,1", "nsr=1e-3"]) == {"sigma": [0.5, 1.0], "nsr": [1e-3]}
    with pytest.raises(ValueError, match="NAME=V1"):
        tool.parse_grid(["sigma"])
