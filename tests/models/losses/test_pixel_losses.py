"""L1 / MSE / Charbonnier: exact values, weights, reductions."""

from __future__ import annotations

import math

import pytest
import torch

from restorekit.registry import MODELS

PRED = torch.tensor([[[[0.0, 1.0], [2.0, 3.0]]]])
TARGET = torch.zeros(1, 1, 2, 2)


@pytest.mark.parametrize(
    "cfg, expected",
    [
        (dict(type="L1Loss"), 1.5),
        (dict(type="MSELoss"), 3.5),
        (dict(type="L1Loss", reduction="sum"), 6.0),
        (dict(type="MSELoss", loss_weight=0.01), 0.035),
        (dict(type="CharbonnierLoss", eps=0.0), 1.5),
        (
            dict(type="CharbonnierLoss", eps=1.0),
            (1 + math.sqrt(2) + math.sqrt(5) + math.sqrt(10)) / 4,
        ),
    ],
)
def test_exact_values(cfg, expected):
    assert MODELS.build(cfg)(PRED, TARGET).item() == pytest.approx(expected, rel=1e-6)


def test_none_reduction_keeps_shape_and_gradient_flows():
    loss = MODELS.build(dict(type="L1Loss", reduction="none"))
    pred = PRED.clone().requires_grad_(True)
    out = loss(pred, TARGET)
    assert out.shape == PRED.shape
    out.sum().backward()
    assert torch.equal(pred.grad, torch.tensor([[[[0.0, 1.0], [1.0, 1.0]]]]))


def test_shape_mismatch_and_bad_reduction_are_errors():
    with pytest.raises(ValueError, match="differ"):
        MODELS.build(dict(type="MSELoss"))(PRED, torch.zeros(1, 1, 2, 3))
    with pytest.raises(ValueError, match="reduction"):
        MODELS.build(dict(type="L1Loss", reduction="avg"))
