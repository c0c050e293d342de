"""Wasserstein GAN loss and the WGAN-GP gradient penalty.

References: Arjovsky et al. 2017 (WGAN), Gulrajani et al. 2017 (WGAN-GP, one interpolation
coefficient per sample, penalty ``(||grad_x D(x_hat)||_2 - 1)^2`` over the whole sample);
DeblurGAN-v2 ``DiscLossWGANGP`` (``reference/methods.md`` §3.5), reproduced by
``GradientPenaltyLoss(official_dgv2=True)``: one coefficient for the whole batch and the norm
taken over the channel dimension only (one norm per pixel), penalty weight 10.

Predictions and images follow the restorekit conventions: discriminator logits are raw scores
(a tensor or a list, one per discriminator / scale), images are [0, 1] NCHW (the discriminator
maps them to its own range; the penalty is measured with respect to its [0, 1] input).
"""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from restorekit.registry import MODELS

from .adversarial_base import AdversarialLoss, as_list


@MODELS.register_module()
class WGANLoss(AdversarialLoss):
    """WGAN critic loss: D ``mean(D(fake)) - mean(D(real))``, G ``-mean(D(fake))``.

    Use with :class:`GradientPenaltyLoss` (the penalty is added by the method's D step).
    Lists of predictions are averaged over the list (see ``AdversarialLoss``).

    Args:
        loss_weight: weight of the generator term.
        disc_loss_weight: weight of the critic objective.
    """

    def _disc_term(self, index: int, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        return fake.mean() - real.mean()

    def _gen_term(self, index: int, real: torch.Tensor | None, fake: torch.Tensor) -> torch.Tensor:
        return -fake.mean()


@MODELS.register_module()
class GradientPenaltyLoss(nn.Module):
    """WGAN-GP gradient penalty ``loss_weight * mean((||grad D(x_hat)|| - 1)^2)``.

    ``x_hat = a * real + (1 - a) * fake`` (both detached), ``a ~ U(0, 1)`` per sample
    (default) or one ``a`` for the whole batch (``official_dgv2=True``).

    Args:
        loss_weight: penalty weight (lambda; 10 in WGAN-GP and DeblurGAN-v2).
        norm_dims: ``'all'``: one gradient norm per sample over C, H, W (WGAN-GP);
            ``'channel'``: one norm per pixel over C (DeblurGAN-v2). Default ``'all'``,
            ``'channel'`` when ``official_dgv2``.
        official_dgv2: reproduce DeblurGAN-v2 (shared ``a``, channel norm).
        eps: added to every gradient entry before the norm (Blur2Blur's official ``1e-16``;
            keeps the norm's derivative finite for an all-zero gradient). Default 0.

    ``forward(discriminator, real, fake, alpha=None)``: ``real``, ``fake`` ``(B, C, H, W)``
    [0, 1] images
    (``fake`` typically ``G(x).detach()``); returns a scalar tensor that keeps the graph to the
    discriminator's parameters (create_graph). When the discriminator returns a list, the
    penalty is computed for each output separately (its own gradient) and **averaged** over the
    outputs -- the same as the official double-scale setup, where each discriminator has its
    own criterion and the two D losses are averaged.
    """

    def __init__(self, loss_weight: float = 10.0, norm_dims: str | None = None,
                 official_dgv2: bool = False, eps: float = 0.0) -> None:
        super().__init__()
        if norm_dims is None:
            norm_dims = "channel" if official_dgv2 else "all"
        if norm_dims not in ("all", "channel"):
            raise ValueError(f"GradientPenaltyLoss: norm_dims={norm_dims!r} is not 'all' or "
                             f"'channel'")
        if official_dgv2 and norm_dims != "channel":
            raise ValueError("GradientPenaltyLoss: official_dgv2=True takes the norm over "
                             "channels; leave norm_dims unset or 'channel'")
        self.loss_weight = loss_weight
        self.norm_dims = norm_dims
        self.official_dgv2 = official_dgv2
        self.eps = float(eps)

    def _penalty(self, grad: torch.Tensor) -> torch.Tensor:
        # 'all': one norm per sample; 'channel': one norm per pixel (B, H, W)
        if self.eps:
            grad = grad + self.eps
        norms = grad.flatten(1).norm(2, dim=1) if self.norm_dims == "all" else grad.norm(2, dim=1)
        return ((norms - 1.0) ** 2).mean()

    def forward(self, discriminator: Callable[[torch.Tensor], object], real: torch.Tensor,
                fake: torch.Tensor, alpha: torch.Tensor | None = None) -> torch.Tensor:
        """``alpha``: the interpolation coefficients, broadcastable to ``real`` (default: drawn
        as described above; tests pass them to compare a batch with its samples)."""
        if real.shape != fake.shape:
            raise ValueError(f"GradientPenaltyLoss: real {tuple(real.shape)} and fake "
                             f"{tuple(fake.shape)} differ in shape")
        real, fake = real.detach(), fake.detach()
        shape = (1,) * real.dim() if self.official_dgv2 else (real.shape[0],) + (1,) * (
            real.dim() - 1)
        if alpha is None:
            alpha = torch.rand(shape, device=real.device, dtype=real.dtype)
        x_hat = (alpha * real + (1.0 - alpha) * fake).requires_grad_(True)
        with torch.enable_grad():
            outputs = as_list(discriminator(x_hat))
            terms = []
            for out in outputs:
                (grad,) = torch.autograd.grad(out, x_hat, grad_outputs=torch.ones_like(out),
                                              create_graph=True, retain_graph=True)
                terms.append(self._penalty(grad))
        return self.loss_weight * torch.stack(terms).mean()
