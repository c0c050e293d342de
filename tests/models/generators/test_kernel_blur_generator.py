"""KernelBlurGenerator: every output pixel is a convex combination of its input neighbourhood."""

import pytest
import torch
import torch.nn.functional as F

from restorekit.models.generators.kernel_blur_generator import (
    apply_pixel_kernels,
    to_linear,
    to_srgb,
)
from restorekit.registry import MODELS


def _build(**kw):
    cfg = dict(type="KernelBlurGenerator", kernel_size=5, mid_channels=8, num_layers=2)
    cfg.update(kw)
    return MODELS.build(cfg)


def _perturb(gen, seed=0, std=0.5):
    """Random, clearly non-trivial kernels (the init is a near-uniform Gaussian everywhere)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in gen.parameters():
            p.add_(std * torch.randn(p.shape, generator=g))
    return gen


@pytest.mark.parametrize("size", [(17, 23), (5, 9), (2, 3)])
def test_output_is_a_convex_combination_of_the_neighbourhood(size):
    h, w = size
    gen = _perturb(_build(kernel_size=5))
    sharp = torch.rand(2, 3, h, w, generator=torch.Generator().manual_seed(1))
    parts = gen.blur_parts(sharp, generator=torch.Generator().manual_seed(2))
    kernels, lin_in, lin_out = parts["kernels"], parts["linear_in"], parts["linear_out"]
    assert kernels.shape == (2, 25, h, w) and parts["residual"] is None
    assert kernels.min() >= 0
    torch.testing.assert_close(kernels.sum(1), torch.ones(2, h, w))
    assert kernels.max() > 0.2  # the perturbed kernels are far from uniform
    mode = "reflect" if min(h, w) > 2 else "replicate"
    pad = F.pad(lin_in, (2, 2, 2, 2), mode=mode)
    for n, y, x in [(0, 0, 0), (1, h // 2, w // 2), (0, h - 1, w - 1), (1, 0, w - 1)]:
        patch = pad[n, :, y:y + 5, x:x + 5].reshape(3, 25)  # the 5 x 5 neighbourhood
        explicit = (patch * kernels[n, :, y, x]).sum(1)
        torch.testing.assert_close(lin_out[n, :, y, x], explicit)
        assert torch.all(lin_out[n, :, y, x] >= patch.min(1).values - 1e-6)
        assert torch.all(lin_out[n, :, y, x] <= patch.max(1).values + 1e-6)
    out = gen(sharp, generator=torch.Generator().manual_seed(2))
    assert out.shape == sharp.shape and out.min() >= 0 and out.max() <= 1
    torch.testing.assert_close(out, to_srgb(lin_out), atol=1e-5, rtol=0)


def test_curves_round_trip_and_delta_init_is_the_identity():
    x = torch.linspace(0, 1, 101)
    for curve in ("srgb", "gamma", "none"):
        torch.testing.assert_close(to_srgb(to_linear(x, curve), curve), x, atol=1e-5, rtol=0)
    assert to_linear(torch.tensor(0.5), "gamma") == pytest.approx(0.5**2.2, abs=1e-4)
    sharp = torch.rand(1, 3, 16, 16)
    out = _build(init_kernel="delta", kernel_size=7)(sharp)
    assert (out - sharp).abs().mean() < 1e-3 and (out - sharp).abs().max() < 1e-2
    blurred = _build(init_kernel="gaussian", init_sigma=1.0)(sharp)
    assert (blurred - sharp).abs().mean() > 0.05  # a real blur of a random image
    # kernels sum to 1 in linear light: no global gain is reachable
    lin_mean = to_linear(sharp).mean().item()
    assert to_linear(blurred).mean().item() == pytest.approx(lin_mean, rel=0.02)


def test_gradients_reach_the_kernel_net_and_residual_is_bounded_zero_mean():
    gen = _build(residual_scale=0.03, region_size=4)
    sharp = torch.rand(2, 3, 13, 11)
    parts = gen.blur_parts(sharp)
    res = parts["residual"]
    assert res.abs().max() <= 0.03 + 1e-6
    torch.testing.assert_close(res.mean((2, 3)), torch.zeros(2, 3), atol=1e-6, rtol=0)
    k = parts["kernels"]
    torch.testing.assert_close(k[:, :, 0, 0], k[:, :, 3, 3])  # one kernel per 4 x 4 block
    gen(sharp).sub(0.3).abs().mean().backward()
    for name, p in gen.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name
    glob = _perturb(_build(region_size=0)).blur_parts(sharp)["kernels"]
    torch.testing.assert_close(glob[:, :, 0, 0], glob[:, :, -1, -1])


def test_noise_and_config_errors():
    gen = _build(noise_mode="spatial")
    sharp = torch.rand(1, 3, 9, 9)
    a = gen(sharp, generator=torch.Generator().manual_seed(0))
    b = gen(sharp, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(a, b)
    assert _build(noise_channels=0)(sharp).shape == sharp.shape
    with pytest.raises(ValueError, match="noise must be"):
        gen(sharp, noise=torch.zeros(1, 3, 9, 9))
    for bad in (dict(kernel_size=4), dict(linear_light="log"), dict(init_kernel="box"),
                dict(noise_mode="x"), dict(region_size=-1)):
        with pytest.raises(ValueError):
            _build(**bad)
    with pytest.raises(ValueError, match="odd k"):
        apply_pixel_kernels(sharp, torch.ones(1, 4, 9, 9) / 4)


def test_image_kernel_fast_path_matches_pixel_kernels():
    from restorekit.models.generators.kernel_blur_generator import apply_image_kernels

    img = torch.rand(2, 3, 11, 14, generator=torch.Generator().manual_seed(0))
    k = torch.softmax(torch.randn(2, 49, generator=torch.Generator().manual_seed(1)), 1)
    torch.testing.assert_close(apply_image_kernels(img, k),
                               apply_pixel_kernels(img, k[:, :, None, None].expand(-1, -1, 11, 14)))
    gen = _perturb(_build(region_size=0, residual_scale=0.03))
    feat = torch.randn(2, 8, 6, 7)
    torch.testing.assert_close(gen._mean_head(feat), gen.head(feat).mean((2, 3)))


def test_trajectory_kernels_are_normalised_paths_and_learnable():
    gen = _build(kernel_size=9, region_size=0, kernel_mode="trajectory", path_points=3,
                 init_length=4.0)
    sharp = torch.rand(2, 3, 16, 16, generator=torch.Generator().manual_seed(0))
    parts = gen.blur_parts(sharp, generator=torch.Generator().manual_seed(1))
    k = parts["kernels"][:, :, 0, 0]
    torch.testing.assert_close(k.sum(1), torch.ones(2))
    assert k.min() >= 0
    rows = k.view(2, 9, 9).sum(2)  # initial path: a horizontal segment through the centre
    assert rows[:, 4].min() > 0.5 and rows[:, 3:6].sum(1).min() > 0.95
    gen(sharp).mean().backward()
    assert gen.head.weight.grad.abs().sum() > 0
    with pytest.raises(ValueError):
        _build(kernel_mode="trajectory", region_size=1)


def test_noise_residual_has_a_floor_and_is_zero_mean():
    gen = _build(region_size=0, residual_scale=0.02, residual_min=0.01, residual_mode="noise")
    sharp = torch.full((1, 3, 32, 32), 0.5)
    res = gen.blur_parts(sharp, generator=torch.Generator().manual_seed(0))["residual"]
    assert 0.009 < res.std() < 0.021
    torch.testing.assert_close(res.mean((2, 3)), torch.zeros(1, 3), atol=1e-6, rtol=0)
    with pytest.raises(ValueError):
        _build(residual_scale=0.01, residual_min=0.02)
