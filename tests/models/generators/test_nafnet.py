"""NAFNet generator: shapes, residual, official padding, parameter counts, official keys."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from restorekit.models.generators.nafnet_blocks import LayerNorm2d
from restorekit.models.generators.nafnet_checkpoint import (
    convert_official_nafnet_state_dict,
    infer_nafnet_config,
)
from restorekit.registry import MODELS

sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib: no rootdir
from nafnet_reference import OfficialNAFNet, randomize_

TINY = dict(type="NAFNet", width=4, enc_blk_nums=(1, 2), middle_blk_num=1, dec_blk_nums=(1, 1))
GOPRO = dict(enc_blk_nums=[1, 1, 1, 28], middle_blk_num=1, dec_blk_nums=[1, 1, 1, 1])


def block_params(c: int) -> int:
    """One NAFBlock on c channels (the gate halves 2c to c before each projection):
    1x1 c->2c (2c^2+2c), depthwise 3x3 on 2c (18c+2c), SCA 1x1 c->c (c^2+c), project 1x1
    c->c (c^2+c), FFN 1x1 c->2c (2c^2+2c), FFN project 1x1 c->c (c^2+c), two LayerNorms
    (4c), beta and gamma (2c): 7c^2 + 33c."""
    return 7 * c * c + 33 * c


def nafnet_params(width: int, enc_blk_nums: list[int], middle_blk_num: int,
                  dec_blk_nums: list[int]) -> int:
    """Parameters of NAFNet (3 image channels) derived from the architecture description."""
    total = (27 * width + width) + (27 * width + 3)  # intro 3x3 3->w, ending 3x3 w->3
    enc, middle, dec = enc_blk_nums, middle_blk_num, dec_blk_nums
    for i, n in enumerate(enc):  # level i: blocks on c, 2x2 stride-2 conv c->2c
        c = width * 2**i
        total += n * block_params(c) + (4 * c * 2 * c + 2 * c)
    deep = width * 2 ** len(enc)
    total += middle * block_params(deep)
    for j, n in enumerate(dec):  # up: 1x1 C->2C without bias, PixelShuffle -> C/2; blocks
        c_in = deep // 2**j
        total += 2 * c_in * c_in + n * block_params(c_in // 2)
    return total


def count(net: torch.nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())


@pytest.mark.parametrize("width, expected", [(32, 17_111_907), (64, 67_888_835)])
def test_official_gopro_parameter_counts(width, expected):
    assert nafnet_params(width, **GOPRO) == expected
    net = MODELS.build(dict(type="NAFNet", width=width, **GOPRO))
    assert count(net) == expected
    assert net.size_divisor == 16


def test_tiny_parameter_count_matches_formula():
    net = MODELS.build(TINY)
    assert count(net) == nafnet_params(4, [1, 2], 1, [1, 1])


def test_untrained_network_is_identity_plus_convs_and_keeps_any_size():
    net = MODELS.build(TINY)
    x = torch.rand(2, 3, 13, 21, requires_grad=True)
    y = net(x)
    assert y.shape == x.shape
    y.mean().backward()
    assert net.conv_first.weight.grad.abs().sum() > 0
    torch.nn.init.zeros_(net.conv_last.weight)
    torch.nn.init.zeros_(net.conv_last.bias)
    assert torch.equal(net(x), x)  # global residual


def test_internal_padding_is_official_zero_padding_and_crop():
    net = randomize_(MODELS.build(dict(TINY, pad_mode=None)))  # divisor 4
    x = torch.rand(1, 3, 10, 7)
    padded = F.pad(x, (0, 1, 0, 2))  # zeros, bottom/right to 12x8
    expected = net(padded)[..., :10, :7]
    official = MODELS.build(TINY)
    official.load_state_dict(net.state_dict())
    assert torch.allclose(official(x), expected, atol=1e-6)
    reflect = MODELS.build(dict(TINY, pad_mode="reflect"))
    reflect.load_state_dict(net.state_dict())
    assert not torch.allclose(reflect(x), expected, atol=1e-4)
    with pytest.raises(ValueError, match="multiples of 4"):
        net(x)


def test_layernorm2d_normalises_channels_per_pixel():
    ln = LayerNorm2d(5)
    x = torch.randn(2, 5, 3, 4) * 3 + 1
    ref = F.layer_norm(x.permute(0, 2, 3, 1), (5,), eps=1e-6).permute(0, 3, 1, 2)
    assert torch.allclose(ln(x), ref, atol=1e-5)


def test_bad_configuration_is_rejected():
    with pytest.raises(ValueError, match="same length"):
        MODELS.build(dict(TINY, dec_blk_nums=(1,)))
    with pytest.raises(ValueError, match="pad_mode"):
        MODELS.build(dict(TINY, pad_mode="circular"))


@pytest.mark.parametrize("arch", [
    dict(width=4, enc_blk_nums=[1, 2], middle_blk_num=2, dec_blk_nums=[2, 1]),
    dict(width=32, **GOPRO),
])
def test_official_layout_converts_strictly_and_outputs_match(arch):
    official = randomize_(OfficialNAFNet(**arch)).eval()
    state = {"module." + k: v for k, v in official.state_dict().items()}
    assert infer_nafnet_config(official.state_dict()) == dict(img_channels=3, **arch)
    net = MODELS.build(dict(type="NAFNet", **arch)).eval()
    converted, report = convert_official_nafnet_state_dict(state, net.state_dict())
    assert report.ok, str(report)
    net.load_state_dict(converted, strict=True)
    x = torch.rand(1, 3, 19, 35)  # not a multiple of 16: exercises the official padding
    with torch.no_grad():
        assert torch.allclose(net(x), official(x), atol=1e-4, rtol=1e-4)


def test_conversion_reports_unexpected_missing_and_mismatched_keys():
    arch = dict(width=4, enc_blk_nums=[1, 1], middle_blk_num=1, dec_blk_nums=[1, 1])
    state = OfficialNAFNet(**arch).state_dict()
    state["encoders.0.0.dropout1.weight"] = torch.zeros(1)
    del state["middle_blks.0.sca.1.bias"]
    state["intro.weight"] = torch.zeros(4, 3, 5, 5)
    target = MODELS.build(dict(type="NAFNet", **arch)).state_dict()
    _, report = convert_official_nafnet_state_dict(state, target)
    assert not report.ok
    assert report.unexpected == ["encoders.0.0.dropout1.weight"]
    assert report.missing == ["conv_first.weight", "middle.0.sca.conv.bias"]
    assert report.shape_mismatch and report.shape_mismatch[0].startswith("intro.weight")
