"""RRDBNet (DBGAN generator) and the official-checkpoint key mapping."""

from __future__ import annotations

import re

import pytest
import torch

from restorekit.models.generators.rrdb_checkpoint import convert_official_dbgan_state_dict
from restorekit.registry import MODELS

TINY = dict(type="RRDBNet", mid_channels=8, num_blocks=2, growth_channels=4)


def test_any_size_in_unit_range_with_gradients():
    net = MODELS.build(TINY)
    x = torch.rand(2, 3, 13, 21, requires_grad=True)
    y = net(x)
    assert y.shape == (2, 3, 13, 21)
    assert y.min() >= 0 and y.max() <= 1
    y.mean().backward()
    assert net.conv_first.weight.grad.abs().sum() > 0


def test_global_residual_uses_rgb_channels_only():
    net = MODELS.build(dict(TINY, in_channels=7))
    torch.nn.init.zeros_(net.conv_last.weight)
    torch.nn.init.zeros_(net.conv_last.bias)
    x = torch.rand(1, 7, 8, 8)
    assert torch.equal(net(x), x[:, :3])


def test_paper_size_parameter_count_matches_official():
    net = MODELS.build(dict(type="RRDBNet"))  # nf 64, nb 16, gc 32
    assert sum(p.numel() for p in net.parameters()) == 11_588_163


def test_bad_channel_configuration_is_rejected():
    with pytest.raises(ValueError, match="in_channels"):
        MODELS.build(dict(TINY, in_channels=1))
    with pytest.raises(ValueError, match="init"):
        MODELS.build(dict(TINY, init="xavier"))


def _official_layout(state: dict) -> dict:
    """Rename restorekit keys to the official HDC ``B.sequential`` names (inverse mapping)."""
    out = {}
    for key, value in state.items():
        key = re.sub(r"^conv_first\.", "model.0.", key)
        key = re.sub(r"^body\.(\d+)\.rdb(\d)\.conv(\d)\.", r"model.1.sub1.\1.RDB\2.conv\3.0.", key)
        key = re.sub(r"^conv_body\.", "model.1.sub2.0.", key)
        key = re.sub(r"^conv_hr\.", "model.2.", key)
        key = re.sub(r"^conv_last\.", "model.4.", key)
        out["module." + key] = value
    return out


def test_official_checkpoint_maps_strictly_and_exactly():
    source = MODELS.build(TINY)
    official = _official_layout(source.state_dict())
    target = MODELS.build(TINY)
    converted, report = convert_official_dbgan_state_dict(official, target.state_dict())
    assert report.ok, str(report)
    target.load_state_dict(converted, strict=True)
    x = torch.rand(1, 3, 16, 16)
    assert torch.equal(source(x), target(x))


def test_conversion_reports_unexpected_missing_and_mismatched_keys():
    source = MODELS.build(TINY)
    official = _official_layout(source.state_dict())
    official["module.model.9.weight"] = torch.zeros(1)
    del official["module.model.4.bias"]
    official["module.model.0.weight"] = torch.zeros(1, 2, 3, 3)
    target = MODELS.build(TINY).state_dict()
    _, report = convert_official_dbgan_state_dict(official, target)
    assert not report.ok
    assert report.unexpected == ["model.9.weight"]
    assert "conv_last.bias" in report.missing and "conv_first.weight" in report.missing
    assert len(report.shape_mismatch) == 1 and "model.0.weight" in report.shape_mismatch[0]
    assert "unexpected" in str(report)
