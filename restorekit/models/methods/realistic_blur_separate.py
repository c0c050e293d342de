"""Scheme 1 ("separate") of "Deblurring by Realistic Blurring": DBGAN on a frozen BGAN's blur."""

from __future__ import annotations

import os
from collections.abc import Sequence

import torch

from restorekit.registry import MODELS
from restorekit.structures import DataSample
from restorekit.utils.state_dict import load_submodule

from .adversarial import unwrap
from .base_restorer import build_optional
from .blur_synthesis import (
    mix_blur,
    restore_with_synthetic_blur,
    sharp_and_paired_blur,
    synthesize_blur,
)
from .dbgan import DBGAN

#: prefixes tried, in order, when ``blur_generator_ckpt_prefix=None``: a BGAN checkpoint, a
#: joint-scheme checkpoint, a bare generator
AUTO_PREFIXES = ("generator.", "blur_generator.", "")


@MODELS.register_module()
class RealisticBlurSeparate(DBGAN):
    """DBGAN whose training inputs are made by a frozen, separately trained BGAN generator.

    Per training batch: ``b_syn = BGAN(gt, noise)`` (no grad, eval mode), then per sample the
    input is the dataset's real blurred ``inputs`` with probability ``real_pair_ratio`` and
    ``b_syn`` otherwise; the DBGAN losses and steps are those of :class:`DBGAN` (RDBL with
    x_r = ``gt``). The paper trains DBGAN on BGAN outputs only (``real_pair_ratio=0``).

    The BGAN generator (``self.blur_generator``) is loaded from ``blur_generator_ckpt`` when
    the model is built (and again after ``init_weights``), has ``requires_grad=False``, stays
    in eval mode even under ``model.train()`` and must not appear in ``optim_wrapper``. Its
    weights are part of this model's state dict, so a DBGAN checkpoint is self-contained.

    Data: ``gt`` sharp (N, 3, H, W) [0, 1]; ``inputs`` the paired real blur (or, for sharp-only
    data without ``gt``, the sharp images themselves; then ``real_pair_ratio`` must be 0).
    ``predict`` deblurs ``inputs`` as DBGAN does and, when ``gt`` is present, also returns
    ``synthetic_blur_img`` = BGAN(gt) (noise seed ``test_noise_seed``) for side-by-side grids.

    Args:
        blur_generator: config of the BGAN generator, identical to the one trained.
        blur_generator_ckpt: path of the BGAN checkpoint (``work_dirs/bgan_*/iter_N.pth``);
            ``None`` keeps random weights (tests only: it must be said explicitly).
        blur_generator_ckpt_prefix: key prefix in that checkpoint (``'generator.'`` for the
            BGAN method, ``'blur_generator.'`` for the joint method, ``''`` for a bare
            state dict); ``None`` = detect.
        real_pair_ratio: probability in [0, 1] that a sample uses its real paired blur.
        test_noise_seed: noise seed of ``synthetic_blur_img`` in ``predict``.
        **kwargs: :class:`DBGAN` arguments (generator, discriminator, losses, train_cfg, ...).
    """

    def __init__(
        self,
        blur_generator: dict,
        blur_generator_ckpt: str | None,
        blur_generator_ckpt_prefix: str | None = None,
        real_pair_ratio: float = 0.0,
        test_noise_seed: int | None = 0,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        if not 0.0 <= real_pair_ratio <= 1.0:
            raise ValueError(f"real_pair_ratio must be in [0, 1], got {real_pair_ratio}")
        self.real_pair_ratio = float(real_pair_ratio)
        self.test_noise_seed = test_noise_seed
        self.blur_generator_ckpt = blur_generator_ckpt
        self.blur_generator_ckpt_prefix = blur_generator_ckpt_prefix
        self.blur_generator = build_optional(blur_generator)
        if self.channels_last:
            self.blur_generator.to(memory_format=torch.channels_last)
        self.load_blur_generator()

    def load_blur_generator(self) -> None:
        """(Re)load the BGAN weights from ``blur_generator_ckpt`` and freeze them."""
        bgan = unwrap(self.blur_generator)
        if self.blur_generator_ckpt is not None:
            if not os.path.isfile(self.blur_generator_ckpt):
                raise FileNotFoundError(
                    f"BGAN checkpoint {self.blur_generator_ckpt!r} not found: train BGAN first "
                    f"(e.g. `python tools/train.py configs/bgan_gopro.py`) and set "
                    f"blur_generator_ckpt to its iter_*.pth, or set blur_generator_ckpt=None "
                    f"to use random weights (tests only)")
            prefixes = (AUTO_PREFIXES if self.blur_generator_ckpt_prefix is None
                        else (self.blur_generator_ckpt_prefix,))
            load_submodule(bgan, self.blur_generator_ckpt, prefixes, "blur generator")
        bgan.requires_grad_(False)
        bgan.eval()

    def init_weights(self) -> None:
        super().init_weights()
        self.load_blur_generator()  # an init_cfg must never overwrite the trained BGAN

    def train(self, mode: bool = True):
        super().train(mode)
        unwrap(self.blur_generator).eval()
        return self

    @torch.no_grad()
    def synthesize(self, sharp: torch.Tensor, seed: int | None = None) -> torch.Tensor:
        """BGAN(sharp) (N, 3, H, W) [0, 1], no grad; ``seed`` fixes the noise."""
        return synthesize_blur(self.blur_generator, self._format(sharp), seed)

    def prepare_train_data(self, data: dict) -> dict:
        sharp, paired = sharp_and_paired_blur(data["inputs"], data.get("gt"))
        synthetic = self.synthesize(sharp).detach()
        inputs, use_real = mix_blur(synthetic, paired, self.real_pair_ratio)
        return dict(data, inputs=inputs, gt=sharp, use_real_blur=use_real)

    @torch.no_grad()
    def predict(
        self, inputs: torch.Tensor, data_samples: Sequence[DataSample] | None = None, **images
    ) -> list[DataSample]:
        return restore_with_synthetic_blur(self, inputs, data_samples, images.get("gt"))
