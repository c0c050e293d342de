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


def _saved_bytes(fn) -> tuple[int, torch.Tensor]:
    """Bytes of the tensors autograd saves for backward while ``fn()`` runs."""
    total = 0

    def pack(t):
        nonlocal total
        total += t.numel() * t.element_size()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = fn()
    return total, out


def test_activation_checkpointing_gives_the_same_outputs_and_gradients():
    torch.manual_seed(0)
    plain = MODELS.build(dict(TINY, num_blocks=3))
    cp = MODELS.build(dict(TINY, num_blocks=3, with_cp=True))
    cp.load_state_dict(plain.state_dict())  # same keys: checkpoints interchange
    x = torch.rand(2, 3, 24, 24)
    grads = []
    for net in (plain, cp):
        xi = x.clone().requires_grad_(True)
        saved, y = _saved_bytes(lambda net=net, xi=xi: net(xi))
        (y * torch.linspace(0, 1, y.numel()).view_as(y)).sum().backward()
        grads.append((y.detach(), xi.grad, [p.grad for p in net.parameters()], saved))
    (y0, gx0, gp0, saved0), (y1, gx1, gp1, saved1) = grads
    assert torch.allclose(y0, y1, atol=1e-6, rtol=0)
    assert torch.allclose(gx0, gx1, atol=1e-6, rtol=0)
    assert all(torch.allclose(a, b, atol=1e-6, rtol=0) for a, b in zip(gp0, gp1))
    # the trunk's activations are not kept: far fewer bytes saved for backward
    assert saved1 < 0.4 * saved0


def test_activation_checkpointing_is_inactive_without_gradients(monkeypatch):
    from restorekit.models.generators import rrdbnet

    calls = []
    real = rrdbnet.checkpoint
    monkeypatch.setattr(rrdbnet, "checkpoint", lambda *a, **k: calls.append(1) or real(*a, **k))
    net = MODELS.build(dict(TINY, with_cp=True))
    x = torch.rand(1, 3, 8, 8)
    with torch.no_grad():
        net(x)
    assert calls == []
    net(x.requires_grad_(True))
    assert len(calls) == TINY["num_blocks"]
