"""Tests of the pix2pix U-Net generator (restorekit.models.generators.unet_generator)."""

import pytest
import torch
from torch import nn

from restorekit.registry import MODELS


def _build(**kwargs):
    return MODELS.build(dict(type="UNetGenerator", **kwargs))


def _unet_param_count(in_c, out_c, depth, ngf, norm, bias):
    """pix2pix UnetGenerator parameter count, computed level by level from the layer list."""
    ch = [ngf * min(2**i, 8) for i in range(depth)]
    norm_params = (lambda c: 2 * c) if norm == "batch" else (lambda c: 0)
    b = (lambda c: c) if bias else (lambda c: 0)
    total = in_c * ch[0] * 16 + b(ch[0])  # outermost down conv
    total += 2 * ch[0] * out_c * 16 + out_c  # outermost up conv (always biased) + tanh
    for lvl in range(1, depth):
        outer, inner = ch[lvl - 1], ch[lvl]
        innermost = lvl == depth - 1
        total += outer * inner * 16 + b(inner) + (0 if innermost else norm_params(inner))
        up_in = inner if innermost else 2 * inner
        total += up_in * outer * 16 + b(outer) + norm_params(outer)
    return total


def test_unet256_param_count_matches_pix2pix():
    g = _build()  # depth 8, ngf 64, batch norm, dropout: pix2pix unet_256
    n = sum(p.numel() for p in g.parameters())
    assert n == _unet_param_count(3, 3, 8, 64, "batch", bias=False)
    assert n == 54_413_955  # "54.414 M" as printed by pix2pix
    assert sum(isinstance(m, nn.Dropout) for m in g.modules()) == 3
    assert g.size_divisor == 256


@pytest.mark.parametrize("norm", ["batch", "instance", "none"])
def test_odd_size_shape_range_and_gradient(norm):
    torch.manual_seed(0)
    g = _build(depth=5, base_channels=8, norm=norm)
    x = torch.rand(1, 3, 37, 53)
    y = g(x)
    assert y.shape == (1, 3, 37, 53)
    assert y.min() >= 0 and y.max() <= 1
    y.mean().backward()
    first = g.model.down[0].weight
    assert first.grad is not None and first.grad.abs().sum() > 0


def test_small_image_with_full_depth():
    g = _build(depth=8, base_channels=4).eval()
    y = g(torch.rand(2, 3, 20, 30))
    assert y.shape == (2, 3, 20, 30)


def test_extra_noise_channels():
    g = _build(in_channels=7, depth=4, base_channels=8)
    y = g(torch.rand(2, 7, 32, 48))
    assert y.shape == (2, 3, 32, 48)
    with pytest.raises(ValueError, match="expects"):
        g(torch.rand(2, 3, 32, 48))


def test_global_residual_identity_when_branch_is_zero():
    g = _build(depth=4, base_channels=8, global_residual=True).eval()
    last = g.model.up[1]
    nn.init.zeros_(last.weight)
    nn.init.zeros_(last.bias)
    x = torch.rand(1, 3, 21, 19)
    torch.testing.assert_close(g(x), x)


def test_bias_rule_and_quirk():
    def biases(g):
        return [m.bias is not None for m in g.modules() if isinstance(m, nn.Conv2d)]

    assert not any(biases(_build(depth=5, base_channels=4, norm="batch")))
    assert all(biases(_build(depth=5, base_channels=4, norm="none")))
    assert not any(biases(_build(depth=5, base_channels=4, norm="none", pix2pix_bias_quirk=True)))
    assert all(biases(_build(depth=5, base_channels=4, norm="instance", pix2pix_bias_quirk=True)))
    g = _build(depth=6, base_channels=4, norm="none", pix2pix_bias_quirk=True)
    assert sum(p.numel() for p in g.parameters()) == _unet_param_count(3, 3, 6, 4, "none", False)


def test_dropout_levels():
    assert sum(isinstance(m, nn.Dropout) for m in _build(depth=5).modules()) == 0
    assert sum(isinstance(m, nn.Dropout) for m in _build(depth=7, base_channels=4).modules()) == 2
    g = _build(depth=8, base_channels=4, dropout=False)
    assert sum(isinstance(m, nn.Dropout) for m in g.modules()) == 0


def test_invalid_config():
    with pytest.raises(ValueError, match="norm"):
        _build(norm="group")
    with pytest.raises(ValueError, match="global_residual"):
        _build(in_channels=1, global_residual=True)
