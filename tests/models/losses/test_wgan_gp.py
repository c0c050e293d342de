"""WGANLoss and GradientPenaltyLoss."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from restorekit.models.losses.wgan_gp import GradientPenaltyLoss, WGANLoss
from restorekit.registry import MODELS


class LinearD(nn.Module):
    """``D(x) = <w, x>`` per sample: its input gradient is ``w`` everywhere."""

    def __init__(self, w: torch.Tensor, as_list: bool = False) -> None:
        super().__init__()
        self.w = nn.Parameter(w.clone())
        self.as_list = as_list
        self.seen: list[torch.Tensor] = []

    def forward(self, x: torch.Tensor):
        self.seen.append(x.detach().clone())
        out = (x * self.w).flatten(1).sum(1, keepdim=True)
        return [out, 2 * out] if self.as_list else out


def _images(b: int = 3) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.rand(b, 3, 8, 8), torch.rand(b, 3, 8, 8)


def test_wgan_loss_values_and_lists() -> None:
    loss = MODELS.build(dict(type="WGANLoss", loss_weight=0.5, disc_loss_weight=2.0))
    assert isinstance(loss, WGANLoss)
    real, fake = torch.randn(2, 1, 5, 5), torch.randn(2, 1, 5, 5)
    torch.testing.assert_close(loss.disc_loss(real, fake), 2.0 * (fake.mean() - real.mean()))
    torch.testing.assert_close(loss.gen_loss(None, fake), -0.5 * fake.mean())
    real2, fake2 = torch.randn(2, 1, 3, 3), torch.randn(2, 1, 3, 3)
    expected = 2.0 * ((fake.mean() - real.mean()) + (fake2.mean() - real2.mean())) / 2
    torch.testing.assert_close(loss.disc_loss([real, real2], [fake, fake2]), expected)


def test_gp_zero_for_unit_gradient_and_positive_otherwise() -> None:
    real, fake = _images()
    w = torch.randn(3, 8, 8)
    gp = GradientPenaltyLoss()
    assert gp(LinearD(w / w.norm()), real, fake).item() == pytest.approx(0.0, abs=1e-10)
    value = gp(LinearD(2 * w / w.norm()), real, fake)
    assert value.item() == pytest.approx(10.0 * 1.0, rel=1e-5)  # (2 - 1)^2 * lambda


def test_gp_channel_norm_official() -> None:
    real, fake = _images()
    per_pixel_unit = torch.ones(3, 8, 8) / 3**0.5  # channel norm 1 at every pixel
    official = GradientPenaltyLoss(official_dgv2=True)
    assert official.norm_dims == "channel"
    assert official(LinearD(per_pixel_unit), real, fake).item() == pytest.approx(0, abs=1e-10)
    # whole-sample norm of the same gradient is sqrt(64) = 8 -> (8 - 1)^2 * 10
    assert GradientPenaltyLoss()(LinearD(per_pixel_unit), real, fake).item() == pytest.approx(
        490.0, rel=1e-5)
    with pytest.raises(ValueError):
        GradientPenaltyLoss(norm_dims="all", official_dgv2=True)


def test_gp_alpha_per_sample_vs_shared() -> None:
    real, fake = torch.zeros(4, 3, 8, 8), torch.ones(4, 3, 8, 8)  # x_hat = 1 - alpha
    d = LinearD(torch.ones(3, 8, 8))
    GradientPenaltyLoss()(d, real, fake)
    alphas = d.seen[-1][:, 0, 0, 0]
    assert torch.unique(alphas).numel() == 4  # one alpha per sample
    GradientPenaltyLoss(official_dgv2=True)(d, real, fake)
    assert torch.unique(d.seen[-1]).numel() == 1  # one alpha for the whole batch


def test_gp_gradient_flows_and_lists_are_averaged() -> None:
    real, fake = _images()
    w = torch.randn(3, 8, 8)
    d = LinearD(2 * w / w.norm())
    value = GradientPenaltyLoss(loss_weight=1.0)(d, real, fake.requires_grad_(True))
    value.backward()
    assert d.w.grad is not None and d.w.grad.abs().sum() > 0
    assert fake.grad is None  # inputs are detached
    listed = GradientPenaltyLoss(loss_weight=1.0)(LinearD(w / w.norm(), as_list=True), real, fake)
    # outputs [D, 2D]: gradient norms 1 and 2 -> penalties 0 and 1 -> mean 0.5
    assert listed.item() == pytest.approx(0.5, rel=1e-5)
