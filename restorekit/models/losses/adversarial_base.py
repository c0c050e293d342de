"""The interface every adversarial loss in restorekit follows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Union

import torch
import torch.nn as nn

Prediction = Union[torch.Tensor, Sequence[torch.Tensor]]


def as_list(pred: Prediction | None) -> list[torch.Tensor | None]:
    """A discriminator output as a list (one entry per discriminator / scale)."""
    if pred is None:
        return [None]
    if isinstance(pred, torch.Tensor):
        return [pred]
    return list(pred)


class AdversarialLoss(nn.Module):
    """Base of the GAN losses.

    ``disc_loss(real_pred, fake_pred)`` is the discriminator objective multiplied by
    ``disc_loss_weight``; ``gen_loss(real_pred, fake_pred)`` the generator objective multiplied
    by ``loss_weight`` (the weight of the adversarial term in the generator's total loss).
    Predictions are raw logits, a tensor or a list of tensors (one per discriminator or
    scale); the loss is the mean over the list, and stateful losses keep one state per entry.
    Non-relativistic losses ignore ``real_pred`` in ``gen_loss`` (it may be ``None``).
    """

    relativistic = False

    def __init__(self, loss_weight: float = 1.0, disc_loss_weight: float = 1.0) -> None:
        super().__init__()
        self.loss_weight = loss_weight
        self.disc_loss_weight = disc_loss_weight

    def _disc_term(self, index: int, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def _gen_term(self, index: int, real: torch.Tensor | None, fake: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def disc_loss(self, real_pred: Prediction, fake_pred: Prediction) -> torch.Tensor:
        reals, fakes = as_list(real_pred), as_list(fake_pred)
        if len(reals) != len(fakes):
            raise ValueError(f"{len(reals)} real vs {len(fakes)} fake discriminator outputs")
        terms = [self._disc_term(i, r, f) for i, (r, f) in enumerate(zip(reals, fakes))]
        return self.disc_loss_weight * torch.stack(terms).mean()

    def gen_loss(self, real_pred: Prediction | None, fake_pred: Prediction) -> torch.Tensor:
        fakes = as_list(fake_pred)
        reals = as_list(real_pred) if real_pred is not None else [None] * len(fakes)
        if self.relativistic and any(r is None for r in reals):
            raise ValueError(f"{type(self).__name__} needs the real predictions in gen_loss")
        terms = [self._gen_term(i, r, f) for i, (r, f) in enumerate(zip(reals, fakes))]
        return self.loss_weight * torch.stack(terms).mean()
