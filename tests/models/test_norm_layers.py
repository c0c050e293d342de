"""build_norm: one meaning per name, for every component that takes a ``norm`` key."""

import pytest
import torch.nn as nn

from restorekit.models.layers import build_norm
from restorekit.registry import MODELS


def test_each_name_has_one_meaning():
    assert isinstance(build_norm("batch", 4), nn.BatchNorm2d)
    inst = build_norm("instance", 4)
    assert isinstance(inst, nn.InstanceNorm2d) and not inst.affine
    assert not inst.track_running_stats and build_norm("instance", 4, True).track_running_stats
    assert build_norm("instance_affine", 4).affine
    assert isinstance(build_norm("none", 4), nn.Identity)
    with pytest.raises(ValueError, match="'batch'"):
        build_norm("group", 4)


@pytest.mark.parametrize("cfg", [
    dict(type="GlobalPoolDiscriminator", base_channels=4, num_stages=2),
    dict(type="PatchDiscriminator", base_channels=4, n_layers=2),
    dict(type="VGGStyleDiscriminator", base_channels=4, input_size=128),
    dict(type="UNetGenerator", depth=3, base_channels=4),
])
def test_instance_means_no_affine_in_every_component(cfg):
    net = MODELS.build(dict(cfg, norm="instance"))
    norms = [m for m in net.modules() if isinstance(m, nn.InstanceNorm2d)]
    assert norms and all(not m.affine for m in norms)
