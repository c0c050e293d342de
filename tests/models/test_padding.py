"""restorekit.models.padding: the one pad-to-multiple home (policies, sizes, fills, binding)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from restorekit.models.data_preprocessor import DeblurDataPreprocessor
from restorekit.models.generators import FPNGenerator, RRDBNet, UNetGenerator
from restorekit.models.padding import (
    PadPolicy,
    bind_padding,
    get_pad_policy,
    pad_to_policy,
    padded_size,
)

OFFICIAL_DGV2 = PadPolicy(32, "constant", value=0.5, extra_block=True, min_size=64)


@pytest.mark.parametrize(("size", "expected"), [((256, 256), (288, 288)),
                                                ((720, 1280), (736, 1312)),
                                                ((255, 33), (256, 64)), ((1, 1), (64, 64))])
def test_official_deblurganv2_sizes(size, expected):
    """predict.py: (s // 32 + 1) * 32, always at least one extra block."""
    assert padded_size(*size, OFFICIAL_DGV2) == expected
    # training / self-alignment never adds the extra block
    assert padded_size(256, 288, OFFICIAL_DGV2, inference=False) == (256, 288)


def test_fills_and_idempotent_alignment():
    x = torch.arange(3 * 5, dtype=torch.float32).view(1, 1, 3, 5)
    padded = pad_to_policy(x, PadPolicy(16))  # reflect wider than the image: in steps
    expected = np.pad(x[0, 0].numpy(), ((0, 13), (0, 11)), mode="reflect")
    np.testing.assert_array_equal(padded[0, 0].numpy(), expected)
    assert pad_to_policy(torch.ones(1, 1, 1, 3), PadPolicy(4)).shape == (1, 1, 4, 4)
    grey = pad_to_policy(torch.zeros(1, 3, 30, 30), OFFICIAL_DGV2)
    assert grey.shape[-2:] == (64, 64) and grey[..., 30:, :].eq(0.5).all()
    aligned = pad_to_policy(torch.rand(1, 3, 70, 40), OFFICIAL_DGV2)
    assert pad_to_policy(aligned, OFFICIAL_DGV2, inference=False) is aligned
    assert PadPolicy.from_json(OFFICIAL_DGV2.to_json()) == OFFICIAL_DGV2
    with pytest.raises(ValueError, match="mode"):
        PadPolicy(4, "wrap")


def test_generators_declare_their_policy():
    fpn = FPNGenerator(num_filters=16, num_filters_fpn=32)
    assert fpn.padding == OFFICIAL_DGV2  # the default is the official rule
    assert FPNGenerator(num_filters=16, num_filters_fpn=32, pad_mode="reflect").padding == \
        PadPolicy(32, "reflect", min_size=64)
    assert get_pad_policy(UNetGenerator(depth=3, base_channels=4)) == PadPolicy(8, "reflect")
    assert get_pad_policy(RRDBNet(mid_channels=4, num_blocks=1, growth_channels=2)) == PadPolicy()


def test_preprocessor_uses_bound_policy_without_padding_twice():
    class Method(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.generator = FPNGenerator(num_filters=16, num_filters_fpn=32)
            self.data_preprocessor = DeblurDataPreprocessor()

    method = Method()
    assert bind_padding(method) == OFFICIAL_DGV2 == get_pad_policy(method)
    img = torch.randint(0, 256, (3, 256, 250), dtype=torch.uint8)
    test_batch = method.data_preprocessor({"inputs": [img]}, training=False)["inputs"]
    assert test_batch.shape[-2:] == (288, 256) and test_batch[..., 256:, :].eq(0.5).all()
    train_batch = method.data_preprocessor({"inputs": [img]}, training=True)["inputs"]
    assert train_batch.shape[-2:] == (256, 256)
    # a preprocessor divisor only adds alignment; a padding-free generator keeps its fill
    pre = DeblurDataPreprocessor(pad_size_divisor=4, pad_mode="replicate")
    assert pre.set_pad_policy(PadPolicy()) == PadPolicy(4, "replicate")
