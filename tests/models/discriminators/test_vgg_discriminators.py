"""VGG-style (fixed 128) and global-pool (any size) discriminators."""

from __future__ import annotations

import pytest
import torch

from restorekit.registry import MODELS


def test_vgg128_matches_official_parameter_count_and_shape():
    d = MODELS.build(dict(type="VGGStyleDiscriminator"))
    assert sum(p.numel() for p in d.parameters()) == 14_502_281
    assert d(torch.rand(2, 3, 128, 128)).shape == (2, 1)


def test_vgg128_rejects_other_sizes_with_the_size_in_the_message():
    d = MODELS.build(dict(type="VGGStyleDiscriminator", base_channels=4))
    with pytest.raises(ValueError, match=r"\(96, 128\)"):
        d(torch.rand(1, 3, 96, 128))
    with pytest.raises(ValueError, match="multiple of 32"):
        MODELS.build(dict(type="VGGStyleDiscriminator", input_size=100))


@pytest.mark.parametrize("norm", ["batch", "instance", "none"])
def test_global_pool_discriminator_accepts_any_size(norm):
    d = MODELS.build(dict(type="GlobalPoolDiscriminator", base_channels=4, num_stages=3, norm=norm))
    for shape in [(2, 3, d.min_size, d.min_size), (2, 3, 37, 53)]:
        x = torch.rand(*shape, requires_grad=True)
        out = d(x)
        assert out.shape == (2, 1)
        out.sum().backward()
        assert x.grad.abs().sum() > 0


def test_global_pool_discriminator_rejects_too_small_inputs():
    d = MODELS.build(dict(type="GlobalPoolDiscriminator", base_channels=4, num_stages=4))
    with pytest.raises(ValueError, match="at least 16x16"):
        d(torch.rand(1, 3, 8, 20))
