"""Config-free loading (restorekit/apis/checkpoint_detection.py, checkpoint_layouts.py).

Official files cannot be downloaded here, so each test writes a state dict in the official
layout with random weights, using the independent official-layout writers of the converter
tests (tests/models/generators/nafnet_reference.py re-states the official NAFNet module; the
DBGAN, MIMO-UNet and DeblurGAN-v2 tests rename keys back to the official names). The loaded
model must reproduce the source network's output, so a wrong architecture inference or key
mapping fails.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import torch

from restorekit.apis import CheckpointMismatchError, deblur_tensor, init_model
from restorekit.apis.checkpoint_detection import UnknownCheckpointLayoutError, detect_layout
from restorekit.apis.checkpoint_layouts import LAYOUTS
from restorekit.models.generators.fpn_generator import FPNGenerator
from restorekit.registry import MODELS

TESTS = Path(__file__).resolve().parents[1]


def _module(relative: str):
    path = TESTS / relative
    spec = importlib.util.spec_from_file_location(f"_ckdet_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


NAF_REF = _module("models/generators/nafnet_reference.py")
RRDB = _module("models/generators/test_rrdbnet.py")
MIMO = _module("models/generators/test_mimo_unet.py")
FPN = _module("tools/test_convert_deblurganv2.py")


def _image(h: int, w: int, seed: int = 0) -> np.ndarray:
    g = np.random.default_rng(seed)
    return g.integers(0, 256, (h, w, 3), dtype=np.uint8)


def _as_tensor(img: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(img).permute(2, 0, 1)[None].float() / 255


def _official_nafnet(width: int = 8, enc=(1, 2), dec=(1, 1)) -> torch.nn.Module:
    return NAF_REF.randomize_(NAF_REF.OfficialNAFNet(width, 1, enc, dec)).eval()


def test_nafnet_params_file_loads_with_official_padding(tmp_path):
    official = _official_nafnet()
    path = tmp_path / "NAFNet-tiny.pth"
    torch.save({"params": {f"module.{k}": v for k, v in official.state_dict().items()}}, path)
    model = init_model(checkpoint=str(path))
    assert model.checkpoint_layout == "nafnet"
    assert type(model.generator).__name__ == "NAFNet"
    assert model.cfg.model.generator.width == 8
    assert list(model.cfg.model.generator.enc_blk_nums) == [1, 2]
    img = _image(13, 22)  # not a multiple of the stride 4: exercises the zero padding
    with torch.no_grad():
        expected = official(_as_tensor(img)).clamp(0, 1)
    assert torch.allclose(deblur_tensor(model, img), expected, atol=1e-5)


def test_nafnet_width32_and_width64_are_recognised_at_paper_size():
    w32 = NAF_REF.OfficialNAFNet(32, 1, (1, 1, 1, 28), (1, 1, 1, 1))
    state = w32.state_dict()
    layout = detect_layout(state)
    assert layout.name == "nafnet"
    gen = layout.infer(state)["generator"]
    assert gen == dict(type="NAFNet", img_channels=3, width=32, enc_blk_nums=[1, 1, 1, 28],
                       middle_blk_num=1, dec_blk_nums=[1, 1, 1, 1], pad_mode="constant")
    built = MODELS.build(gen)
    assert sum(p.numel() for p in built.parameters()) == 17_111_907
    converted, problems = layout.convert(state, built.state_dict())
    assert problems == [] and len(converted) == len(built.state_dict())
    w64 = NAF_REF.OfficialNAFNet(64, 1, (1, 1, 1, 28), (1, 1, 1, 1)).to("meta")
    assert layout.infer(w64.state_dict())["generator"]["width"] == 64  # shapes only


def test_dbgan_bare_state_dict(tmp_path):
    torch.manual_seed(0)
    source = MODELS.build(RRDB.TINY).eval()
    path = tmp_path / "G.pth"
    torch.save(RRDB._official_layout(source.state_dict()), path)
    model = init_model(None, str(path))
    assert model.checkpoint_layout == "dbgan"
    gen = model.cfg.model.generator
    assert (gen.mid_channels, gen.num_blocks, gen.growth_channels) == (8, 2, 4)
    img = _image(10, 14)
    with torch.no_grad():
        expected = source(_as_tensor(img)).clamp(0, 1)
    assert torch.allclose(deblur_tensor(model, img), expected, atol=1e-5)


@pytest.mark.parametrize("blocks", [1, 20])  # tiny, and MIMO-UNet+'s 20 blocks per stage
def test_mimo_unet_model_file(tmp_path, blocks):
    torch.manual_seed(0)
    source = MODELS.build(dict(MIMO.TINY, num_blocks=blocks)).eval()
    path = tmp_path / "MIMO-UNet.pkl"
    torch.save({"model": MIMO.to_official(source.state_dict())}, path)
    model = init_model(None, str(path))
    assert model.checkpoint_layout == "mimo_unet"
    assert model.cfg.model.generator.num_blocks == blocks
    img = _image(16, 12)
    with torch.no_grad():
        expected = source(_as_tensor(img))[-1].clamp(0, 1)
    assert torch.allclose(deblur_tensor(model, img), expected, atol=1e-5)


def _fpn_source(backbone: str) -> FPNGenerator:
    torch.manual_seed(0)
    return FPNGenerator(backbone, num_filters=8, num_filters_fpn=16,
                        inference_norm="batch_stats").eval()


@pytest.mark.parametrize("backbone", ["mobilenet_v2", "inception_resnet_v2"])
def test_deblurganv2_h5_files(tmp_path, backbone):
    source = _fpn_source(backbone)
    path = tmp_path / f"fpn_{backbone}.h5"
    torch.save({"model": FPN.to_official(source)}, path)
    model = init_model(None, str(path))
    assert model.checkpoint_layout == "deblurganv2"
    gen = model.cfg.model.generator
    assert (gen.backbone, gen.num_filters, gen.num_filters_fpn, gen.norm) == (
        backbone, 8, 16, "instance")
    assert gen.inference_norm == "batch_stats" and gen.pretrained_backbone is None
    x = torch.rand(1, 3, 128, 128)
    with torch.no_grad():
        assert torch.allclose(model(x, mode="tensor"), source(x), atol=1e-5)


def test_unknown_layout_lists_known_layouts_and_closest(tmp_path):
    official = _official_nafnet().state_dict()
    del official["intro.weight"]  # an anchor
    path = tmp_path / "odd.pth"
    torch.save({"params": official}, path)
    with pytest.raises(UnknownCheckpointLayoutError) as err:
        init_model(None, str(path))
    text = str(err.value)
    assert all(layout.name in text for layout in LAYOUTS) and "restorekit" in text
    assert "closest: nafnet" in text and "'intro.weight'" in text


def test_matching_layout_with_extra_key_is_a_mismatch(tmp_path):
    official = _official_nafnet().state_dict()
    official["encoders.0.0.extra.weight"] = torch.zeros(1)
    path = tmp_path / "extra.pth"
    torch.save({"params": official}, path)
    with pytest.raises(CheckpointMismatchError, match=r"encoders\.0\.0\.extra\.weight"):
        init_model(None, str(path))


def test_converter_output_records_its_generator(tmp_path):
    official = _official_nafnet()
    src, dst = tmp_path / "official.pth", tmp_path / "converted.pth"
    torch.save({"params": official.state_dict()}, src)
    converter = _module("../tools/converters/nafnet.py")
    assert converter.main([str(src), str(dst)]) == 0
    model = init_model(None, str(dst))
    assert model.checkpoint_layout == "restorekit"
    img = _image(9, 17)
    with torch.no_grad():
        expected = official(_as_tensor(img)).clamp(0, 1)
    assert torch.allclose(deblur_tensor(model, img), expected, atol=1e-5)


def test_runner_checkpoint_records_its_config(tmp_path):
    """mmengine's Runner writes meta['cfg'] (the config text); loading needs nothing else."""
    from restorekit.demo.data import build_demo_dataset
    from restorekit.demo.training import train_config

    root = TESTS.parent / "data" / "demo"
    build_demo_dataset(str(root))
    trained, ckpt, _ = train_config(
        TESTS.parent / "configs" / "demo" / "nafnet_demo.py", tmp_path / "work", str(root),
        {"train_cfg.max_iters": 1, "train_cfg.val_interval": 100,
         "default_hooks.checkpoint.interval": 1, "train_dataloader.batch_size": 1,
         "model.generator.width": 4})
    raw = torch.load(ckpt, map_location="cpu", weights_only=False)
    assert isinstance(raw["meta"]["cfg"], str) and "NAFNet" in raw["meta"]["cfg"]
    model = init_model(None, str(ckpt))
    assert model.checkpoint_layout == "restorekit" and model.cfg.model.generator.width == 4
    x = torch.rand(1, 3, 20, 20)
    with torch.no_grad():
        assert torch.equal(model(x, mode="tensor"), trained(x, mode="tensor"))


def test_fit_classical_checkpoint_loads_its_parameters(tmp_path):
    wiener = MODELS.build(dict(type="WienerDeconvolution"))
    wiener.set_params(sigma=2.5, nsr=0.3)
    path = tmp_path / "wiener.pth"
    torch.save({"state_dict": wiener.state_dict(),
                "meta": {"tool": "tools/fit_classical.py", "model": "WienerDeconvolution",
                         "config": str(tmp_path / "gone.py")}}, path)
    model = init_model(None, str(path))
    assert type(model).__name__ == "WienerDeconvolution"
    assert model.get_params() == {"sigma": 2.5, "nsr": 0.3}
