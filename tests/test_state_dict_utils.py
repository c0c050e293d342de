"""restorekit.utils.state_dict: prefixes, containers, EMA preference, strict sub-module loads."""

import pytest
import torch

from restorekit.utils.state_dict import (
    load_submodule,
    prefer_ema,
    strip_prefix,
    sub_state_dict,
    unwrap_container,
)


def test_prefixes_and_containers():
    t = torch.zeros(1)
    assert strip_prefix({"module.a": t, "module.b": t}) == {"a": t, "b": t}
    assert strip_prefix({"module.a": t, "b": t}) == {"module.a": t, "b": t}  # not all: kept
    assert sub_state_dict({"generator.module.w": t, "discriminator.w": t}, "generator.") == {
        "w": t}
    for key in ("state_dict", "params_ema", "params", "model"):
        assert unwrap_container({key: {"module.w": t}, "meta": {}}) == {"w": t}
    with pytest.raises(TypeError, match="dict"):
        unwrap_container([t])


def test_prefer_ema_replaces_the_generator_only():
    a, b, d = torch.zeros(1), torch.ones(1), torch.full((1,), 2.0)
    state = {"generator.w": a, "generator_ema.module.w": b, "generator_ema.steps": a,
             "discriminator.w": d}
    assert prefer_ema(state) == {"generator.w": b, "discriminator.w": d}
    assert prefer_ema({"generator.w": a}) == {"generator.w": a}


def test_load_submodule_strict_with_prefix_search(tmp_path):
    net = torch.nn.Linear(2, 2)
    path = tmp_path / "c.pth"
    torch.save({"state_dict": {f"blur_generator.{k}": v for k, v in net.state_dict().items()}},
               path)
    target = torch.nn.Linear(2, 2)
    assert load_submodule(target, path, ("generator.", "blur_generator.")) == "blur_generator."
    assert torch.equal(target.weight, net.weight)
    with pytest.raises(ValueError, match=r"weight: \(2, 2\) vs \(2, 3\)"):
        load_submodule(torch.nn.Linear(3, 2), path, ("blur_generator.",))
    with pytest.raises(KeyError, match="missing"):
        load_submodule(torch.nn.Sequential(torch.nn.Linear(2, 2)), path, ("blur_generator.",))
