"""One adversarial term: a discriminator, its loss, an optional conditional input.

Every GAN method scores its generator outputs through :class:`AdversarialTerm` and trains its
discriminators through it, so the details live once:

* **freezing** -- ``gen_loss`` runs the bare discriminator (unwrapped from DDP: no gradient
  synchronisation) with ``requires_grad=False`` inside :meth:`AdversarialTerm.frozen`, a
  context manager that restores each parameter's previous flag on exit, also when the body
  raises; the generator's gradients flow *through* the discriminator but never *into* it;
* **relativistic real prediction** -- for a relativistic loss ``gen_loss`` also scores the
  real image, under ``torch.no_grad`` (a constant for the generator);
* **conditional input** -- with ``conditional=True`` the discriminator sees
  ``cat([condition, image], dim=1)``: the condition (the blurred input) first, the image
  second, in the real and the fake branch alike (pix2pix's conditional D, with the channel
  order the re-implementations of LUR mix up; see docs/methods/unet.md);
* **discriminator step** -- ``disc_loss`` detaches the fake image and the condition, so the
  discriminator step never reaches a generator.

The term holds no parameters: the discriminator and the loss stay attributes of the method
(their state-dict keys and optimizer names do not change); the term looks them up by name at
each call, so it sees the DDP wrapper that mmengine puts in their place.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
from mmengine.model import is_model_wrapper
from torch import nn

from restorekit.models.losses.adversarial_base import Prediction


def unwrap(module: nn.Module) -> nn.Module:
    """The bare module inside a DDP-style wrapper (``SeparateDistributedDataParallel`` wraps
    each sub-module separately)."""
    return module.module if is_model_wrapper(module) else module


@contextlib.contextmanager
def frozen(module: nn.Module) -> Iterator[nn.Module]:
    """``with frozen(d) as bare:`` -- the unwrapped ``d`` with ``requires_grad=False`` on every
    parameter; each parameter's previous flag is restored on exit, exception or not."""
    bare = unwrap(module)
    params = list(bare.parameters())
    flags = [p.requires_grad for p in params]
    try:
        for p in params:
            p.requires_grad_(False)
        yield bare
    finally:
        for p, flag in zip(params, flags):
            p.requires_grad_(flag)


class AdversarialTerm:
    """Discriminator ``owner.<disc_name>`` + adversarial loss ``owner.<loss_name>``.

    Args:
        owner: the method holding both modules as attributes.
        disc_name: attribute name of the discriminator (also its ``optim_wrapper`` key).
        loss_name: attribute name of the adversarial loss (an ``AdversarialLoss``).
        conditional: feed ``cat([cond, image])`` (N, 6, H, W) instead of the image.

    Images are (N, 3, H, W) in [0, 1]; predictions are logits, a tensor or a list (multi-scale
    discriminators).
    """

    def __init__(self, owner: nn.Module, disc_name: str, loss_name: str,
                 conditional: bool = False) -> None:
        self._owner = owner
        self.disc_name = disc_name
        self.loss_name = loss_name
        self.conditional = conditional

    @property
    def discriminator(self) -> nn.Module:
        """The discriminator as the method holds it (possibly DDP-wrapped)."""
        return getattr(self._owner, self.disc_name)

    @property
    def loss(self) -> nn.Module:
        return getattr(self._owner, self.loss_name)

    def disc_input(self, image: torch.Tensor, cond: torch.Tensor | None = None) -> torch.Tensor:
        """What the discriminator sees: ``image``, or ``cat([cond, image], 1)`` if conditional."""
        if not self.conditional:
            return image
        if cond is None:
            raise ValueError(f"the conditional discriminator {self.disc_name!r} needs the "
                             "blurred input as condition")
        return torch.cat([cond, image], dim=1)

    def frozen(self) -> contextlib.AbstractContextManager[nn.Module]:
        """``with term.frozen() as d:`` -- see :func:`frozen`."""
        return frozen(self.discriminator)

    def gen_loss(self, fake: torch.Tensor, real: torch.Tensor | None = None,
                 cond: torch.Tensor | None = None) -> torch.Tensor:
        """Generator objective of ``fake`` (gradients reach ``fake`` and, through ``cond``,
        whatever made the condition; never the discriminator). ``real`` is needed by
        relativistic losses only."""
        with self.frozen() as disc:
            real_pred: Prediction | None = None
            if self.loss.relativistic:
                if real is None:
                    raise ValueError(f"{type(self.loss).__name__} is relativistic: gen_loss "
                                     "needs the real image")
                with torch.no_grad():
                    real_pred = disc(self.disc_input(real, cond))
            return self.loss.gen_loss(real_pred, disc(self.disc_input(fake, cond)))

    def disc_loss(self, real: torch.Tensor, fake: torch.Tensor,
                  cond: torch.Tensor | None = None) -> torch.Tensor:
        """Discriminator objective; ``fake`` and ``cond`` are detached here."""
        cond = cond.detach() if cond is not None else None
        disc = self.discriminator
        real_pred = disc(self.disc_input(real, cond))
        fake_pred = disc(self.disc_input(fake.detach(), cond))
        return self.loss.disc_loss(real_pred, fake_pred)
