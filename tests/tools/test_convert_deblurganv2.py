"""Official DeblurGAN-v2 checkpoint conversion (fpn_checkpoint + tools/converters/deblurganv2).

The official files cannot be downloaded here, so each test synthesises a state dict with the
official key layout (reference/methods.md §3.3) from a random FPNGenerator: ``module.`` prefix,
``fpn.`` namespace, DeblurGAN-v2's flat MobileNetV2 indices, the backbone stored twice (full
network + ``enc*`` aliases, plus modules the FPN never uses) and InstanceNorm running stats.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import torch
from kit import load_tool

from restorekit.models.generators.fpn_checkpoint import convert_official_fpn_state_dict
from restorekit.models.generators.fpn_generator import FPNGenerator

_MB_STAGES = ((0, 2), (2, 4), (4, 7), (7, 11), (11, 16))
_INC_STAGES = (("conv2d_1a",), ("conv2d_2a", "conv2d_2b", "maxpool_3a"),
               ("conv2d_3b", "conv2d_4a", "maxpool_5a"), ("mixed_5b", "repeat", "mixed_6a"),
               ("repeat_1", "mixed_7a"))
_T1 = {"0.0": "0", "0.1": "1", "1": "3", "2": "4"}
_T6 = {"0.0": "0", "0.1": "1", "1.0": "3", "1.1": "4", "2": "6", "3": "7"}


def _official_mobilenet_key(block: int, rest: str) -> str:
    if rest.startswith("conv."):
        parts = rest.split(".")
        table = _T1 if block == 1 else _T6
        sub = ".".join(parts[1:3]) if ".".join(parts[1:3]) in table else parts[1]
        rest = f"conv.{table[sub]}." + rest[len(f"conv.{sub}."):]
    return rest


def to_official(model: FPNGenerator) -> dict[str, torch.Tensor]:
    """An FPNGenerator state dict in the official DataParallel / FPN layout."""
    out: dict[str, torch.Tensor] = {}
    for key, value in model.state_dict().items():
        value = value.clone()
        if key.startswith(("lateral", "td")):
            out[f"fpn.{key}"] = value
        elif key.startswith("backbone.features."):
            _, _, block, rest = key.split(".", 3)
            block = int(block)
            rest = _official_mobilenet_key(block, rest)
            out[f"fpn.features.{block}.{rest}"] = value
            stage = next(s for s, (a, b) in enumerate(_MB_STAGES) if a <= block < b)
            out[f"fpn.enc{stage}.{block - _MB_STAGES[stage][0]}.{rest}"] = value.clone()
        elif key.startswith("backbone."):
            _, name, rest = key.split(".", 2)
            out[f"fpn.inception.{name}.{rest}"] = value
            stage = next(s for s, names in enumerate(_INC_STAGES) if name in names)
            alias = "" if stage == 0 else f"{_INC_STAGES[stage].index(name)}."
            out[f"fpn.enc{stage}.{alias}{rest}"] = value.clone()
        else:
            out[key] = value
    for norm in ("fpn.td1.1", "fpn.td2.1", "fpn.td3.1", "smooth.1", "smooth2.1"):
        channels = (out[norm.replace(".1", ".0") + ".bias"]).shape[0]
        out[f"{norm}.running_mean"] = torch.randn(channels)
        out[f"{norm}.running_var"] = torch.rand(channels)
        out[f"{norm}.num_batches_tracked"] = torch.tensor(1000)
    if model.backbone_name == "mobilenet_v2":  # unused tail of the full network
        out["fpn.features.16.conv.0.weight"] = torch.randn(960, 160, 1, 1)
        out["fpn.features.18.0.weight"] = torch.randn(1280, 320, 1, 1)
    else:
        out["fpn.inception.block8.conv2d.weight"] = torch.randn(2080, 448, 1, 1)
        out["fpn.inception.last_linear.weight"] = torch.randn(1000, 1536)
    return {f"module.{k}": v for k, v in out.items()}


def _check_round_trip(model: FPNGenerator, official: dict[str, torch.Tensor]) -> None:
    new_sd, report = convert_official_fpn_state_dict(official, model.backbone_name,
                                                     list(model.state_dict()))
    assert report["unexpected"] == [] and report["missing"] == []
    assert report["alias_mismatch"] == [] and report["filled"] == []
    assert len(report["dropped"]) == 5 * 3 + 2  # IN stats + two unused backbone keys
    source = model.state_dict()
    assert set(new_sd) == set(source)
    assert all(torch.equal(new_sd[k], source[k]) for k in source)
    target = copy.deepcopy(model)
    with torch.no_grad():
        for p in target.parameters():
            p.zero_()
    target.load_state_dict(new_sd, strict=True)
    assert all(torch.equal(v, source[k]) for k, v in target.state_dict().items())


def test_round_trip_mobilenet() -> None:
    torch.manual_seed(0)
    model = FPNGenerator("mobilenet_v2")
    _check_round_trip(model, to_official(model))


def test_round_trip_inception() -> None:
    torch.manual_seed(0)
    model = FPNGenerator("inception_resnet_v2")
    _check_round_trip(model, to_official(model))


def test_strict_report() -> None:
    torch.manual_seed(0)
    model = FPNGenerator("mobilenet_v2")
    official = to_official(model)
    official["module.fpn.unknown.weight"] = torch.zeros(1)
    del official["module.final.bias"]
    official["module.fpn.enc1.0.conv.3.weight"] = torch.randn_like(
        official["module.fpn.enc1.0.conv.3.weight"])
    _, report = convert_official_fpn_state_dict(official, "mobilenet_v2")
    assert report["unexpected"] == ["fpn.unknown.weight"]
    assert report["missing"] == ["final.bias"]
    assert report["alias_mismatch"] == ["fpn.enc1.0.conv.3.weight != backbone.features.2.conv.1.0"
                                        ".weight"]


def test_alias_only_family_and_legacy_stats() -> None:
    torch.manual_seed(0)
    model = FPNGenerator("mobilenet_v2", legacy_running_stats=True)
    official = {k: v for k, v in to_official(model).items()
                if not k.startswith("module.fpn.features.")}
    for norm in ("fpn.td1.1", "smooth.1"):  # legacy target: stats are kept, not dropped
        for stat in ("running_mean", "running_var"):
            official[f"module.{norm}.{stat}"] = model.state_dict()[
                f"{norm.removeprefix('fpn.')}.{stat}"].clone()
    new_sd, report = convert_official_fpn_state_dict(official, "mobilenet_v2",
                                                     keep_instance_norm_stats=True)
    assert report["unexpected"] == [] and report["missing"] == []
    model.load_state_dict(new_sd, strict=True)


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    tool = load_tool("converters/deblurganv2")
    torch.manual_seed(0)
    model = FPNGenerator("mobilenet_v2")
    src = tmp_path / "fpn_mobilenet.h5"
    torch.save({"model": to_official(model)}, src)

    assert tool.main([str(src), str(tmp_path / "out.pth")]) == 0
    ckpt = torch.load(tmp_path / "out.pth", weights_only=True)
    assert ckpt["meta"]["generator"]["backbone"] == "mobilenet_v2"
    assert all(k.startswith("generator.") for k in ckpt["state_dict"])
    fresh = FPNGenerator("mobilenet_v2")
    fresh.load_state_dict({k.removeprefix("generator."): v for k, v in ckpt["state_dict"].items()})
    x = torch.rand(1, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(fresh.eval()(x), model.eval()(x), rtol=0, atol=0)

    assert tool.main([str(src), str(tmp_path / "raw.pth"), "--raw"]) == 0
    raw = torch.load(tmp_path / "raw.pth", weights_only=True)
    assert set(raw) == set(model.state_dict())

    bad = to_official(model)
    bad["module.fpn.extra.weight"] = torch.zeros(2)
    del bad["module.head2.block1.weight"]
    torch.save({"model": bad}, tmp_path / "bad.h5")
    capsys.readouterr()
    assert tool.main([str(tmp_path / "bad.h5"), str(tmp_path / "bad.pth")]) == 1
    printed = capsys.readouterr().out
    assert "fpn.extra.weight" in printed and "head2.block1.weight" in printed
    assert not (tmp_path / "bad.pth").exists()
    assert tool.main([str(tmp_path / "bad.h5"), str(tmp_path / "b.pth"), "--allow-missing"]) == 1
    assert tool.main([str(tmp_path / "bad.h5"), str(tmp_path / "b.pth"),
                      "--allow-unexpected"]) == 1
    assert tool.main([str(tmp_path / "bad.h5"), str(tmp_path / "b.pth"), "--allow-missing",
                      "--allow-unexpected"]) == 0
