"""Contract of every registered GAN method: step order, conditional channel order, gradient
routing and finite losses, checked on tiny networks through the one shared train_step."""

from __future__ import annotations

import pytest
import torch
from kit import (
    batch,
    recording_wrappers,
    tiny_blur_generator,
    tiny_discriminator,
    tiny_generator,
)
from kit import (
    realistic_blur_preprocessor as preprocessor,
)

from restorekit.models.methods.base_restorer import BaseRestorer
from restorekit.registry import MODELS

RBL = dict(type="RelativisticAverageLoss", mode="ls", loss_weight=0.1)
L1 = dict(type="L1Loss")


def _deblur(type_: str, conditional: bool, **kw) -> dict:
    return dict(type=type_, generator=tiny_generator(),
                discriminator=tiny_discriminator(6 if conditional else 3), pixel_loss=L1,
                gan_loss=RBL, conditional_disc=conditional, data_preprocessor=preprocessor(),
                **kw)


#: every registered GAN method -> (config builder(conditional), supports a conditional D,
#: optimizer-wrapper names, expected side that steps first)
METHODS = {
    "DBGAN": (lambda c: _deblur("DBGAN", c), True, "g"),
    "DeblurGANv2": (lambda c: _deblur("DeblurGANv2", c), True, "d"),
    "RealisticBlurSeparate": (
        lambda c: _deblur("RealisticBlurSeparate", c, blur_generator=tiny_blur_generator(),
                          blur_generator_ckpt=None), True, "g"),
    "RealisticBlurJoint": (
        lambda c: _deblur("RealisticBlurJoint", c, blur_generator=tiny_blur_generator(),
                          blur_discriminator=tiny_discriminator(), blur_gan_loss=RBL,
                          blur_pixel_loss=L1), True, "g"),
    "BGAN": (lambda c: dict(type="BGAN", generator=tiny_blur_generator(),
                            discriminator=tiny_discriminator(), pixel_loss=L1, gan_loss=RBL,
                            data_preprocessor=preprocessor()), False, "g"),
    # B = D = gt, C = real_blur: the contract's batch keys; official order D first
    "Blur2Blur": (lambda c: dict(
        type="Blur2Blur", generator=tiny_generator(), discriminator=tiny_discriminator(),
        gan_loss=dict(type="GANLoss", gan_type="hinge", disc_loss_weight=0.5),
        gradient_penalty=dict(type="GradientPenaltyLoss", loss_weight=1e-4),
        kernel_encoder=dict(type="KernelWizard", nf=4, front_blocks=1, back_blocks=1,
                            kernel_dim=8, extractor_blocks=1),
        sharp_key="gt", known_blur_key="real_blur", known_sharp_key="gt",
        data_preprocessor=preprocessor()), False, "d"),
}
#: registered BaseRestorer subclasses without a discriminator
NOT_GAN = {"Restorer", "KernelEncoderTrainer", "Blur2BlurDeblurrer"}


def registered_gan_methods() -> set[str]:
    names = set()
    for name in MODELS.known_names():
        cls = MODELS.get(name)
        if isinstance(cls, type) and issubclass(cls, BaseRestorer):
            names.add(name)
    return names - NOT_GAN


def build(name: str, conditional: bool = False):
    torch.manual_seed(0)
    return MODELS.build(METHODS[name][0](conditional))


def names_of(model) -> tuple[str, ...]:
    return tuple(n for n in (*model.generator_names, *model.discriminator_names)
                 if getattr(model, n, None) is not None)


def test_every_registered_gan_method_is_covered_by_this_contract():
    assert registered_gan_methods() == set(METHODS)


@pytest.mark.parametrize("name", sorted(METHODS))
def test_step_order_and_no_cross_gradients(name):
    model = build(name)
    wrappers, log = recording_wrappers(model, names_of(model))
    logs = model.train_step(batch(), wrappers)
    assert logs and all(torch.isfinite(v) for v in logs.values()), logs
    gens, discs = set(model.generator_names), set(model.discriminator_names)
    first = "d" if log[0][0] in discs else "g"
    assert first == METHODS[name][2]  # DeblurGAN-v2: D first (official train.py), others G
    for stepping, holding in log:
        side = discs if stepping in discs else gens
        # a generator step never sees discriminator gradients and vice versa
        assert holding <= side, (stepping, holding)
    assert {s for s, _ in log} == set(names_of(model))


class RecordingDisc(torch.nn.Module):
    """Wraps a discriminator and keeps a copy of every input it sees."""

    def __init__(self, inner: torch.nn.Module) -> None:
        super().__init__()
        self.inner, self.seen = inner, []

    def forward(self, x):
        self.seen.append(x.detach().clone())
        return self.inner(x)


@pytest.mark.parametrize("name", sorted(n for n, v in METHODS.items() if v[1]))
def test_conditional_discriminator_sees_condition_first_then_image(name):
    model = build(name, conditional=True)
    model.discriminator = RecordingDisc(model.discriminator)
    g_inputs = []
    model.generator.register_forward_hook(lambda m, args, out: g_inputs.append(
        args[0].detach().clone()))
    wrappers, _ = recording_wrappers(model, names_of(model))
    model.train_step(batch(), wrappers)
    seen = model.discriminator.seen
    assert seen and all(x.shape[1] == 6 for x in seen)
    conditions = {tuple(c.flatten()[:32].tolist()) for c in g_inputs}
    for x in seen:
        # channels 0-2: the blurred image the generator restored; 3-5: a sharp or restored one
        assert tuple(x[:, :3].flatten()[:32].tolist()) in conditions
        assert not any(torch.equal(x[:, 3:], c) for c in g_inputs)


@pytest.mark.parametrize("name", sorted(METHODS))
def test_generator_losses_give_the_discriminators_no_gradient(name):
    model = build(name)
    data = model.prepare_train_data(model.data_preprocessor(batch(), True))
    losses = model.g_losses(data, model.run_generators(data))
    sum(losses.values()).backward()
    for disc in model.discriminator_names:
        module = getattr(model, disc, None)
        if module is not None:
            assert all(p.grad is None for p in module.parameters()), disc
            assert all(p.requires_grad for p in module.parameters()), disc  # restored


@pytest.mark.parametrize("name", sorted(METHODS))
def test_frozen_discriminator_is_restored_when_the_loss_raises(name):
    model = build(name)
    data = model.prepare_train_data(model.data_preprocessor(batch(), True))
    outputs = model.run_generators(data)
    term = getattr(model, "adversarial", None) or model.blur_adversarial
    with pytest.raises(RuntimeError, match="boom"), term.frozen():
        raise RuntimeError("boom")
    assert all(p.requires_grad for p in term.discriminator.parameters())
    d_losses = model.d_losses(data, {k: v.detach() for k, v in outputs.items()})
    assert all(torch.isfinite(v) for v in d_losses.values())
