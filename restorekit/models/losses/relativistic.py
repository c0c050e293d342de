"""Relativistic-average GAN loss: DBGAN's RDBL / BGAN's RBL and DeblurGAN-v2's RaGAN-LS."""

from __future__ import annotations

from collections import deque

import torch
import torch.nn.functional as F

from restorekit.registry import MODELS

from .adversarial_base import AdversarialLoss


@MODELS.register_module()
class RelativisticAverageLoss(AdversarialLoss):
    """Relativistic average GAN loss (Jolicoeur-Martineau 2018) in LS or BCE form.

    With ``C`` the discriminator logits, ``m_r = E[C(x_r)]`` and ``m_f = E[C(x_f)]``:

    * ``mode='ls'`` (RaGAN-LS, DeblurGAN-v2; our reading of RBL/RDBL, see docs):
      D: ``1/2 [E(C(x_r) - m_f - 1)^2 + E(C(x_f) - m_r + 1)^2]``,
      G: ``1/2 [E(C(x_r) - m_f + 1)^2 + E(C(x_f) - m_r - 1)^2]``.
    * ``mode='bce'`` (ESRGAN): D: ``1/2 [BCE(C(x_r) - m_f, 1) + BCE(C(x_f) - m_r, 0)]``,
      G: the labels swapped.

    RDBL (DBGAN) uses x_r = sharp ground truth, x_f = deblurred output; RBL (BGAN) uses
    x_r = real blurred photos, x_f = BGAN's synthetic blur.

    ``pool_size=0`` takes the means over the current batch (the paper's expectation; gradients
    flow through them). ``pool_size=N`` (DeblurGAN-v2 official: 50) takes them over the last N
    per-sample predictions seen in discriminator steps (detached; the current batch is added
    first, generator steps do not add). Under DDP the means are per process (per-GPU batch).

    Args:
        mode: ``'ls'`` or ``'bce'``.
        pool_size: number of past per-sample predictions to average (0 = batch mean).
        loss_weight: weight of the generator term (alpha in the paper's notation).
        disc_loss_weight: weight of the discriminator objective.
    """

    relativistic = True

    def __init__(
        self,
        mode: str = "ls",
        pool_size: int = 0,
        loss_weight: float = 1.0,
        disc_loss_weight: float = 1.0,
    ) -> None:
        super().__init__(loss_weight, disc_loss_weight)
        if mode not in ("ls", "bce"):
            raise ValueError(f"mode must be 'ls' or 'bce', got {mode!r}")
        if pool_size < 0:
            raise ValueError(f"pool_size must be >= 0, got {pool_size}")
        self.mode = mode
        self.pool_size = pool_size
        self._pools: dict[tuple[int, str], deque] = {}

    def _pool(self, index: int, kind: str) -> deque:
        return self._pools.setdefault((index, kind), deque(maxlen=self.pool_size))

    def pool_mean(self, index: int, kind: str) -> torch.Tensor:
        """Mean of the pooled predictions of scale ``index`` (``kind`` 'real' / 'fake')."""
        pool = self._pool(index, kind)
        if not pool:
            raise RuntimeError("the prediction pool is empty: run a discriminator step first")
        return torch.cat(list(pool)).mean()

    def _push(self, index: int, kind: str, pred: torch.Tensor) -> None:
        self._pool(index, kind).extend(pred.detach().split(1))

    def _means(self, index, real, fake, update: bool) -> tuple[torch.Tensor, torch.Tensor]:
        if self.pool_size == 0:
            return real.mean(), fake.mean()
        if update:
            self._push(index, "real", real)
            self._push(index, "fake", fake)
        if not self._pool(index, "real"):  # generator step before any discriminator step
            return real.detach().mean(), fake.detach().mean()
        return self.pool_mean(index, "real"), self.pool_mean(index, "fake")

    def _pair(self, real, fake, real_target: float, fake_target: float, m_r, m_f):
        rel_real, rel_fake = real - m_f, fake - m_r
        if self.mode == "ls":
            return 0.5 * (
                ((rel_real - real_target) ** 2).mean() + ((rel_fake - fake_target) ** 2).mean()
            )
        # BCE targets are 1 / 0; LS targets are +1 / -1
        return 0.5 * (
            F.binary_cross_entropy_with_logits(rel_real, torch.full_like(rel_real, real_target > 0))
            + F.binary_cross_entropy_with_logits(
                rel_fake, torch.full_like(rel_fake, fake_target > 0)
            )
        )

    def _disc_term(self, index: int, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        m_r, m_f = self._means(index, real, fake, update=True)
        return self._pair(real, fake, 1.0, -1.0, m_r, m_f)

    def _gen_term(self, index: int, real: torch.Tensor | None, fake: torch.Tensor) -> torch.Tensor:
        m_r, m_f = self._means(index, real, fake, update=False)
        return self._pair(real, fake, -1.0, 1.0, m_r, m_f)
