"""BKSE KernelWizard (Blur2Blur's blur-kernel encoder) and its official-weights check."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from restorekit.models.generators.kernel_wizard_checkpoint import (
    convert_official_kernel_wizard_state_dict,
    infer_kernel_wizard_config,
    load_kernel_wizard_weights,
)
from restorekit.registry import MODELS

TINY_ARGS = dict(nf=4, front_blocks=1, back_blocks=2, kernel_dim=16, extractor_blocks=1)
TINY = dict(type="KernelWizard", **TINY_ARGS)
TOOL = Path(__file__).resolve().parents[3] / "tools" / "converters" / "kernel_wizard.py"


def _tiny(seed: int = 0):
    torch.manual_seed(seed)
    return MODELS.build(TINY).eval()


def test_odd_sizes_code_and_output_shapes():
    net = _tiny()
    sharp, blur = torch.rand(2, 3, 37, 151), torch.rand(2, 3, 37, 151)
    code = net.extract(sharp, blur)
    assert tuple(code.shape) == (2, 16, 2, 2)  # padded to 256 x 256 (minimum 2 x 2 code)
    assert tuple(net.adapt(sharp, code).shape) == (2, 3, 37, 151)
    assert tuple(net(sharp, blur).shape) == (2, 3, 37, 151)
    assert net.code_size(259, 130) == (3, 2)
    assert tuple(net.extract(*(torch.rand(1, 3, 259, 130),) * 2).shape) == (1, 16, 3, 2)
    assert net.size_divisor == 128 and net.min_size == 256


def test_padding_is_reflect_to_the_stride_and_cropped_back():
    net = _tiny()
    sharp, blur = torch.rand(1, 3, 200, 300), torch.rand(1, 3, 200, 300)

    def pad(x):  # the documented behaviour: bottom/right reflect padding to 256 x 384
        return F.pad(x, (0, 84, 0, 56), mode="reflect")

    with torch.no_grad():
        code = net.extract(sharp, blur)
        assert torch.equal(code, net.extract(pad(sharp), pad(blur)))
        expected = net.adapt(pad(sharp), code)[..., :200, :300]
        assert torch.equal(net.adapt(sharp, code), expected)


def test_code_transfers_to_another_image_of_the_same_padded_size():
    net = _tiny()
    known_sharp, known_blur = torch.rand(1, 3, 256, 256), torch.rand(1, 3, 256, 256)
    other_sharp = torch.rand(1, 3, 250, 240)
    with torch.no_grad():
        code = net.extract(known_sharp, known_blur)
        out = net.adapt(other_sharp, code)
    assert tuple(out.shape) == (1, 3, 250, 240)
    with pytest.raises(ValueError, match=r"300x400.*\(1, 16, 3, 4\).*\(1, 16, 2, 2\)"):
        net.adapt(torch.rand(1, 3, 300, 400), code)
    with pytest.raises(ValueError, match="same shape"):
        net.extract(known_sharp, torch.rand(1, 3, 128, 256))


def test_adapter_is_a_residual_on_the_sharp_image():
    net = _tiny()
    last = net.recon_trunk[-1]
    torch.nn.init.zeros_(last.weight)
    torch.nn.init.zeros_(last.bias)
    sharp = torch.rand(1, 3, 45, 70)
    with torch.no_grad():
        assert torch.equal(net(sharp, torch.rand_like(sharp)), sharp)


def test_gradients_reach_every_parameter():
    net = _tiny().train()
    sharp, blur = torch.rand(1, 3, 64, 64), torch.rand(1, 3, 64, 64)
    net(sharp, blur).mean().backward()
    no_grad = [n for n, p in net.named_parameters() if p.grad is None or not p.grad.abs().sum()]
    assert no_grad == []


def official_keys(front: int = 10, back: int = 20, ext: int = 4) -> set[str]:
    """Every key of BKSE's KernelWizard (GOPRO_woVAE, norm none), from reference §4.4."""
    wb = ("weight", "bias")
    keys = {f"feature_extractor.{i}.{t}" for i in (0, 2, 4) for t in wb}
    keys |= {f"feature_extractor.{6 + i}.conv{j}.{t}" for i in range(front) for j in (1, 2)
             for t in wb}
    keys |= {f"kernel_extractor.model.{i}.weight" for i in (1, 4, 7, 10, 13, 16)}
    keys |= {f"kernel_extractor.model.{19 + i}.conv_block.{j}.weight" for i in range(ext)
             for j in (1, 5)}
    keys |= {"adapter.model.down.0.weight", "adapter.model.up.1.weight", "adapter.model.up.1.bias"}
    for depth in range(1, 5):
        level = "adapter.model" + ".submodule" * depth
        keys |= {f"{level}.down.1.weight", f"{level}.up.1.weight"}
    keys |= {f"recon_trunk.{i}.conv{j}.{t}" for i in range(back) for j in (1, 2) for t in wb}
    keys |= {f"recon_trunk.{back + i}.{t}" for i in (0, 3, 6, 8) for t in wb}
    return keys


def test_official_size_keys_and_parameter_count():
    net = MODELS.build(dict(type="KernelWizard"))
    sd = net.state_dict()
    assert set(sd) == official_keys() and len(sd) == 159
    assert tuple(sd["adapter.model.submodule.submodule.submodule.submodule.up.1.weight"].shape) \
        == (1024, 512, 4, 4)  # innermost ConvT takes bottleneck 512 + code 512
    assert tuple(sd["kernel_extractor.model.16.weight"].shape) == (512, 512, 3, 3)
    assert sum(p.numel() for p in net.parameters()) == 49_205_187  # [derived] from §4.4
    assert infer_kernel_wizard_config(sd) == dict(
        in_channels=3, nf=64, front_blocks=10, back_blocks=20, kernel_dim=512,
        extractor_blocks=4)


def test_official_layout_loads_strictly_with_equal_outputs():
    source = _tiny(1)
    official = {f"module.{k}": v.clone() for k, v in source.state_dict().items()}
    assert {k.removeprefix("module.") for k in official} == official_keys(1, 2, 1)
    target = _tiny(2)
    converted, report = convert_official_kernel_wizard_state_dict(official, target.state_dict())
    assert report.ok, str(report)
    target.load_state_dict(converted, strict=True)
    sharp, blur = torch.rand(1, 3, 40, 50), torch.rand(1, 3, 40, 50)
    with torch.no_grad():
        assert torch.equal(target(sharp, blur), source(sharp, blur))


def test_strict_report_and_loader_errors(tmp_path):
    official = dict(_tiny().state_dict())
    official["kernel_extractor.model.1.bias"] = torch.zeros(4)  # a biased (norm != none) file
    del official["recon_trunk.10.bias"]
    official["adapter.model.down.0.weight"] = torch.zeros(1)
    _, report = convert_official_kernel_wizard_state_dict(official, _tiny().state_dict())
    assert report.unexpected == ["kernel_extractor.model.1.bias"]
    assert report.missing == ["adapter.model.down.0.weight", "recon_trunk.10.bias"]
    assert "adapter.model.down.0.weight" in report.shape_mismatch[0]

    with pytest.raises(FileNotFoundError, match=r"nowhere\.pth.*BKSE"):
        load_kernel_wizard_weights(_tiny(), str(tmp_path / "nowhere.pth"))
    torch.save(official, tmp_path / "bad.pth")
    with pytest.raises(ValueError, match=r"recon_trunk\.10\.bias"):
        load_kernel_wizard_weights(_tiny(), str(tmp_path / "bad.pth"))
    torch.save(_tiny(3).state_dict(), tmp_path / "good.pth")
    net = _tiny()
    assert load_kernel_wizard_weights(net, str(tmp_path / "good.pth")).ok
    assert torch.equal(net.recon_trunk[10].bias, _tiny(3).recon_trunk[10].bias)


def test_cli(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("kw_converter", TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    source = _tiny(4)
    torch.save(source.state_dict(), tmp_path / "GOPRO_woVAE.pth")
    dst = tmp_path / "out.pth"
    src = str(tmp_path / "GOPRO_woVAE.pth")
    assert tool.main([src, str(dst), "--prefix", "kernel_encoder."]) == 0
    ckpt = torch.load(dst, weights_only=True)
    assert ckpt["meta"]["kernel_encoder"] == dict(type="KernelWizard", in_channels=3, **TINY_ARGS)
    assert set(ckpt["state_dict"]) == {f"kernel_encoder.{k}" for k in source.state_dict()}

    bad = dict(source.state_dict())
    bad["extra.weight"] = torch.zeros(1)
    torch.save(bad, tmp_path / "bad.pth")
    capsys.readouterr()
    assert tool.main([str(tmp_path / "bad.pth"), str(tmp_path / "bad_out.pth")]) == 1
    assert "extra.weight" in capsys.readouterr().out
    assert not (tmp_path / "bad_out.pth").exists()
