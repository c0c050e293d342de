"""Fast and ONNX paths of every registered generator stay as exact as eager fp32.

For each generator (random weights, small widths, odd image sizes, eval and
batch-statistics norm modes) the whole inference path -- padding by the generator's policy,
network, crop -- is run five ways: eager fp32, eager float64 (the ground truth), the fast CPU
path, onnxruntime and OpenVINO (fp32). Fast, ONNX and OpenVINO must be within 1e-5 of eager
fp32, or within twice eager's own distance from float64 (random-weight networks with
per-image norms on tiny maps are ill-conditioned; then no float32 implementation can be
closer to eager than that).
"""

from __future__ import annotations

import copy
import importlib

import pytest
import torch
from torch import nn

from restorekit.apis import prepare_fast_generator
from restorekit.apis.norm_rewrite import count_norms, rewrite_batch_stats_norms
from restorekit.apis.onnx_export import export_onnx
from restorekit.apis.onnx_runtime import OnnxRuntimeGenerator
from restorekit.apis.openvino_runtime import OpenVinoGenerator
from restorekit.apis.tiling import run_padded
from restorekit.models.padding import get_pad_policy
from restorekit.registry import MODELS

_FPN = dict(type="FPNGenerator", num_filters=16, num_filters_fpn=32)
#: (name, config, image size, batch-statistics mode); generators not listed here are built
#: with their defaults (add a small config when registering a new generator)
CASES = [
    ("RRDBNet", dict(type="RRDBNet", mid_channels=8, num_blocks=1, growth_channels=4),
     (19, 26), False),
    ("BlurGenerator", dict(type="BlurGenerator", mid_channels=8, num_blocks=1,
                           growth_channels=4, noise_channels=0), (19, 26), False),
    ("UNetGenerator", dict(type="UNetGenerator", depth=3, base_channels=4, norm="batch",
                           dropout=False), (19, 26), False),
    ("UNetGenerator", dict(type="UNetGenerator", depth=3, base_channels=4, norm="batch",
                           dropout=False), (19, 26), True),
    ("FPNGenerator", dict(_FPN, norm="batch"), (45, 70), False),
    ("FPNGenerator", dict(_FPN, norm="instance", inference_norm="batch_stats"), (45, 70), True),
    ("FPNGenerator", dict(_FPN, norm="batch", inference_norm="batch_stats"), (45, 70), True),
    ("FPNGenerator", dict(_FPN, backbone="inception_resnet_v2", norm="instance",
                          inference_norm="batch_stats"), (97, 130), True),
    ("NAFNet", dict(type="NAFNet", width=8, enc_blk_nums=(1, 1), middle_blk_num=1,
                    dec_blk_nums=(1, 1)), (19, 26), False),
    ("MIMOUNet", dict(type="MIMOUNet", base_channels=8, num_blocks=1), (19, 26), False),
    ("MIMOUNetPlus", dict(type="MIMOUNetPlus", base_channels=8, num_blocks=1), (19, 26), False),
    ("KernelBlurGenerator", dict(type="KernelBlurGenerator", kernel_size=5, mid_channels=8,
                                 num_layers=2, noise_channels=0), (19, 26), False),
]
#: registered networks that are not image-to-image restorers: KernelWizard maps a (sharp,
#: blurred) pair to a kernel code and back (Blur2Blur's frozen kernel encoder)
NOT_IMAGE_TO_IMAGE = {"KernelWizard"}


def registered_generators() -> set[str]:
    importlib.import_module("restorekit.models.generators")
    return {name for name, cls in MODELS.module_dict.items()
            if cls.__module__.startswith("restorekit.models.generators")} - NOT_IMAGE_TO_IMAGE


def _randomise(net: nn.Module) -> None:
    g = torch.Generator().manual_seed(0)
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=g) * 0.1)
            m.running_var.copy_(torch.rand(n, generator=g) + 0.5)
            m.weight.data.copy_(torch.rand(n, generator=g) + 0.5)
            m.bias.data.copy_(torch.randn(n, generator=g) * 0.1)


def _build(cfg: dict, batch_stats: bool) -> nn.Module:
    torch.manual_seed(0)
    net = MODELS.build(copy.deepcopy(cfg))
    _randomise(net)
    net.eval()
    if batch_stats and not hasattr(net, "inference_norm"):  # pix2pix without --eval
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.train()
    return net


def _eager(net: nn.Module, x: torch.Tensor) -> torch.Tensor:
    with torch.inference_mode():
        return run_padded(net, x, get_pad_policy(net))


def _all_cases():
    listed = {name for name, *_ in CASES}
    extra = [(name, dict(type=name), (37, 53), False)
             for name in sorted(registered_generators() - listed)]
    return [pytest.param(*case, id=f"{case[0]}-{i}") for i, case in enumerate(CASES + extra)]


def test_every_registered_generator_is_covered():
    """New generators run at their default sizes (below) but should get a small config."""
    missing = registered_generators() - {name for name, *_ in CASES}
    assert not missing, f"add small configs for {sorted(missing)} to CASES"


@pytest.mark.parametrize(("name", "cfg", "size", "batch_stats"), _all_cases())
def test_fast_and_onnx_match_eager(tmp_path, name, cfg, size, batch_stats):
    net = _build(cfg, batch_stats)
    x = torch.rand(1, 3, *size, generator=torch.Generator().manual_seed(1))
    eager = _eager(net, x)
    net64 = copy.deepcopy(net).double()
    with torch.inference_mode():
        exact = run_padded(net64, x.double(), get_pad_policy(net)).double()
    own = float((eager.double() - exact).abs().max())

    def close(out: torch.Tensor) -> bool:
        to_eager = float((out - eager).abs().max())
        return to_eager <= 1e-5 or float((out.double() - exact).abs().max()) <= 2 * own

    fast = prepare_fast_generator(net)
    assert count_norms(fast.generator)["activations"] == count_norms(net)["activations"]
    fast_out = run_padded(fast, x, get_pad_policy(net))
    assert close(fast_out), (name, "fast", float((fast_out - eager).abs().max()), own)

    info = export_onnx(net, str(tmp_path / "m.onnx"), size, exporter="torchscript")
    session = OnnxRuntimeGenerator(info["path"])
    assert session.padding == get_pad_policy(net)
    onnx_out = run_padded(session, x, session.padding)
    assert close(onnx_out), (name, "onnx", float((onnx_out - eager).abs().max()), own)

    openvino = OpenVinoGenerator(info["path"], num_threads=1)
    assert openvino.padding == get_pad_policy(net) and openvino.precision == "f32"
    ov_out = run_padded(openvino, x, openvino.padding)
    assert close(ov_out), (name, "openvino", float((ov_out - eager).abs().max()), own)


def test_fused_norm_activation_is_kept():
    """timm's BatchNormAct2d (norm -> drop -> act) keeps its activation when rewritten."""
    timm_layers = pytest.importorskip("timm.layers")
    block = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1, bias=False),
                          timm_layers.BatchNormAct2d(4, act_layer=nn.ReLU))
    block.eval()[1].train()  # per-image statistics at eval
    x = torch.randn(1, 3, 9, 11)
    with torch.no_grad():
        ref = block(x)
        out = rewrite_batch_stats_norms(block)(x)
    assert ref.min() == 0 and (out - ref).abs().max() < 1e-5
    assert count_norms(rewrite_batch_stats_norms(block))["activations"] == 1

    class Odd(nn.BatchNorm2d):  # a norm subclass with unknown extra behaviour
        pass

    odd = nn.Sequential(Odd(3)).eval()
    odd[0].train()
    with pytest.raises(TypeError, match="Odd"):
        rewrite_batch_stats_norms(odd)
