"""Fast CPU path: fp32 output == eager within 1e-5 (BN folding, channels_last, rewrites)."""

from __future__ import annotations

import copy

import pytest
import torch
from torch import nn

from restorekit.apis import fold_conv_bn, init_model, prepare_fast_generator
from restorekit.apis.norm_rewrite import rewrite_batch_stats_norms
from restorekit.models.generators import FPNGenerator, UNetGenerator


def _randomise_bn(module: nn.Module) -> None:
    """Give every BatchNorm non-trivial running statistics and affine parameters."""
    g = torch.Generator().manual_seed(0)
    for m in module.modules():
        if isinstance(m, nn.BatchNorm2d):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=g) * 0.1)
            m.running_var.copy_(torch.rand(n, generator=g) + 0.5)
            m.weight.data.copy_(torch.rand(n, generator=g) + 0.5)
            m.bias.data.copy_(torch.randn(n, generator=g) * 0.1)


def test_fold_conv_bn_pairs_exact():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
                        nn.ConvTranspose2d(8, 6, 4, stride=2, padding=1), nn.BatchNorm2d(6),
                        nn.Conv2d(6, 4, 3, padding=1, groups=2), nn.BatchNorm2d(4)).eval()
    _randomise_bn(net)
    x = torch.rand(2, 3, 12, 10)
    ref = net(x)
    assert fold_conv_bn(net) == 3
    assert not any(isinstance(m, nn.BatchNorm2d) for m in net.modules())
    assert (net(x) - ref).abs().max() < 1e-5


def test_train_mode_bn_not_folded():
    net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4)).train()
    assert fold_conv_bn(net) == 0


def test_fast_fp32_equals_eager_unet_with_batchnorm():
    model = init_model(dict(model=dict(type="UNetGenerator", depth=3, base_channels=8,
                                       norm="batch", dropout=False)))
    _randomise_bn(model)
    fast = prepare_fast_generator(model)
    assert fast.folded > 0 and fast.channels_last
    x = torch.rand(1, 3, 24, 40)
    with torch.inference_mode():
        ref = model(x)
    assert (fast(x) - ref).abs().max() < 1e-5
    assert any(isinstance(m, nn.BatchNorm2d) for m in model.modules())  # original untouched


def test_fast_fp32_equals_eager_dbgan_demo():
    model = init_model("configs/demo/dbgan_demo.py", cfg_options={"model.generator.num_blocks": 1})
    x = torch.rand(1, 3, 20, 28)
    with torch.inference_mode():
        ref = model(x, mode="tensor")
    assert (prepare_fast_generator(model)(x) - ref).abs().max() < 1e-5


@pytest.mark.parametrize("norm", ["batch", "instance"])
def test_batch_stats_rewrite_fpn(norm):
    """The rewrite computes per-image statistics for any batch, as accurately as eager."""
    torch.manual_seed(0)
    gen = FPNGenerator(num_filters=16, num_filters_fpn=32, norm=norm,
                       inference_norm="batch_stats").eval()
    x = torch.rand(2, 3, 64, 96)
    with torch.inference_mode():
        ref = gen(x)
        exact = copy.deepcopy(gen).double()(x.double())
        own = float((ref.double() - exact).abs().max())
        rewritten = rewrite_batch_stats_norms(gen)
        assert rewritten is not gen and rewritten.inference_norm == "eval"
        assert not any(isinstance(m, (nn.BatchNorm2d, nn.InstanceNorm2d))
                       for m in rewritten.modules())
        for out in (rewritten(x), prepare_fast_generator(gen)(x),
                    prepare_fast_generator(gen, channels_last=False)(x)):
            assert float((out.double() - exact).abs().max()) <= max(2 * own, 1e-5)
    assert gen.inference_norm == "batch_stats"  # the original is untouched


def test_bf16_runs_and_is_close():
    gen = UNetGenerator(depth=3, base_channels=8, norm="instance", dropout=False).eval()
    x = torch.rand(1, 3, 16, 16)
    with torch.inference_mode():
        ref = gen(x)
    out = prepare_fast_generator(gen, precision="bf16")(x)
    assert out.dtype == torch.float32 and out.shape == ref.shape
    assert (out - ref).abs().max() < 0.1
    with pytest.raises(ValueError, match="precision"):
        prepare_fast_generator(gen, precision="int8")


def test_fp16_autocast_follows_the_input_device():
    """fp16 is the CUDA autocast option; on a CPU tensor it runs CPU autocast (float32 out)."""
    gen = UNetGenerator(depth=3, base_channels=8, norm="instance", dropout=False).eval()
    x = torch.rand(1, 3, 16, 16)
    with torch.inference_mode():
        ref = gen(x)
    out = prepare_fast_generator(gen, precision="fp16")(x)
    assert out.dtype == torch.float32
    assert 0 < float((out - ref).abs().max()) < 0.1
