"""Tests of the PatchGAN discriminator (restorekit.models.discriminators.patch_discriminator)."""

import pytest
import torch

from restorekit.registry import MODELS


def _build(**kwargs):
    return MODELS.build(dict(type="PatchDiscriminator", **kwargs))


@pytest.mark.parametrize(
    ("n_layers", "padding", "side"),
    [(3, 1, 30), (3, 2, 35), (5, 2, 11)],  # pix2pix 70x70; DeblurGAN-v2 patch / full D
)
def test_output_size_256(n_layers, padding, side):
    d = _build(n_layers=n_layers, padding=padding, base_channels=8)
    out = d(torch.rand(1, 3, 256, 256))
    assert out.shape == (1, 1, side, side)
    assert d.output_size(256, 256) == (side, side)


def test_pix2pix_basic_param_count_and_receptive_field():
    d = _build()
    assert sum(p.numel() for p in d.parameters()) == 2_765_633  # pix2pix "2.765 M"
    assert d.receptive_field == 70
    assert _build(n_layers=5, padding=2).receptive_field == 286


def test_conditional_six_channels_and_gradient():
    d = _build(in_channels=6, base_channels=8, norm="instance")
    x = torch.rand(2, 6, 64, 80)
    out = d(x)
    assert out.shape == (2, 1, 6, 8)
    out.mean().backward()
    assert d.model[0].weight.grad.abs().sum() > 0
    with pytest.raises(ValueError, match="6"):
        d(torch.rand(2, 3, 64, 80))


def test_range_mapped_inside():
    d = _build(base_channels=8).eval()
    x = torch.rand(1, 3, 40, 40)
    torch.testing.assert_close(d(x), d.model(x * 2 - 1))


def test_too_small_input_names_size():
    d = _build(base_channels=8)
    assert d.min_input_size() == 24
    d(torch.rand(1, 3, 24, 24))
    with pytest.raises(ValueError, match="23×40"):
        d(torch.rand(1, 3, 23, 40))


def test_odd_size_and_norm_none_bias():
    d = _build(base_channels=8, norm="none")
    assert d(torch.rand(1, 3, 37, 53)).shape == (1, 1, 2, 4)  # 37->18->9->4->3->2
    convs = [m for m in d.modules() if isinstance(m, torch.nn.Conv2d)]
    assert all(c.bias is not None for c in convs)
    quirk = _build(base_channels=8, norm="none", pix2pix_bias_quirk=True)
    convs = [m for m in quirk.modules() if isinstance(m, torch.nn.Conv2d)]
    assert [c.bias is not None for c in convs] == [True, False, False, False, True]
