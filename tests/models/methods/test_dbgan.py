"""DBGAN: train_step semantics, gradient routing, schedules, prediction."""

from __future__ import annotations

import pytest
import torch
from kit import tiny_dbgan
from mmengine.optim import OptimWrapper, OptimWrapperDict

from restorekit.registry import MODELS
from restorekit.structures import DataSample


def build(**overrides):
    torch.manual_seed(0)
    return MODELS.build(tiny_dbgan(**overrides))


def wrappers(model, lr=1e-3):
    return OptimWrapperDict(
        generator=OptimWrapper(torch.optim.Adam(model.generator.parameters(), lr)),
        discriminator=OptimWrapper(torch.optim.Adam(model.discriminator.parameters(), lr)),
    )


def batch(n=2, size=16, seed=0):
    g = torch.Generator().manual_seed(seed)
    sharp = torch.randint(0, 256, (n, 3, size, size), dtype=torch.uint8, generator=g)
    blurred = (sharp.float() * 0.5 + 64).byte()
    return dict(inputs=list(blurred), gt=list(sharp), data_samples=[DataSample() for _ in range(n)])


def test_train_step_logs_exact_keys_and_updates_both_networks():
    model = build(
        perceptual_loss=dict(type="PerceptualLoss", layer_weights={"conv1_2": 1.0}, pretrained=None)
    )
    g0 = [p.clone() for p in model.generator.parameters()]
    d0 = [p.clone() for p in model.discriminator.parameters()]
    logs = model.train_step(batch(), wrappers(model))
    assert set(logs) == {"loss_pix", "loss_perceptual", "loss_gan", "loss_d"}
    assert all(torch.isfinite(v) for v in logs.values())
    assert any(not torch.equal(a, b) for a, b in zip(model.generator.parameters(), g0))
    assert any(not torch.equal(a, b) for a, b in zip(model.discriminator.parameters(), d0))
    assert int(model.step_counter) == 1


def test_generator_step_gives_discriminator_no_gradient_and_rdbl_reaches_generator():
    model = build()
    data = model.data_preprocessor(batch(), True)
    out = model.generator(data["inputs"])
    losses = model.g_losses(data, {"pred": out})
    losses["loss_gan"].backward()
    assert all(p.grad is None for p in model.discriminator.parameters())
    assert model.generator.conv_first.weight.grad.abs().sum() > 0
    assert all(p.requires_grad for p in model.discriminator.parameters())  # unfrozen again


def test_discriminator_step_gives_generator_no_gradient():
    model = build()
    data = model.data_preprocessor(batch(), True)
    with torch.no_grad():
        out = model.generator(data["inputs"])
    model.d_losses(data, {"pred": out})["loss_d"].backward()
    assert all(p.grad is None for p in model.generator.parameters())
    assert model.discriminator.head[0].weight.grad.abs().sum() > 0


def test_pixel_loss_goes_down_on_a_fixed_batch():
    model = build(discriminator=None, gan_loss=None)
    optim = OptimWrapperDict(
        generator=OptimWrapper(torch.optim.Adam(model.generator.parameters(), 3e-3))
    )
    data = batch(seed=1)
    first = model.train_step(data, optim)["loss_pix"].item()
    for _ in range(60):
        last = model.train_step(data, optim)["loss_pix"].item()
    assert last < 0.5 * first


def test_disc_init_steps_and_step_counts():
    model = build(train_cfg=dict(disc_init_steps=2, disc_steps=3, gen_steps=1))
    optim = wrappers(model)
    calls = {"generator": 0, "discriminator": 0}
    for name, wrapper in optim.items():
        original = wrapper.update_params

        def counted(loss, _name=name, _orig=original, **kw):
            calls[_name] += 1
            return _orig(loss, **kw)

        wrapper.update_params = counted
    for _ in range(3):
        logs = model.train_step(batch(), optim)
    assert calls == {"generator": 1, "discriminator": 9}  # G only from the third iteration
    assert "loss_pix" in logs


def test_inconsistent_configs_are_rejected():
    with pytest.raises(ValueError, match="both a discriminator and a gan_loss"):
        build(gan_loss=None)
    with pytest.raises(ValueError, match="at least one"):
        build(discriminator=None, gan_loss=None, pixel_loss=None)
    with pytest.raises(ValueError, match="unknown train_cfg"):
        build(train_cfg=dict(net_d_iters=2))


def test_predict_unpads_and_packs_images():
    model = build(data_preprocessor=dict(type="DeblurDataPreprocessor", pad_size_divisor=8))
    data = batch(n=1, size=13)
    results = model.val_step(data)
    assert len(results) == 1
    sample = results[0]
    assert sample.pred_img.shape == (3, 13, 13) and sample.gt_img.shape == (3, 13, 13)
    assert sample.input_img.shape == (3, 13, 13)
    assert sample.pred_img.min() >= 0 and sample.pred_img.max() <= 1
    assert torch.allclose(sample.gt_img * 255, data["gt"][0].float())


def test_channels_last_gives_the_same_output():
    plain = build()
    fast = build(channels_last=True)
    fast.load_state_dict(plain.state_dict())
    x = torch.rand(1, 3, 16, 16)
    assert torch.allclose(plain(x), fast(x), atol=1e-5)
