"""DeblurGAN-v2 (Kupyn et al., ICCV 2019): FPN generator, double-scale D, RaGAN-LS, warm-up.

Reference: ``reference/methods.md`` §3.5 (losses), §3.6 (training) -- official
VITA-Group/DeblurGANv2 ``train.py``, ``models/losses.py``, ``config/config.yaml`` @595f258.
Written from that description. See ``docs/methods/deblurganv2.md`` for configs and deviations.

Data: ``inputs`` blurred ``(N, 3, H, W)`` and ``gt`` sharp ``(N, 3, H, W)``, float in [0, 1]
(the FPN generator and the discriminators map to [-1, 1] inside, as the official networks).

Per iteration, in the official order (``train.py``: forward, ``_update_d``, then G):

1. warm-up bookkeeping (see below);
2. ``outputs = G(inputs)`` once;
3. D step on ``outputs.detach()``: ``loss_d = gan_loss.disc_loss(D(gt), D(outputs))`` -- the
   loss config's ``disc_loss_weight`` is the official ``adv_lambda`` (D is optimised on
   ``adv_lambda * L_D``) -- plus ``loss_gp = gp_loss(D, gt, outputs)`` for WGAN-GP (the
   penalty weight must include ``adv_lambda`` too: official ``adv_lambda * 10``);
4. G step on the same ``outputs`` against the just-updated D and the just-updated RaGAN-LS
   prediction pools: ``loss_perceptual`` (VGG19 ``conv3_3`` MSE x 0.006), ``loss_pix`` (MSE;
   weight converted, see below) and ``loss_gan = adv_lambda * L_adv`` (``loss_weight``).

A double-scale D returns a list; the adversarial losses average over it (official
``(L_patch + L_full) / 2``, one prediction pool per scale).

Warm-up (official ``warmup_num`` epochs; ``train_cfg.warmup_iters`` here): while the method's
persistent ``step_counter`` (= iterations done; saved in checkpoints, restored on resume) is
below ``warmup_iters`` the generator's backbone has ``requires_grad=False``; from that count on
it is trainable. The state is re-derived from the counter at every ``train_step``, so a run
resumed past the warm-up point trains the backbone. At exactly ``step_counter ==
warmup_iters`` the generator optimizer's state is cleared (``warmup_reset_optimizer``): the
official code builds a new Adam for G at that point. (Its new LR scheduler -- G's decay clock
restarting -- is expressed in the configs as a G schedule shifted by the warm-up.)

The backbone is frozen lazily (first ``train_step``), not at construction, so that the
optimizer and DDP see every backbone parameter: mmengine's default optimizer constructor with
a ``paramwise_cfg`` skips parameters frozen at build time, and DDP ignores them for good. Under
DDP the configs therefore set ``find_unused_parameters=True`` (the frozen backbone produces no
gradients during the warm-up).

Pixel-loss weight: the official content loss is ``0.006 * MSE(VGG) + 0.5 * MSE(x', y')`` where
``x', y'`` are ImageNet-normalised [0, 1] images, i.e. the pixel MSE is scaled per channel by
``1 / std_c^2``. On [0, 1] images that is ``0.5 * mean_c(1 / std_c^2) = 9.792`` with uniform
channel weights (the per-channel weights 9.53 / 9.96 / 9.88 differ from it by < 3 %).
"""

from __future__ import annotations

import torch
from mmengine.optim import OptimWrapper, OptimWrapperDict

from restorekit.registry import MODELS

from .adversarial import unwrap
from .base_restorer import build_optional
from .dbgan import DBGAN

#: ``0.5 * mean_c(1 / std_c^2)`` with the ImageNet std: the official pixel-MSE weight on [0, 1].
OFFICIAL_PIXEL_MSE_WEIGHT = 0.5 * sum(1.0 / s**2 for s in (0.229, 0.224, 0.225)) / 3


@MODELS.register_module()
class DeblurGANv2(DBGAN):
    """DeblurGAN-v2 training scheme; see the module docstring for the step order and warm-up.

    Args:
        generator: an FPN generator (``FPNGenerator``) -- anything with ``freeze_backbone``,
            ``unfreeze_backbone``, ``backbone_frozen`` and ``backbone`` when warm-up is used.
        discriminator: e.g. ``DoubleScaleDiscriminator`` (returns a list of logit maps).
        pixel_loss: ``MSELoss(loss_weight=9.792)`` reproduces the official pixel term.
        perceptual_loss: ``PerceptualLoss(layer_weights={'conv3_3': 1.0}, criterion='mse',
            loss_weight=0.006)``.
        gan_loss: ``RelativisticAverageLoss(mode='ls', pool_size=50, loss_weight=adv_lambda,
            disc_loss_weight=adv_lambda)`` (RaGAN-LS, released models) or ``WGANLoss`` with
            the same weights plus ``gp_loss``.
        gp_loss: ``GradientPenaltyLoss(loss_weight=10 * adv_lambda, official_dgv2=True)``
            added to the D objective (WGAN-GP, the official config default), or ``None``.
        train_cfg: the :class:`BaseRestorer` keys plus ``warmup_iters`` (iterations with
            the backbone frozen, default 0 = no warm-up) and ``warmup_reset_optimizer``
            (clear G's optimizer state when the backbone is unfrozen, default True).
        conditional_disc, data_preprocessor, channels_last, init_cfg: see :class:`DBGAN`.
    """

    def __init__(self, *args, gp_loss: dict | None = None, train_cfg: dict | None = None,
                 **kwargs) -> None:
        train_cfg = dict(train_cfg or {})
        warmup_iters = int(train_cfg.pop("warmup_iters", 0))
        reset_optimizer = bool(train_cfg.pop("warmup_reset_optimizer", True))
        train_cfg.setdefault("order", "d_first")  # official train.py: D step, then G step
        super().__init__(*args, train_cfg=train_cfg, **kwargs)
        self.gp_loss = build_optional(gp_loss)
        if self.gp_loss is not None and self.discriminator is None:
            raise ValueError("DeblurGANv2: gp_loss needs a discriminator and a gan_loss")
        if warmup_iters < 0:
            raise ValueError(f"DeblurGANv2: train_cfg.warmup_iters must be >= 0, got "
                             f"{warmup_iters}")
        gen = unwrap(self.generator)
        needed = ("freeze_backbone", "unfreeze_backbone", "backbone_frozen", "backbone")
        if warmup_iters > 0 and not all(hasattr(gen, name) for name in needed):
            raise ValueError(f"DeblurGANv2: train_cfg.warmup_iters={warmup_iters} needs a "
                             f"generator with a backbone ({', '.join(needed)}); "
                             f"{type(gen).__name__} has none. Set warmup_iters=0.")
        self.warmup_iters = warmup_iters
        self.warmup_reset_optimizer = reset_optimizer
        self._optimizer_checked = False

    # ------------------------------------------------------------------ warm-up
    def backbone_trainable_at(self, iteration: int) -> bool:
        """Whether the backbone trains at ``iteration`` (0-based count of iterations done)."""
        return iteration >= self.warmup_iters

    def _check_optimizer(self, g_wrapper: OptimWrapper) -> None:
        """The G optimizer must hold every backbone parameter, or unfreezing changes nothing."""
        held = {id(p) for group in g_wrapper.optimizer.param_groups for p in group["params"]}
        missing = [name for name, p in unwrap(self.generator).backbone.named_parameters()
                   if id(p) not in held]
        if missing:
            raise RuntimeError(
                f"DeblurGANv2: the generator optimizer lacks {len(missing)} backbone parameters "
                f"(e.g. {missing[0]!r}), so the backbone could never train after the warm-up. "
                "Build the optimizer while the backbone is trainable (do not set "
                "frozen_backbone=True in the generator config; warm-up freezes it lazily).")
        self._optimizer_checked = True

    def apply_warmup(self, g_wrapper: OptimWrapper | None = None) -> None:
        """Freeze / unfreeze the backbone for the current ``step_counter``; at the unfreeze
        iteration clear ``g_wrapper``'s optimizer state (a new Adam, as official)."""
        if self.warmup_iters == 0:
            return
        gen = unwrap(self.generator)
        iteration = int(self.step_counter)
        if g_wrapper is not None and not self._optimizer_checked:
            self._check_optimizer(g_wrapper)
        if not self.backbone_trainable_at(iteration):
            if not gen.backbone_frozen:
                gen.freeze_backbone()
            return
        if any(not p.requires_grad for p in gen.backbone.parameters()):
            gen.unfreeze_backbone()
        if (iteration == self.warmup_iters and self.warmup_reset_optimizer
                and g_wrapper is not None):
            g_wrapper.optimizer.state.clear()

    def before_train_iter(self, optim_wrapper: OptimWrapperDict) -> None:
        self.apply_warmup(optim_wrapper["generator"])

    def d_losses(self, data: dict, outputs: dict) -> dict[str, torch.Tensor]:
        """``loss_d`` (and ``loss_gp`` with a gradient penalty); ``outputs`` are detached."""
        losses = super().d_losses(data, outputs)
        if self.gp_loss is not None:
            term = self.adversarial
            losses["loss_gp"] = self.gp_loss(term.discriminator,
                                             term.disc_input(data["gt"], data["inputs"]),
                                             term.disc_input(outputs["pred"], data["inputs"]))
        return losses
