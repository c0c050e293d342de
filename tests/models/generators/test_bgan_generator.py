"""BlurGenerator: noise modes, determinism, RGB-only residual, pluggable backbones."""

import pytest
import torch

from restorekit.models.generators.bgan_generator import BlurGenerator
from restorekit.models.generators.rrdbnet import RRDBNet
from restorekit.registry import MODELS

TINY = dict(mid_channels=8, num_blocks=1, growth_channels=4)


def test_shapes_range_and_default_backbone():
    g = BlurGenerator(**TINY)
    assert isinstance(g.backbone, RRDBNet) and g.backbone.conv_first.in_channels == 7
    assert BlurGenerator().backbone.body.__len__() == 9  # the paper's 9 blocks by default
    out = g(torch.rand(2, 3, 13, 17))
    assert out.shape == (2, 3, 13, 17) and out.min() >= 0 and out.max() <= 1


def test_tiled_vector_noise_is_constant_over_space():
    g = BlurGenerator(noise_mode="tiled_vector", noise_channels=4, noise_scale=2.0, **TINY)
    noise = g.make_noise(3, 5, 6, generator=torch.Generator().manual_seed(0))
    assert noise.shape == (3, 4, 5, 6)
    assert torch.equal(noise, noise[:, :, :1, :1].expand_as(noise))
    assert not torch.equal(noise[0], noise[1])


def test_spatial_noise_is_upsampled_half_resolution():
    g = BlurGenerator(noise_mode="spatial", noise_channels=3, **TINY)
    noise = g.make_noise(2, 8, 10, generator=torch.Generator().manual_seed(0))
    assert noise.shape == (2, 3, 8, 10)
    assert noise[0, 0].unique().numel() > 4  # varies in space
    low = torch.randn((2, 3, 4, 5), generator=torch.Generator().manual_seed(0))
    assert torch.allclose(noise[..., 0, 0], low[..., 0, 0])  # align_corners keeps the corners


def test_deterministic_with_generator_and_noise_matters():
    torch.manual_seed(0)
    g = BlurGenerator(**TINY)
    torch.nn.init.normal_(g.backbone.conv_last.weight, std=0.5)
    x = torch.rand(2, 3, 8, 8)

    def seeded(s):
        return g(x, generator=torch.Generator().manual_seed(s))

    assert torch.equal(seeded(1), seeded(1))
    assert not torch.equal(seeded(1), seeded(2))
    noise = g.make_noise(2, 8, 8, generator=torch.Generator().manual_seed(1))
    assert torch.equal(g(x, noise=noise), seeded(1))
    with pytest.raises(ValueError, match="noise must be"):
        g(x, noise=noise[:, :2])


def test_residual_on_rgb_only():
    g = BlurGenerator(**TINY)
    torch.nn.init.zeros_(g.backbone.conv_last.weight)
    torch.nn.init.zeros_(g.backbone.conv_last.bias)
    x = torch.rand(1, 3, 6, 6)
    assert torch.equal(g(x), x)  # identity on RGB whatever the noise


def test_no_noise_and_unet_backbone():
    g0 = BlurGenerator(noise_channels=0, **TINY)
    assert g0.backbone.conv_first.in_channels == 3 and g0(torch.rand(1, 3, 8, 8)).shape[1] == 3
    g = MODELS.build(dict(
        type="BlurGenerator", noise_mode="spatial", noise_channels=3,
        backbone=dict(type="UNetGenerator", depth=3, base_channels=4, norm="none"),
    ))
    assert g.backbone.in_channels == 6
    out = g(torch.rand(2, 3, 16, 16))
    assert out.shape == (2, 3, 16, 16) and out.min() >= 0 and out.max() <= 1
    with pytest.raises(ValueError, match="in_channels"):
        BlurGenerator(backbone=dict(type="UNetGenerator", in_channels=3, depth=2))
    with pytest.raises(ValueError, match="noise_mode"):
        BlurGenerator(noise_mode="gaussian")
