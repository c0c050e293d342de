"""FPNGenerator (DeblurGAN-v2): shapes, ranges, gradients, freezing, norm policy, weights."""

from __future__ import annotations

import copy
import os
import re

import pytest
import torch
from torch.nn.modules.batchnorm import _BatchNorm

from restorekit.models.generators.fpn_backbones import mobilenet_v2_official_to_torchvision
from restorekit.models.generators.fpn_generator import FPNGenerator
from restorekit.registry import MODELS
from restorekit.utils.pretrained import PretrainedWeightsNotFoundError, torchvision_weight_url


@pytest.fixture(scope="module")
def mobile() -> FPNGenerator:
    torch.manual_seed(0)
    return FPNGenerator("mobilenet_v2")


@pytest.fixture(scope="module")
def inception() -> FPNGenerator:
    torch.manual_seed(0)
    return FPNGenerator("inception_resnet_v2")


def _n(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def test_registry_build_and_defaults() -> None:
    g = MODELS.build(dict(type="FPNGenerator", backbone="mobilenet_v2"))
    assert isinstance(g, FPNGenerator)
    assert (g.num_filters, g.num_filters_fpn) == (64, 128)
    assert not g.backbone_frozen  # trainable unless asked (the method freezes for warm-up)
    # §3.2: 1.09 M non-backbone parameters for FPN-MobileNet
    assert _n(g) - _n(g.backbone) == 1_088_835
    with pytest.raises(ValueError, match="backbone"):
        FPNGenerator("resnet50")
    with pytest.raises(ValueError, match="num_filters"):
        FPNGenerator("mobilenet_v2", num_filters=64, num_filters_fpn=256)


@pytest.mark.parametrize("size", [(67, 45), (64, 96), (33, 130)])
def test_mobilenet_shapes_and_range(mobile: FPNGenerator, size: tuple[int, int]) -> None:
    x = torch.rand(2, 3, *size)
    y = mobile.train()(x)
    assert y.shape == x.shape and y.dtype == torch.float32
    assert y.min() >= 0 and y.max() <= 1


@pytest.mark.parametrize("size", [(67, 45), (130, 100)])
def test_inception_shapes_and_range(inception: FPNGenerator, size: tuple[int, int]) -> None:
    x = torch.rand(1, 3, *size)
    with torch.no_grad():
        y = inception.eval()(x)
    assert y.shape == x.shape and y.min() >= 0 and y.max() <= 1


def test_inception_channels_and_params(inception: FPNGenerator) -> None:
    assert inception.backbone.channels == (32, 64, 192, 1088, 2080)
    assert (inception.num_filters, inception.num_filters_fpn) == (128, 256)
    assert _n(inception) - _n(inception.backbone) == 5_085_827  # §3.2: 5.09 M


@pytest.mark.parametrize("pad_mode", ["constant", "reflect", "replicate"])
def test_pad_modes(pad_mode: str) -> None:
    g = FPNGenerator("mobilenet_v2", pad_mode=pad_mode).eval()
    with torch.no_grad():
        assert g(torch.rand(1, 3, 50, 70)).shape == (1, 3, 50, 70)


def test_gradients_and_freezing(mobile: FPNGenerator) -> None:
    g = mobile.train()
    x = torch.rand(1, 3, 64, 64)
    original = {n: p.requires_grad for n, p in g.named_parameters()}
    g.zero_grad(set_to_none=True)
    g(x).mean().backward()
    assert g.head1.block0.weight.grad is not None and g.head1.block0.weight.grad.abs().sum() > 0
    assert g.lateral4.weight.grad is not None
    assert all(p.grad is not None for p in g.backbone.parameters())

    g.zero_grad(set_to_none=True)
    g.freeze_backbone()
    assert g.backbone_frozen
    g(x).mean().backward()
    assert all(p.grad is None for p in g.backbone.parameters())
    assert g.final.weight.grad is not None and g.lateral0.weight.grad is not None

    g.unfreeze_backbone()
    assert not g.backbone_frozen
    assert {n: p.requires_grad for n, p in g.named_parameters()} == original
    g.zero_grad(set_to_none=True)


def test_frozen_backbone_bn_still_updates_stats() -> None:
    g = FPNGenerator("mobilenet_v2", frozen_backbone=True).train()
    bn = next(m for m in g.backbone.modules() if isinstance(m, _BatchNorm))
    before = bn.running_mean.clone()
    g(torch.rand(1, 3, 64, 64))
    assert not torch.equal(before, bn.running_mean)  # as official: frozen != eval


def _norm_buffers(g: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in g.state_dict().items() if "running" in k or "num_b" in k}


@pytest.mark.parametrize("legacy", [False, True])
def test_batch_stats_equals_train_mode_mobilenet(legacy: bool) -> None:
    torch.manual_seed(1)
    g = FPNGenerator("mobilenet_v2", inference_norm="batch_stats", legacy_running_stats=legacy)
    with torch.no_grad():  # make running stats differ from per-image stats
        for m in g.modules():
            if isinstance(m, _BatchNorm) or getattr(m, "running_mean", None) is not None:
                m.running_mean.uniform_(-1, 1)
                m.running_var.uniform_(0.5, 2)
    g.eval()
    reference = copy.deepcopy(g).train()  # the official inference: train mode, batch 1
    before = _norm_buffers(g)
    x = torch.rand(2, 3, 67, 45)
    with torch.no_grad():
        out = g(x)
        ref = torch.cat([reference(x[i:i + 1]) for i in range(2)])
        plain = copy.deepcopy(g).eval()
        plain.set_inference_norm("eval")
        differs = plain(x)
    torch.testing.assert_close(out, ref, rtol=0, atol=1e-6)
    after = _norm_buffers(g)
    assert all(torch.equal(before[k], after[k]) for k in before)  # nothing updated
    assert not torch.allclose(out, differs)  # running stats really are not used
    assert not g.training and all(not m.training for m in g.modules())


def test_batch_stats_equals_train_mode_inception(inception: FPNGenerator) -> None:
    g = inception
    ref_model = copy.deepcopy(g).train()
    g.eval()
    g.set_inference_norm("batch_stats")
    before = _norm_buffers(g)
    x = torch.rand(1, 3, 67, 45)
    try:
        with torch.no_grad():
            torch.testing.assert_close(g(x), ref_model(x), rtol=0, atol=1e-5)
        after = _norm_buffers(g)
        assert all(torch.equal(before[k], after[k]) for k in before)
    finally:
        g.set_inference_norm("eval")


def _fake_torchvision_file(tmp_path, monkeypatch) -> tuple[str, dict[str, torch.Tensor]]:
    from torchvision.models import mobilenet_v2

    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    torch.manual_seed(123)
    sd = mobilenet_v2(weights=None).state_dict()
    name = os.path.basename(torchvision_weight_url("mobilenet_v2"))
    path = tmp_path / "hub" / "checkpoints" / name
    path.parent.mkdir(parents=True)
    torch.save(sd, path)
    return str(path), sd


def test_pretrained_torchvision_backbone(tmp_path, monkeypatch) -> None:
    _, sd = _fake_torchvision_file(tmp_path, monkeypatch)
    g = FPNGenerator("mobilenet_v2", pretrained_backbone="torchvision://mobilenet_v2")
    own = g.backbone.state_dict()
    assert len(own) > 0
    for key, value in own.items():
        assert torch.equal(value, sd[key]), key
    report = g.backbone_load_report
    assert report["unexpected"] == [] and len(report["loaded"]) == len(own)
    assert any(k.startswith("classifier.") for k in report["ignored"])


def test_pretrained_official_mobilenet_layout(tmp_path, monkeypatch) -> None:
    _, sd = _fake_torchvision_file(tmp_path, monkeypatch)
    # the library's renaming must invert this test's independent torchvision -> official map
    tv_to_official = mobilenet_v2_official_to_torchvision({o: o for o in _official_names(sd)})
    assert set(tv_to_official) == set(sd)
    official = {tv_to_official[k]: v for k, v in sd.items()}
    assert "features.1.conv.3.weight" in official  # DeblurGAN-v2 flat layout
    file = tmp_path / "mobilenetv2.pth.tar"
    torch.save(official, file)
    g = FPNGenerator("mobilenet_v2", pretrained_backbone=str(file))
    for key, value in g.backbone.state_dict().items():
        assert torch.equal(value, sd[key]), key


def _official_names(sd: dict[str, torch.Tensor]) -> list[str]:
    """torchvision key names -> DeblurGAN-v2 flat MobileNetV2 names (independent inverse)."""
    t1 = {"0.0": "0", "0.1": "1", "1": "3", "2": "4"}
    t6 = {"0.0": "0", "0.1": "1", "1.0": "3", "1.1": "4", "2": "6", "3": "7"}
    out = []
    for key in sd:
        parts = key.split(".")
        if parts[0] == "features" and len(parts) > 3 and parts[2] == "conv":
            table = t1 if parts[1] == "1" else t6
            sub = ".".join(parts[3:5]) if ".".join(parts[3:5]) in table else parts[3]
            rest = key[len(f"features.{parts[1]}.conv.{sub}."):]
            out.append(f"features.{parts[1]}.conv.{table[sub]}.{rest}")
        else:
            out.append(key)
    return out


def test_pretrained_missing_file_and_keys(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    name = os.path.basename(torchvision_weight_url("mobilenet_v2"))
    with pytest.raises(PretrainedWeightsNotFoundError, match=re.escape(name)):
        FPNGenerator("mobilenet_v2", pretrained_backbone="torchvision://mobilenet_v2")
    with pytest.raises(PretrainedWeightsNotFoundError, match=r"nope\.pth"):
        FPNGenerator("mobilenet_v2", pretrained_backbone=str(tmp_path / "nope.pth"))
    partial = {k: v for k, v in FPNGenerator("mobilenet_v2").backbone.state_dict().items()
               if not k.startswith("features.3.")}
    torch.save(partial, tmp_path / "partial.pth")
    with pytest.raises(KeyError, match=r"features\.3\."):
        FPNGenerator("mobilenet_v2", pretrained_backbone=str(tmp_path / "partial.pth"))
