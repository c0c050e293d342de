"""DoubleScaleDiscriminator (DeblurGAN-v2 double_gan)."""

from __future__ import annotations

import pytest
import torch

from restorekit.models.discriminators.double_scale_discriminator import DoubleScaleDiscriminator
from restorekit.registry import MODELS


@pytest.fixture(scope="module")
def disc() -> DoubleScaleDiscriminator:
    torch.manual_seed(0)
    return MODELS.build(dict(type="DoubleScaleDiscriminator"))


def test_output_sizes_256(disc: DoubleScaleDiscriminator) -> None:
    out = disc(torch.rand(1, 3, 256, 256))
    assert isinstance(out, list) and len(out) == 2
    assert out[0].shape == (1, 1, 35, 35)  # §3.4: n_layers 3, padding 2
    assert out[1].shape == (1, 1, 11, 11)  # §3.4: n_layers 5, padding 2
    assert disc.output_sizes(256, 256) == [(35, 35), (11, 11)]


def test_structure_matches_official(disc: DoubleScaleDiscriminator) -> None:
    n_patch = sum(p.numel() for p in disc.patch.parameters())
    n_full = sum(p.numel() for p in disc.full.parameters())
    assert n_patch == 2_764_737  # reference §3.4: ≈2.76 M
    assert round(n_full / 1e6, 2) == 11.15  # reference §3.4: ≈11.15 M
    convs = [m for m in disc.patch.modules() if isinstance(m, torch.nn.Conv2d)]
    assert all(c.kernel_size == (4, 4) and c.padding == (2, 2) for c in convs)
    assert all(c.bias is not None for c in convs)  # instance norm -> biases everywhere
    bn = DoubleScaleDiscriminator(norm="batch")
    inner = [m for m in bn.patch.modules() if isinstance(m, torch.nn.Conv2d)][1:-1]
    assert all(c.bias is None for c in inner)


def test_input_range_mapped_inside(disc: DoubleScaleDiscriminator) -> None:
    x = torch.rand(2, 3, 64, 80)
    out = disc(x)
    ref = disc.patch.model(x * 2 - 1)
    torch.testing.assert_close(out[0], ref)
    assert out[1].shape[0] == 2


def test_gradients_flow(disc: DoubleScaleDiscriminator) -> None:
    x = torch.rand(1, 3, 128, 128, requires_grad=True)
    sum(o.mean() for o in disc(x)).backward()
    assert x.grad is not None and x.grad.abs().sum() > 0
    assert disc.full.model[0].weight.grad is not None
    disc.zero_grad(set_to_none=True)
