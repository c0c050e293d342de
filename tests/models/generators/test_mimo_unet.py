"""MIMO-UNet / MIMO-UNet+ generator and the official-checkpoint key mapping."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
import torch

from restorekit.models.generators.mimo_checkpoint import (
    convert_official_mimo_state_dict,
    infer_mimo_config,
    unwrap_official_checkpoint,
)
from restorekit.registry import MODELS

TINY = dict(type="MIMOUNet", base_channels=4, num_blocks=1)
TOOL = Path(__file__).resolve().parents[3] / "tools" / "converters" / "mimo_unet.py"


def _count(net: torch.nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())


def test_three_scales_coarse_to_fine_non_square():
    net = MODELS.build(TINY)
    x = torch.rand(2, 3, 12, 20)
    outs = net(x)
    assert isinstance(outs, list) and len(outs) == 3
    assert [tuple(o.shape) for o in outs] == [(2, 3, 3, 5), (2, 3, 6, 10), (2, 3, 12, 20)]
    assert net.size_divisor == 4


def test_each_scale_is_residual_on_nearest_downsampled_input():
    net = MODELS.build(TINY)
    for head in (net.out4, net.out2, net.out1):  # zero the three output convs
        torch.nn.init.zeros_(head.weight)
        torch.nn.init.zeros_(head.bias)
    x = torch.rand(1, 3, 8, 12)
    out_4, out_2, out_1 = net(x)
    assert torch.equal(out_1, x)
    assert torch.equal(out_2, x[..., ::2, ::2])
    assert torch.equal(out_4, x[..., ::4, ::4])


def test_gradients_reach_every_parameter():
    net = MODELS.build(dict(TINY, num_blocks=2))
    outs = net(torch.rand(1, 3, 8, 8))
    sum(o.mean() for o in outs).backward()
    no_grad = [n for n, p in net.named_parameters() if p.grad is None or not p.grad.abs().sum()]
    assert no_grad == []


def test_eval_is_deterministic_and_train_dropout_is_not():
    torch.manual_seed(0)
    net = MODELS.build(dict(type="MIMOUNetPlus", base_channels=4, num_blocks=1, dropout=0.5))
    x = torch.rand(1, 3, 8, 8)
    net.eval()
    with torch.no_grad():
        a, b = net(x), net(x)
    assert all(torch.equal(p, q) for p, q in zip(a, b))
    net.train()
    with torch.no_grad():
        assert not torch.equal(net(x)[2], net(x)[2])


def test_paper_size_parameter_counts():
    assert _count(MODELS.build(dict(type="MIMOUNet"))) == 6_807_171
    plus = MODELS.build(dict(type="MIMOUNetPlus"))
    assert _count(plus) == 16_107_651
    assert plus.num_blocks == 20 and plus.dropout == 0.1
    assert _count(MODELS.build(dict(type="MIMOUNet", plus=True))) == 16_107_651


def test_size_not_divisible_by_4_names_size_and_fix():
    net = MODELS.build(TINY)
    with pytest.raises(ValueError, match=r"13x20.*pad_size_divisor=4"):
        net(torch.rand(1, 3, 13, 20))
    with pytest.raises(ValueError, match=r"\(N, 3, H, W\)"):
        net(torch.rand(1, 1, 8, 8))


def test_bad_arguments_are_rejected():
    for bad in (dict(base_channels=1), dict(dropout=1.0), dict(init="xavier")):
        with pytest.raises(ValueError):
            MODELS.build(dict(TINY, **bad))
    with pytest.raises(TypeError, match="plus"):
        MODELS.build(dict(type="MIMOUNetPlus", plus=False))


def test_normal_init_matches_blur2blur():
    torch.manual_seed(0)
    net = MODELS.build(dict(type="MIMOUNet", init="normal", init_std=0.02))
    w = torch.cat([m.weight.flatten() for m in net.modules()
                   if isinstance(m, (torch.nn.Conv2d, torch.nn.ConvTranspose2d))])
    assert abs(w.std().item() - 0.02) < 1e-3
    assert all(not m.bias.any() for m in net.modules() if isinstance(m, torch.nn.Conv2d))


# ---------------------------------------------------------------- official checkpoint layout
def official_key_names(num_blocks: int) -> set[str]:
    """Every key of an official MIMO-UNet state dict, written from reference/methods.md §4.2."""
    prefixes = [f"feat_extract.{i}.main.0" for i in range(6)]
    for part in ("Encoder", "Decoder"):
        prefixes += [f"{part}.{s}.layers.{i}.main.{j}.main.0"
                     for s in range(3) for i in range(num_blocks) for j in range(2)]
    prefixes += [f"Convs.{i}.main.0" for i in range(2)]
    prefixes += [f"ConvsOut.{i}.main.0" for i in range(2)]
    prefixes += [f"AFFs.{i}.conv.{j}.main.0" for i in range(2) for j in range(2)]
    prefixes += [f"FAM{i}.merge.main.0" for i in (1, 2)]
    prefixes += [f"SCM{i}.main.{j}.main.0" for i in (1, 2) for j in range(4)]
    prefixes += [f"SCM{i}.conv.main.0" for i in (1, 2)]
    return {f"{p}.{t}" for p in prefixes for t in ("weight", "bias")}


_INVERSE = [
    (r"^head\.0\.", "feat_extract.0.main.0."), (r"^enc_down2\.0\.", "feat_extract.1.main.0."),
    (r"^enc_down4\.0\.", "feat_extract.2.main.0."), (r"^dec_up2\.0\.", "feat_extract.3.main.0."),
    (r"^dec_up1\.0\.", "feat_extract.4.main.0."), (r"^out1\.", "feat_extract.5.main.0."),
    (r"^encoders\.(\d)\.(\d+)\.conv1\.", r"Encoder.\1.layers.\2.main.0.main.0."),
    (r"^encoders\.(\d)\.(\d+)\.conv2\.", r"Encoder.\1.layers.\2.main.1.main.0."),
    (r"^decoders\.(\d)\.(\d+)\.conv1\.", r"Decoder.\1.layers.\2.main.0.main.0."),
    (r"^decoders\.(\d)\.(\d+)\.conv2\.", r"Decoder.\1.layers.\2.main.1.main.0."),
    (r"^dec_fuse2\.0\.", "Convs.0.main.0."), (r"^dec_fuse1\.0\.", "Convs.1.main.0."),
    (r"^out4\.", "ConvsOut.0.main.0."), (r"^out2\.", "ConvsOut.1.main.0."),
    (r"^aff1\.conv1\.0\.", "AFFs.0.conv.0.main.0."), (r"^aff1\.conv2\.", "AFFs.0.conv.1.main.0."),
    (r"^aff2\.conv1\.0\.", "AFFs.1.conv.0.main.0."), (r"^aff2\.conv2\.", "AFFs.1.conv.1.main.0."),
    (r"^fam4\.conv\.", "FAM1.merge.main.0."), (r"^fam2\.conv\.", "FAM2.merge.main.0."),
    (r"^scm4\.body\.(\d)\.0\.", r"SCM1.main.\1.main.0."),
    (r"^scm2\.body\.(\d)\.0\.", r"SCM2.main.\1.main.0."),
    (r"^scm4\.fuse\.", "SCM1.conv.main.0."), (r"^scm2\.fuse\.", "SCM2.conv.main.0."),
]


def to_official(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    out = {}
    for key, value in state.items():
        new = key
        for pattern, repl in _INVERSE:
            new = re.sub(pattern, repl, new)
        assert new != key, f"no official name for {key}"
        out[new] = value.clone()
    return out


@pytest.mark.parametrize(("cfg", "blocks"), [(TINY, 1), (dict(type="MIMOUNet"), 8)])
def test_official_layout_converts_strictly_with_equal_outputs(cfg, blocks):
    torch.manual_seed(0)
    source = MODELS.build(cfg)
    official = to_official(source.state_dict())
    assert set(official) == official_key_names(blocks)  # the layout really is the official one
    assert infer_mimo_config(official)["num_blocks"] == blocks
    target = MODELS.build(cfg)
    converted, report = convert_official_mimo_state_dict(
        unwrap_official_checkpoint({"model": official}), target.state_dict())
    assert report.ok, str(report)
    target.load_state_dict(converted, strict=True)
    x = torch.rand(1, 3, 16, 12)
    with torch.no_grad():
        assert all(torch.equal(a, b) for a, b in zip(source.eval()(x), target.eval()(x)))


def test_strict_report_names_unexpected_missing_and_mismatched_keys():
    source = MODELS.build(TINY)
    official = {f"module.{k}": v for k, v in to_official(source.state_dict()).items()}
    official["module.feat_extract.6.main.0.weight"] = torch.zeros(1)
    del official["module.SCM1.conv.main.0.bias"]
    official["module.AFFs.1.conv.1.main.0.weight"] = torch.zeros(8, 8, 1, 1)
    _, report = convert_official_mimo_state_dict(official, MODELS.build(TINY).state_dict())
    assert not report.ok
    assert report.unexpected == ["module.feat_extract.6.main.0.weight"]
    assert report.missing == ["aff2.conv2.weight", "scm4.fuse.bias"]
    assert len(report.shape_mismatch) == 1 and "AFFs.1.conv.1" in report.shape_mismatch[0]
    assert "scm4.fuse.bias" in str(report)


def _tool():
    spec = importlib.util.spec_from_file_location("mimo_converter", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_writes_restorekit_checkpoint_and_refuses_bad_files(tmp_path, capsys):
    tool = _tool()
    torch.manual_seed(0)
    source = MODELS.build(dict(TINY, num_blocks=2))
    torch.save({"model": to_official(source.state_dict())}, tmp_path / "MIMO-UNet.pkl")
    assert tool.main([str(tmp_path / "MIMO-UNet.pkl"), str(tmp_path / "out.pth")]) == 0
    ckpt = torch.load(tmp_path / "out.pth", weights_only=True)
    assert ckpt["meta"]["generator"] == dict(type="MIMOUNet", base_channels=4, num_blocks=2)
    fresh = MODELS.build(ckpt["meta"]["generator"])
    fresh.load_state_dict({k.removeprefix("generator."): v for k, v in ckpt["state_dict"].items()})
    x = torch.rand(1, 3, 8, 8)
    with torch.no_grad():
        assert torch.equal(fresh.eval()(x)[2], source.eval()(x)[2])

    bad = to_official(source.state_dict())
    del bad["ConvsOut.0.main.0.bias"]
    torch.save(bad, tmp_path / "bad.pth")  # bare state dict, as Blur2Blur saves net_G
    capsys.readouterr()
    assert tool.main([str(tmp_path / "bad.pth"), str(tmp_path / "bad_out.pth")]) == 1
    assert "out4.bias" in capsys.readouterr().out
    assert not (tmp_path / "bad_out.pth").exists()
