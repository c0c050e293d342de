"""The two-stage Blur2Blur model (translator -> deblurrer) through every inference tool, tiny."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

ROOT = Path(__file__).resolve().parents[2]
TINY_MIMO = "dict(type='MIMOUNet', base_channels=4, num_blocks=1)"


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(f"tool_{name}", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def two_stage(tmp_path):
    """(config path, combined checkpoint, data root) of a tiny two-stage model whose stages
    come from a Blur2Blur and a Restorer checkpoint; test pairs of sizes not divisible by 4."""
    from restorekit.registry import MODELS

    torch.manual_seed(0)
    tiny = dict(type="MIMOUNet", base_channels=4, num_blocks=1)
    translator = MODELS.build(dict(
        type="Blur2Blur", generator=tiny,
        discriminator=dict(type="PatchDiscriminator", base_channels=4, n_layers=1,
                           norm="instance"),
        gan_loss=dict(type="GANLoss", gan_type="hinge"),
        kernel_encoder=dict(type="KernelWizard", nf=4, front_blocks=1, back_blocks=1,
                            kernel_dim=8, extractor_blocks=1)))
    deblurrer = MODELS.build(dict(type="Restorer", generator=tiny,
                                  pixel_loss=dict(type="L1Loss")))
    torch.save({"state_dict": translator.state_dict()}, tmp_path / "translator.pth")
    torch.save({"state_dict": deblurrer.state_dict()}, tmp_path / "deblurrer.pth")
    rng = np.random.default_rng(0)
    data = tmp_path / "data"
    for sub in ("blur", "sharp"):
        (data / sub).mkdir(parents=True)
    for name, (h, w) in {"a": (24, 18), "b": (17, 30)}.items():
        sharp = rng.integers(0, 256, (h, w, 3), np.uint8)
        cv2.imwrite(str(data / "sharp" / f"{name}.png"), sharp)
        cv2.imwrite(str(data / "blur" / f"{name}.png"), cv2.GaussianBlur(sharp, (5, 5), 1.0))
    config = tmp_path / "two_stage.py"
    config.write_text(f"""
_base_ = [{str(ROOT / 'configs/_base_/default_runtime.py')!r}]
model = dict(type='Blur2BlurDeblurrer', translator={TINY_MIMO}, deblurrer={TINY_MIMO},
             translator_ckpt={str(tmp_path / 'translator.pth')!r},
             deblurrer_ckpt={str(tmp_path / 'deblurrer.pth')!r})
test_pipeline = [dict(type='LoadImageFromFile', key='img'),
                 dict(type='LoadImageFromFile', key='gt'),
                 dict(type='PackInputs', input_key='img', image_keys=('gt',))]
test_dataloader = dict(batch_size=1, num_workers=0,
                       sampler=dict(type='DefaultSampler', shuffle=False),
                       dataset=dict(type='PairedImageDataset', data_root={str(data)!r},
                                    layout='folders', input_dir='blur', target_dir='sharp',
                                    test_mode=True, pipeline=test_pipeline))
test_evaluator = dict(type='Evaluator', metrics=[dict(type='PSNR'), dict(type='SSIM')])
test_cfg = dict(type='TestLoop')
""")
    from restorekit.apis import init_model

    model = init_model(str(config))
    combined = tmp_path / "two_stage.pth"
    torch.save({"state_dict": model.state_dict()}, combined)
    return str(config), str(combined), data


def test_test_tool_with_stage_checkpoints_and_with_a_combined_one(tmp_path, two_stage):
    config, combined, _ = two_stage
    test = _tool("test")
    by_stage = test.main([config, "none", "--work-dir", str(tmp_path / "w1"),
                          "--out", str(tmp_path / "m.json"),
                          "--save-images", str(tmp_path / "imgs")])
    both = test.main([config, combined, "--work-dir", str(tmp_path / "w2")])
    assert by_stage and by_stage == both
    assert json.loads((tmp_path / "m.json").read_text())
    assert sorted(p.name for p in (tmp_path / "imgs").rglob("*.png"))


def test_deblur_benchmark_and_onnx_tools(tmp_path, two_stage, capsys):
    config, combined, data = two_stage
    assert _tool("deblur").main([config, combined, str(data / "blur"),
                                 "--out-dir", str(tmp_path / "out")]) == 0
    out = cv2.imread(str(tmp_path / "out" / "b.png"))
    assert out.shape == (17, 30, 3)
    assert _tool("benchmark").main(["--models", f"{config}:{combined}", "--data-root", str(data),
                                    "--repeats", "1", "--out-dir", str(tmp_path / "bench"),
                                    "--complexity-size", "32", "32"]) == 0
    assert "Blur2BlurDeblurrer/TwoStageGenerator" in (tmp_path / "bench" /
                                                      "benchmark.md").read_text()
    assert _tool("export_onnx").main([config, combined, "--out", str(tmp_path / "m.onnx"),
                                      "--exporter", "torchscript", "--shape", "24", "20"]) == 0
    assert "OK" in capsys.readouterr().out


def test_a_mimo_restorer_exports_and_runs_fast_at_full_size(tmp_path, capsys):
    """MIMO-UNet returns [out_4, out_2, out_1]: the fast path and the ONNX graph use out_1."""
    from restorekit.apis import deblur, init_model

    config = tmp_path / "mimo.py"
    config.write_text(f"model = dict(type='Restorer', generator={TINY_MIMO}, "
                      "pixel_loss=dict(type='L1Loss'))\n")
    model = init_model(str(config))
    image = np.random.default_rng(0).integers(0, 256, (18, 22, 3), np.uint8)
    eager = deblur(model, image)
    assert eager.shape == (18, 22, 3)
    assert np.abs(deblur(model, image, fast=True).astype(int) - eager).max() <= 1
    assert _tool("export_onnx").main([str(config), "none", "--out", str(tmp_path / "m.onnx"),
                                      "--exporter", "torchscript", "--shape", "24", "20"]) == 0
    assert "OK" in capsys.readouterr().out
