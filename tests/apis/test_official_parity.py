"""deblur() reproduces the official inference arithmetic; converted checkpoints load offline.

``official_predict`` below is written from ``reference/methods.md`` §3.7 (DeblurGAN-v2
``predict.py``), independently of restorekit's padding code: uint8 RGB -> float32
``x / 127.5 - 1``, ``np.pad`` with 0 on the bottom/right to ``(h // 32 + 1) * 32`` ×
``(w // 32 + 1) * 32``, the network in *train* mode (per-image statistics), crop,
``(y + 1) / 2``. (``x / 127.5`` equals restorekit's ``x / 255 * 2`` bit for bit. The
albumentations form ``(x - 127.5) * (1 / 127.5)`` differs by up to one float32 ulp, 6e-8,
which the random-weight test networks amplify to ~1e-5 at the output -- as much as their own
float32-vs-float64 error -- so it would test rounding, not padding.)
"""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope

from restorekit.apis import deblur, deblur_tensor, init_model
from restorekit.models.generators import FPNGenerator, RRDBNet
from restorekit.models.padding import bind_padding
from restorekit.registry import MODELS
from restorekit.structures import DataSample

ROOT = Path(__file__).resolve().parents[2]
FPN_CFG = dict(model=dict(type="FPNGenerator", num_filters=16, num_filters_fpn=32,
                          norm="instance", inference_norm="batch_stats"))


def _module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def official_predict(generator: FPNGenerator, img: np.ndarray) -> torch.Tensor:
    """DeblurGAN-v2 ``predict.py`` arithmetic -> float (1, 3, h, w) in [0, 1] (before the
    official ``* 255`` and uint8 truncation)."""
    x = img.astype(np.float32) / np.float32(127.5) - np.float32(1)
    h, w, _ = x.shape
    block = 32
    x = np.pad(x, ((0, (h // block + 1) * block - h), (0, (w // block + 1) * block - w), (0, 0)),
               mode="constant", constant_values=0)
    net = copy.deepcopy(generator).train()  # "GAN inference should be in train mode"
    with torch.no_grad():
        y = net.forward_normalized(torch.from_numpy(x.transpose(2, 0, 1).copy())[None])
    return (y[..., :h, :w] + 1) / 2


def _image(h: int, w: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


@pytest.mark.parametrize("size", [(256, 256), (75, 141)])
def test_deblur_equals_official_predict(size):
    model = init_model(FPN_CFG)
    img = _image(*size)
    ref = official_predict(model, img)
    assert float((deblur_tensor(model, img) - ref).abs().max()) < 1e-5
    # the data preprocessor route (tools/test.py) applies the same policy
    method = init_model(dict(model=dict(type="DBGAN", generator=FPN_CFG["model"],
                                        pixel_loss=dict(type="L1Loss"))))
    method.load_state_dict({f"generator.{k}": v for k, v in model.state_dict().items()})
    with torch.no_grad():
        batch = method.data_preprocessor({"inputs": [torch.from_numpy(img).permute(2, 0, 1)]})
        assert batch["inputs"].shape[-2:] == (size[0] // 32 * 32 + 32, size[1] // 32 * 32 + 32)
        out = method(batch["inputs"])[..., :size[0], :size[1]]
    assert float((out - ref).abs().max()) < 1e-5


def test_method_val_step_after_bind_padding():
    """A Runner-built method (tools/test.py) once its preprocessor is bound to the generator."""
    model = init_model(FPN_CFG)
    init_default_scope("restorekit")
    method = MODELS.build(dict(type="DBGAN", generator=FPN_CFG["model"],
                               pixel_loss=dict(type="L1Loss"))).eval()
    method.generator.load_state_dict(model.state_dict())
    assert bind_padding(method) == model.padding
    img = _image(75, 141, seed=2)
    data = {"inputs": [torch.from_numpy(img).permute(2, 0, 1)], "data_samples": [DataSample()]}
    (result,) = method.val_step(data)
    assert result.pred_img.shape == (3, 75, 141)
    assert float((result.pred_img - official_predict(model, img)[0]).abs().max()) < 1e-5


def test_other_padding_is_selectable_and_differs():
    img = _image(75, 141)
    official = init_model(FPN_CFG)
    reflect = init_model(FPN_CFG, cfg_options={"model.pad_mode": "reflect"})  # as on the CLI
    reflect.load_state_dict(official.state_dict())
    assert reflect.padding.mode == "reflect" and not reflect.padding.extra_block
    ref = official_predict(official, img)
    assert float((deblur_tensor(reflect, img) - ref).abs().max()) > 1e-3


def test_onnx_and_fast_follow_the_official_padding(tmp_path):
    export = _module(ROOT / "tools" / "export_onnx.py", "export_onnx_tool")
    cfg = tmp_path / "fpn.py"
    cfg.write_text(f"model = {FPN_CFG['model']!r}\n")
    model = init_model(str(cfg))
    ckpt = tmp_path / "fpn.pth"
    torch.save(model.state_dict(), ckpt)
    out = tmp_path / "fpn.onnx"
    assert export.main([str(cfg), str(ckpt), "--out", str(out), "--exporter", "torchscript",
                        "--dynamic", "--shape", "64", "64"]) == 0
    img = _image(75, 141, seed=3)
    ref = official_predict(model, img)
    onnx_out = deblur_tensor(None, img, backend="onnxruntime", onnx=str(out))
    fast_out = deblur_tensor(model, img, fast=True)
    assert float((onnx_out - ref).abs().max()) < 1e-4
    assert float((fast_out - ref).abs().max()) < 1e-4


def test_converted_deblurganv2_checkpoint_loads_offline(tmp_path, monkeypatch):
    """Official-layout random weights -> converter -> init_model(paper config) offline."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "empty_torch_home"))
    layout = _module(ROOT / "tests" / "tools" / "test_convert_deblurganv2.py", "dgv2_layout")
    converter = _module(ROOT / "tools" / "converters" / "deblurganv2.py", "dgv2_converter")
    torch.manual_seed(0)
    source = FPNGenerator("mobilenet_v2", inference_norm="batch_stats")
    torch.save({"model": layout.to_official(source)}, tmp_path / "fpn_mobilenet.h5")
    assert converter.main([str(tmp_path / "fpn_mobilenet.h5"), str(tmp_path / "fpn.pth")]) == 0
    model = init_model(ROOT / "configs" / "deblurganv2_fpn_mobilenet_gopro.py",
                       str(tmp_path / "fpn.pth"),
                       cfg_options={"model.generator.pad_mode": "official"})
    assert not hasattr(model, "perceptual_loss") and not hasattr(model, "discriminator")
    img = _image(40, 70, seed=4)
    assert float((deblur_tensor(model, img) - official_predict(source, img)).abs().max()) < 1e-5
    assert deblur(model, img).shape == (40, 70, 3)


def test_converted_dbgan_checkpoint_loads_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "empty_torch_home"))
    layout = _module(ROOT / "tests" / "models" / "generators" / "test_rrdbnet.py", "rrdb_layout")
    converter = _module(ROOT / "tools" / "converters" / "dbgan.py", "dbgan_converter")
    torch.manual_seed(0)
    source = RRDBNet()  # nf 64, nb 16, gc 32 as G.pth
    torch.save(layout._official_layout(source.state_dict()), tmp_path / "G.pth")
    assert converter.main([str(tmp_path / "G.pth"), str(tmp_path / "dbgan.pth")]) == 0
    model = init_model(ROOT / "configs" / "dbgan_gopro.py", str(tmp_path / "dbgan.pth"))
    img = _image(9, 13, seed=5)
    with torch.no_grad():  # official DB_model.test: eval, no padding
        ref = source.eval()(torch.from_numpy(img).permute(2, 0, 1)[None].float() / 255)
    assert torch.equal(deblur_tensor(model, img), ref)
