"""init_model / deblur: any size, tiled == whole, clear errors (tiny models, CPU)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from restorekit.apis import CheckpointMismatchError, deblur, deblur_tensor, init_model
from restorekit.apis.tiling import run_tiled, tile_origins
from restorekit.datasets.errors import ImageReadError
from restorekit.models.padding import PadPolicy, pad_to_policy

TINY_RRDB = dict(model=dict(type="RRDBNet", mid_channels=8, num_blocks=1, growth_channels=4))
TINY_UNET = dict(model=dict(type="UNetGenerator", depth=3, base_channels=4, norm="batch",
                            dropout=False))


def _image(h: int, w: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


class LocalNet(nn.Module):
    """Three 3x3 convs (receptive-field radius 3) with a stride requirement of 8."""

    size_divisor = 8

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.body = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(),
                                  nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(),
                                  nn.Conv2d(8, 3, 3, padding=1), nn.Sigmoid())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        assert x.shape[-2] % 8 == 0 and x.shape[-1] % 8 == 0, x.shape
        return self.body(x)


@pytest.mark.parametrize("cfg", [TINY_RRDB, TINY_UNET])
@pytest.mark.parametrize("size", [(1, 1), (5, 9), (17, 8), (33, 47)])
def test_any_size_returns_same_size(cfg, size):
    model = init_model(cfg)
    out = deblur(model, _image(*size))
    assert out.shape == (*size, 3) and out.dtype == np.uint8


def test_size_divisor_from_generator_and_preprocessor():
    assert init_model(TINY_UNET).size_divisor == 8
    cfg = "configs/demo/dbgan_demo.py"
    model = init_model(cfg, cfg_options={"model.generator.num_blocks": 1,
                                         "model.data_preprocessor.pad_size_divisor": 4})
    assert model.size_divisor == 4 and not model.training
    assert deblur(model, _image(10, 7)).shape == (10, 7, 3)


def test_reflect_padding_and_tile_grid():
    x = torch.arange(6.0).view(1, 1, 2, 3)
    y = pad_to_policy(x, PadPolicy(8))
    assert y.shape[-2:] == (8, 8)
    assert tile_origins(64, 64, 16, 8) == [0]
    origins = tile_origins(100, 32, 8, 4)
    assert origins[0] == 0 and origins[-1] == 68 and all(o % 4 == 0 for o in origins)
    assert all(b - a <= 32 - 8 for a, b in zip(origins, origins[1:]))


def test_tiled_equals_whole_for_limited_receptive_field():
    net = LocalNet().eval()
    img = _image(45, 71, seed=1)
    whole = deblur_tensor(net, img)
    tiled = deblur_tensor(net, img, tile=24, tile_overlap=16)  # margin 4 >= radius 3
    assert (whole - tiled).abs().max() < 1e-5
    calls = []
    run_tiled(net, whole, 8, 16, 8, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1][0] == calls[-1][1] > 1


def test_tiled_matches_whole_for_rrdb_with_overlap():
    model = init_model(TINY_RRDB)
    img = _image(50, 61, seed=2)
    whole = deblur_tensor(model, img)
    tiled = deblur_tensor(model, img, tile=32, tile_overlap=24)
    assert whole.shape == tiled.shape == (1, 3, 50, 61)
    assert (whole - tiled).abs().max() < 1e-3


def test_tile_larger_than_image_and_bad_overlap():
    model = init_model(TINY_UNET)
    img = _image(13, 21)
    assert np.array_equal(deblur(model, img, tile=64), deblur(model, img))
    with pytest.raises(ValueError, match="tile_overlap"):
        deblur(model, img, tile=8, tile_overlap=8)


def test_checkpoint_roundtrip_and_generator_only(tmp_path):
    model = init_model(TINY_RRDB)
    path = tmp_path / "gen.pth"
    torch.save({"meta": {}, "state_dict": model.state_dict()}, path)
    other = init_model(TINY_RRDB, checkpoint=str(path))
    for k, v in model.state_dict().items():
        assert torch.equal(other.state_dict()[k], v)
    # a method checkpoint (generator.* keys) loads into a method config ...
    method = init_model("configs/demo/dbgan_demo.py", cfg_options={
        "model.generator.num_blocks": 1, "model.generator.mid_channels": 8,
        "model.generator.growth_channels": 4})
    torch.save(method.state_dict(), tmp_path / "method.pth")
    init_model(TINY_RRDB, checkpoint=str(tmp_path / "method.pth"))  # ... and into a bare net
    torch.save(model.state_dict(), tmp_path / "plain.pth")  # a plain generator state dict
    init_model("configs/demo/dbgan_demo.py", checkpoint=str(tmp_path / "plain.pth"),
               cfg_options={"model.generator.num_blocks": 1, "model.generator.mid_channels": 8,
                            "model.generator.growth_channels": 4})


def test_checkpoint_mismatch_names_keys(tmp_path):
    model = init_model(TINY_RRDB)
    sd = model.state_dict()
    sd.pop("conv_last.bias")
    sd["extra.weight"] = torch.zeros(1)
    torch.save(sd, tmp_path / "bad.pth")
    with pytest.raises(CheckpointMismatchError) as err:
        init_model(TINY_RRDB, checkpoint=str(tmp_path / "bad.pth"))
    assert "conv_last.bias" in str(err.value) and "extra.weight" in str(err.value)
    wide = dict(model=dict(TINY_RRDB["model"], mid_channels=16))
    torch.save(init_model(wide).state_dict(), tmp_path / "wide.pth")
    with pytest.raises(CheckpointMismatchError, match="shape"):
        init_model(TINY_RRDB, checkpoint=str(tmp_path / "wide.pth"))


def test_errors_missing_and_unreadable(tmp_path):
    model = init_model(TINY_RRDB)
    with pytest.raises(FileNotFoundError, match=r"nope\.png"):
        deblur(model, tmp_path / "nope.png")
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image at all")
    with pytest.raises(ImageReadError, match=r"bad\.png"):
        deblur(model, bad)
    with pytest.raises(FileNotFoundError, match=r"missing\.pth"):
        init_model(TINY_RRDB, checkpoint=str(tmp_path / "missing.pth"))
    with pytest.raises(FileNotFoundError, match=r"no_config\.py"):
        init_model(str(tmp_path / "no_config.py"))
    with pytest.raises(ValueError, match="onnx"):
        deblur(None, _image(8, 8), backend="onnxruntime")
