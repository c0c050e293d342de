"""Helpers shared by the realistic-blur methods: loading a trained BGAN, mixing blur sources."""

from __future__ import annotations

import os

import torch
import torch.nn as nn

from restorekit.engine.safe_checkpoint import load_checkpoint_safely

#: prefixes tried, in order, when ``prefix=None`` (BGAN method, joint method, bare module)
AUTO_PREFIXES = ("generator.", "blur_generator.", "")


def _strip_module(state: dict) -> dict:
    """Drop DataParallel/DDP ``module.`` prefixes (at the start of every key)."""
    if state and all(k.startswith("module.") for k in state):
        return {k[len("module."):]: v for k, v in state.items()}
    return state


def load_blur_generator(module: nn.Module, path: str, prefix: str | None = None) -> str:
    """Load BGAN generator weights from an mmengine checkpoint into ``module`` (strict).

    The file is read with ``weights_only=True`` (:mod:`restorekit.engine.safe_checkpoint`).
    Its ``state_dict`` (or the file itself if it is a plain state dict) is filtered by
    ``prefix``: ``'generator.'`` for a checkpoint of the :class:`BGAN` method,
    ``'blur_generator.'`` for one of the joint method, ``''`` for a bare generator. With
    ``prefix=None`` the first of :data:`AUTO_PREFIXES` whose keys match ``module`` exactly is
    used. Returns the prefix used.

    Raises:
        FileNotFoundError: ``path`` does not exist (train BGAN first).
        KeyError: no prefix gives exactly the module's keys (the message lists the
            missing / unexpected keys of the closest candidate).
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"BGAN checkpoint {path!r} not found: train BGAN first (e.g. `python tools/train.py "
            f"configs/bgan_gopro.py`) and set blur_generator_ckpt to its iter_*.pth, or set "
            f"blur_generator_ckpt=None to use random weights (tests only)"
        )
    ckpt = load_checkpoint_safely(path)
    state = ckpt.get("state_dict", ckpt) if isinstance(ckpt, dict) else ckpt
    state = _strip_module(dict(state))
    expected = set(module.state_dict())
    prefixes = AUTO_PREFIXES if prefix is None else (prefix,)
    best = None
    for pre in prefixes:
        sub = {k[len(pre):]: v for k, v in state.items() if k.startswith(pre)}
        sub = _strip_module(sub)
        if set(sub) == expected:
            module.load_state_dict(sub, strict=True)
            return pre
        score = len(set(sub) & expected)
        if best is None or score > best[0]:
            best = (score, pre, sub)
    _, pre, sub = best
    missing = sorted(expected - set(sub))[:5]
    unexpected = sorted(set(sub) - expected)[:5]
    raise KeyError(
        f"{path!r} holds no blur generator matching the configured one (tried prefixes "
        f"{list(prefixes)}; best {pre!r}: missing {missing}, unexpected {unexpected}). Check "
        f"that blur_generator matches the BGAN config that was trained, or set "
        f"blur_generator_ckpt_prefix"
    )


def mix_blur(
    synthetic: torch.Tensor, real: torch.Tensor | None, ratio: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-sample choice: the real blurred image with probability ``ratio``, else the synthetic.

    Returns ``(mixed, use_real)`` with ``use_real`` a bool (N,) tensor. ``ratio=0`` always
    takes the synthetic blur (``real`` may be None), ``ratio=1`` always the real one. The draw
    uses torch's global RNG (seeded by mmengine's ``randomness``).
    """
    n = synthetic.shape[0]
    if ratio <= 0 or real is None:
        if ratio > 0:
            raise KeyError(
                "real_pair_ratio > 0 needs paired data: blurred `inputs` with sharp `gt`"
            )
        return synthetic, torch.zeros(n, dtype=torch.bool, device=synthetic.device)
    use_real = torch.rand(n, device=synthetic.device) < ratio
    mixed = torch.where(use_real.view(n, 1, 1, 1), real.to(synthetic.dtype), synthetic)
    return mixed, use_real
