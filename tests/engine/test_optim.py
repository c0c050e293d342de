"""Multi-optimizer constructor and the CPU bf16 optimizer wrapper."""

from __future__ import annotations

import pytest
import torch
import torch.nn as nn
from mmengine.optim import OptimWrapperDict

from restorekit.registry import OPTIM_WRAPPER_CONSTRUCTORS, OPTIM_WRAPPERS


class TwoNets(nn.Module):
    def __init__(self):
        super().__init__()
        self.generator = nn.Conv2d(3, 3, 3, padding=1)
        self.discriminator = nn.Conv2d(3, 1, 3)


def test_multi_constructor_builds_one_wrapper_per_sub_module():
    constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(
            type="MultiOptimWrapperConstructor",
            optim_wrapper_cfg=dict(
                generator=dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=1e-4)),
                discriminator=dict(type="OptimWrapper", optimizer=dict(type="SGD", lr=0.1)),
            ),
        )
    )
    model = TwoNets()
    wrappers = constructor(model)
    assert isinstance(wrappers, OptimWrapperDict)
    g_params = wrappers["generator"].optimizer.param_groups[0]["params"]
    assert {id(p) for p in g_params} == {id(p) for p in model.generator.parameters()}
    assert isinstance(wrappers["discriminator"].optimizer, torch.optim.SGD)


def test_multi_constructor_names_missing_sub_modules():
    constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(
            type="MultiOptimWrapperConstructor",
            optim_wrapper_cfg=dict(generatr=dict(optimizer=dict(type="Adam", lr=1e-4))),
        )
    )
    with pytest.raises(KeyError, match=r"generatr.*sub-modules: \['generator', 'discriminator'\]"):
        constructor(TwoNets())


def test_bf16_wrapper_runs_forward_in_bf16_and_keeps_fp32_params():
    net = nn.Conv2d(3, 3, 3, padding=1)
    wrapper = OPTIM_WRAPPERS.build(
        dict(type="CPUBf16OptimWrapper", optimizer=torch.optim.SGD(net.parameters(), lr=0.1))
    )
    before = net.weight.clone()
    with wrapper.optim_context(net):
        out = net(torch.rand(1, 3, 8, 8))
    assert out.dtype == torch.bfloat16
    wrapper.update_params(out.float().mean())
    assert net.weight.dtype == torch.float32
    assert not torch.equal(net.weight, before)
