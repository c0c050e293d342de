"""DeblurGANv2 method: step order, log keys, RaGAN-LS pools, warm-up unfreeze, resume."""

from __future__ import annotations

import math

import pytest
import torch

from restorekit.engine.optimizers.multi_optim_constructor import MultiOptimWrapperConstructor
from restorekit.registry import MODELS

SIZE = 64  # smallest padded side of the MobileNetV2 FPN


def build(warmup_iters: int = 2, pool_size: int = 3, wgan: bool = False, gen: dict | None = None,
          perceptual: bool = False, **train_cfg):
    """Tiny FPN-MobileNet + double-scale D; the (random) VGG is built only when asked for:
    torchvision initialises the whole VGG19 classifier, which is slow."""
    torch.manual_seed(0)
    generator = dict(type="FPNGenerator", backbone="mobilenet_v2", num_filters=16,
                     num_filters_fpn=32)
    generator.update(gen or {})
    if wgan:
        adv = dict(gan_loss=dict(type="WGANLoss", loss_weight=1e-3, disc_loss_weight=1e-3),
                   gp_loss=dict(type="GradientPenaltyLoss", loss_weight=1e-2,
                                official_dgv2=True))
    else:
        adv = dict(gan_loss=dict(type="RelativisticAverageLoss", mode="ls", pool_size=pool_size,
                                 loss_weight=1e-3, disc_loss_weight=1e-3))
    return MODELS.build(dict(
        type="DeblurGANv2",
        generator=generator,
        discriminator=dict(type="DoubleScaleDiscriminator", base_channels=8),
        pixel_loss=dict(type="MSELoss", loss_weight=9.792),
        perceptual_loss=dict(type="PerceptualLoss", layer_weights={"conv3_3": 1.0},
                             criterion="mse", pretrained=None, loss_weight=0.006)
        if perceptual else None,
        train_cfg=dict(warmup_iters=warmup_iters, **train_cfg),
        **adv,
    ))


def optimizers(model, gen_paramwise: dict | None = None):
    gen = dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=1e-3))
    if gen_paramwise is not None:
        gen["paramwise_cfg"] = gen_paramwise
    return MultiOptimWrapperConstructor(dict(
        generator=gen,
        discriminator=dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=1e-3)),
    ))(model)


def batch(n: int = 1) -> dict:
    g = torch.Generator().manual_seed(1)
    return dict(inputs=[torch.randint(0, 256, (3, SIZE, SIZE), dtype=torch.uint8, generator=g)
                        for _ in range(n)],
                gt=[torch.randint(0, 256, (3, SIZE, SIZE), dtype=torch.uint8, generator=g)
                    for _ in range(n)])


def snapshot(module):
    return {name: p.detach().clone() for name, p in module.named_parameters()}


def changed(module, before) -> bool:
    return any(not torch.equal(p, before[name]) for name, p in module.named_parameters())


def adam_step(optim_wrapper, param) -> int:
    return int(optim_wrapper.optimizer.state[param]["step"])


def test_train_step_log_keys_and_finite():
    model = build(perceptual=True)
    log_vars = model.train_step(batch(), optimizers(model))
    assert set(log_vars) == {"loss_pix", "loss_perceptual", "loss_gan", "loss_d"}
    assert all(math.isfinite(float(v)) for v in log_vars.values())


def test_wgan_gp_adds_the_penalty_to_the_d_step():
    model = build(wgan=True)
    log_vars = model.train_step(batch(), optimizers(model))
    assert set(log_vars) == {"loss_pix", "loss_gan", "loss_d", "loss_gp"}
    assert all(math.isfinite(float(v)) for v in log_vars.values())


def test_ragan_pools_fill_in_d_steps_only_and_stop_at_pool_size():
    model = build(warmup_iters=0, pool_size=3)
    ow = optimizers(model)
    for k in range(1, 6):
        model.train_step(batch(), ow)
        for scale in (0, 1):  # double-scale D: one pool pair per scale
            for kind in ("real", "fake"):
                assert len(model.gan_loss._pools[(scale, kind)]) == min(k, 3)


def test_generator_and_discriminator_update_without_cross_gradients():
    model = build(warmup_iters=0)
    ow = optimizers(model)
    g_before, d_before = snapshot(model.generator), snapshot(model.discriminator)
    seen = []
    d_step = ow["discriminator"].step

    def spy_step(**kwargs):  # D's optimizer step: G must hold no gradient at that moment
        seen.append([p.grad for p in model.generator.parameters() if p.grad is not None])
        return d_step(**kwargs)

    ow["discriminator"].step = spy_step
    model.train_step(batch(), ow)
    assert seen == [[]]
    assert changed(model.generator, g_before) and changed(model.discriminator, d_before)
    # the G step leaves no gradient in D, and D is trainable again afterwards
    assert all(p.grad is None for p in model.discriminator.parameters())
    assert all(p.requires_grad for p in model.discriminator.parameters())


def test_gen_steps_zero_trains_only_the_discriminator():
    model = build(warmup_iters=0, gen_steps=0)
    ow = optimizers(model)
    g_before = snapshot(model.generator)
    log_vars = model.train_step(batch(), ow)
    assert set(log_vars) == {"loss_d"}
    assert not changed(model.generator, g_before)


def test_warmup_freezes_then_really_unfreezes_with_a_fresh_optimizer_state():
    model = build(warmup_iters=2)
    ow = optimizers(model)
    gen, g_opt = model.generator, ow["generator"]
    backbone_ids = {id(p) for p in gen.backbone.parameters()}
    held = {id(p) for group in g_opt.optimizer.param_groups for p in group["params"]}
    assert backbone_ids <= held  # built from model.parameters(): frozen or not, all included
    head = gen.final.weight
    for it in range(2):  # warm-up iterations 0, 1
        before = snapshot(gen.backbone)
        model.train_step(batch(), ow)
        assert gen.backbone_frozen
        assert not changed(gen.backbone, before)
        assert all(p.grad is None for p in gen.backbone.parameters())
        assert adam_step(g_opt, head) == it + 1
    before = snapshot(gen.backbone)
    model.train_step(batch(), ow)  # iteration 2: unfrozen, optimizer state reset
    assert all(p.requires_grad for p in gen.backbone.parameters())
    assert changed(gen.backbone, before)
    assert adam_step(g_opt, head) == 1  # a new Adam, as the official code builds
    assert all(p in g_opt.optimizer.state for p in gen.backbone.parameters())
    model.train_step(batch(), ow)  # iteration 3: no second reset
    assert adam_step(g_opt, head) == 2
    assert not gen.backbone_frozen


def test_state_follows_the_iteration_counter_on_resume():
    trained = build(warmup_iters=2)
    ow = optimizers(trained)
    for _ in range(3):
        trained.train_step(batch(), ow)
    state, optim_state = trained.state_dict(), ow.state_dict()
    assert int(state["step_counter"]) == 3

    # resume past the warm-up point: a generator built frozen is unfrozen, Adam state is kept
    resumed = build(warmup_iters=2, gen=dict(frozen_backbone=True))
    resumed.load_state_dict(state)
    ow2 = optimizers(resumed)
    ow2.load_state_dict(optim_state)
    before = snapshot(resumed.generator.backbone)
    resumed.train_step(batch(), ow2)
    assert all(p.requires_grad for p in resumed.generator.backbone.parameters())
    assert changed(resumed.generator.backbone, before)
    assert adam_step(ow2["generator"], resumed.generator.final.weight) == 2  # not reset

    # resume inside the warm-up: frozen again until the counter reaches warmup_iters
    early = build(warmup_iters=2)
    early.step_counter.fill_(1)
    ow3 = optimizers(early)
    early.train_step(batch(), ow3)
    assert early.generator.backbone_frozen
    early.train_step(batch(), ow3)
    assert not early.generator.backbone_frozen


def test_optimizer_without_backbone_params_is_an_error():
    # with a paramwise_cfg mmengine skips parameters frozen when the optimizer is built
    model = build(warmup_iters=2, gen=dict(frozen_backbone=True))
    ow = optimizers(model, gen_paramwise=dict(custom_keys={"final": dict(lr_mult=1.0)}))
    with pytest.raises(RuntimeError, match=r"lacks .* backbone parameters"):
        model.train_step(batch(), ow)


def test_warmup_needs_a_backbone():
    with pytest.raises(ValueError, match="warmup_iters=5 needs a generator with a backbone"):
        MODELS.build(dict(type="DeblurGANv2",
                          generator=dict(type="UNetGenerator", depth=3, base_channels=4),
                          pixel_loss=dict(type="L1Loss"), train_cfg=dict(warmup_iters=5)))
