"""GANLoss (vanilla / lsgan / hinge) and RelativisticAverageLoss (RBL / RDBL, RaGAN-LS)."""

from __future__ import annotations

import math

import pytest
import torch

from restorekit.registry import MODELS

REAL = torch.tensor([1.0, 3.0])
FAKE = torch.tensor([-1.0, 0.0])


def test_vanilla_gan_loss_closed_form():
    loss = MODELS.build(dict(type="GANLoss", gan_type="vanilla", loss_weight=2.0))
    zero = torch.zeros(4)
    assert loss.disc_loss(zero, zero).item() == pytest.approx(2 * math.log(2))
    assert loss.gen_loss(None, zero).item() == pytest.approx(2 * math.log(2))


def test_lsgan_and_hinge_closed_form():
    ls = MODELS.build(dict(type="GANLoss", gan_type="lsgan", disc_loss_weight=0.5))
    # D: mean((r-1)^2) + mean(f^2) = (0+4)/2 + (1+0)/2 = 2.5, halved
    assert ls.disc_loss(REAL, FAKE).item() == pytest.approx(1.25)
    assert ls.gen_loss(None, FAKE).item() == pytest.approx((4 + 1) / 2)
    hinge = MODELS.build(dict(type="GANLoss", gan_type="hinge"))
    # relu(1-r) = (0, 0); relu(1+f) = (0, 1)
    assert hinge.disc_loss(REAL, FAKE).item() == pytest.approx(0.5)
    assert hinge.gen_loss(None, FAKE).item() == pytest.approx(0.5)


def test_relativistic_ls_closed_form():
    loss = MODELS.build(dict(type="RelativisticAverageLoss", mode="ls", loss_weight=0.005))
    m_r, m_f = REAL.mean(), FAKE.mean()  # 2, -0.5
    d = 0.5 * (((REAL - m_f - 1) ** 2).mean() + ((FAKE - m_r + 1) ** 2).mean())
    g = 0.5 * (((REAL - m_f + 1) ** 2).mean() + ((FAKE - m_r - 1) ** 2).mean())
    assert loss.disc_loss(REAL, FAKE).item() == pytest.approx(d.item())
    assert loss.gen_loss(REAL, FAKE).item() == pytest.approx(0.005 * g.item())


def test_relativistic_bce_closed_form():
    loss = MODELS.build(dict(type="RelativisticAverageLoss", mode="bce"))
    m_r, m_f = REAL.mean(), FAKE.mean()
    sp = torch.nn.functional.softplus  # BCE(x, 1) = softplus(-x); BCE(x, 0) = softplus(x)
    d = 0.5 * (sp(-(REAL - m_f)).mean() + sp(FAKE - m_r).mean())
    g = 0.5 * (sp(REAL - m_f).mean() + sp(-(FAKE - m_r)).mean())
    assert loss.disc_loss(REAL, FAKE).item() == pytest.approx(d.item(), rel=1e-6)
    assert loss.gen_loss(REAL, FAKE).item() == pytest.approx(g.item(), rel=1e-6)


def test_relativistic_needs_real_predictions_for_the_generator():
    loss = MODELS.build(dict(type="RelativisticAverageLoss"))
    with pytest.raises(ValueError, match="real predictions"):
        loss.gen_loss(None, FAKE)


def test_generator_gradient_flows_through_fake_and_batch_mean():
    loss = MODELS.build(dict(type="RelativisticAverageLoss"))
    fake = FAKE.clone().requires_grad_(True)
    loss.gen_loss(REAL, fake).backward()
    assert fake.grad.abs().sum() > 0


def test_pool_keeps_last_n_per_sample_predictions_from_discriminator_steps_only():
    loss = MODELS.build(dict(type="RelativisticAverageLoss", pool_size=3))
    loss.disc_loss(torch.tensor([1.0, 1.0]), torch.tensor([0.0, 0.0]))
    loss.disc_loss(torch.tensor([4.0, 4.0]), torch.tensor([2.0, 2.0]))
    # pool holds the last 3 samples: real (1, 4, 4) -> 3, fake (0, 2, 2) -> 4/3
    assert loss.pool_mean(0, "real").item() == pytest.approx(3.0)
    assert loss.pool_mean(0, "fake").item() == pytest.approx(4 / 3)
    real, fake = torch.tensor([5.0]), torch.tensor([1.0])
    g = 0.5 * ((5.0 - 4 / 3 + 1) ** 2 + (1.0 - 3.0 - 1) ** 2)
    assert loss.gen_loss(real, fake).item() == pytest.approx(g)
    assert loss.pool_mean(0, "real").item() == pytest.approx(3.0)  # generator step: no push


def test_list_predictions_average_over_scales_with_separate_pools():
    loss = MODELS.build(dict(type="RelativisticAverageLoss", pool_size=4))
    reals = [torch.ones(1, 1, 2, 2), torch.full((1, 1, 1, 1), 3.0)]
    fakes = [torch.zeros(1, 1, 2, 2), torch.zeros(1, 1, 1, 1)]
    single0 = MODELS.build(dict(type="RelativisticAverageLoss", pool_size=4))
    single1 = MODELS.build(dict(type="RelativisticAverageLoss", pool_size=4))
    expected = (single0.disc_loss(reals[0], fakes[0]) + single1.disc_loss(reals[1], fakes[1])) / 2
    assert loss.disc_loss(reals, fakes).item() == pytest.approx(expected.item())
    assert loss.pool_mean(1, "real").item() == pytest.approx(3.0)
