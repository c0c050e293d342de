"""The one home of state-dict handling: container unwrapping, prefixes, strict sub-module loads.

Checkpoints come as mmengine files (``{'state_dict': ..., 'meta': ...}``), BasicSR files
(``{'params': ...}`` / ``{'params_ema': ...}``), official files (``{'model': ...}``) or bare
state dicts; DataParallel/DDP add a leading ``module.`` to every key.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import torch
from torch import nn

#: container keys that hold the weights, in the order they are tried
CONTAINER_KEYS = ("state_dict", "params_ema", "params", "model")


def strip_prefix(state: Mapping[str, torch.Tensor], prefix: str = "module.") -> dict:
    """``state`` without ``prefix`` when *every* key starts with it (else unchanged)."""
    if state and all(k.startswith(prefix) for k in state):
        return {k[len(prefix):]: v for k, v in state.items()}
    return dict(state)


def strip_prefix_each(state: Mapping[str, torch.Tensor], prefix: str = "module.") -> dict:
    """``prefix`` removed from each key that has it (mixed files of official converters)."""
    return {k.removeprefix(prefix): v for k, v in state.items()}


def sub_state_dict(state: Mapping[str, torch.Tensor], prefix: str) -> dict:
    """The entries under ``prefix`` (e.g. ``'generator.'``) with the prefix removed, then any
    ``module.`` wrapper prefix stripped."""
    return strip_prefix({k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)})


def unwrap_container(ckpt: object, keys: Sequence[str] = CONTAINER_KEYS) -> dict:
    """The state dict inside a checkpoint container (first of ``keys`` that holds a dict), or
    ``ckpt`` itself; ``module.`` prefixes stripped."""
    if not isinstance(ckpt, Mapping):
        raise TypeError(f"a checkpoint must be a dict, got {type(ckpt).__name__}")
    for key in keys:
        if isinstance(ckpt.get(key), Mapping):
            ckpt = ckpt[key]
            break
    return strip_prefix(ckpt)


def load_submodule(module: nn.Module, path: str | os.PathLike, prefixes: Sequence[str],
                   what: str = "sub-module") -> str:
    """Load ``module`` strictly from the checkpoint at ``path`` (read with
    ``weights_only=True``), taking the entries under the first of ``prefixes`` whose keys are
    exactly the module's. Returns the prefix used.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        KeyError: no prefix matches; the message lists the closest candidate's missing and
            unexpected keys.
        ValueError: the keys match but some shapes differ (listed).
    """
    from restorekit.engine.safe_checkpoint import load_checkpoint_safely

    state = unwrap_container(load_checkpoint_safely(str(path)))
    expected = set(module.state_dict())
    best = None
    for prefix in prefixes:
        sub = sub_state_dict(state, prefix)
        if set(sub) == expected:
            own = module.state_dict()
            wrong = [f"{k}: {tuple(v.shape)} vs {tuple(own[k].shape)}" for k, v in sub.items()
                     if v.shape != own[k].shape]
            if wrong:
                raise ValueError(f"{str(path)!r}: the {what} under {prefix!r} has other shapes "
                                 f"than the configured one: {wrong[:5]}")
            module.load_state_dict(sub, strict=True)
            return prefix
        score = len(set(sub) & expected)
        if best is None or score > best[0]:
            best = (score, prefix, sub)
    _, prefix, sub = best
    raise KeyError(
        f"{str(path)!r} holds no {what} matching the configured one (tried prefixes "
        f"{list(prefixes)}; best {prefix!r}: missing {sorted(expected - set(sub))[:5]}, "
        f"unexpected {sorted(set(sub) - expected)[:5]})"
    )


def prefer_ema(state: Mapping[str, torch.Tensor], name: str = "generator") -> dict:
    """``state`` with ``<name>.*`` replaced by the moving average ``<name>_ema.module.*`` when
    the checkpoint has one (what validation used); the EMA entries themselves are dropped."""
    ema_prefix = f"{name}_ema."
    ema = sub_state_dict(state, f"{name}_ema.module.")
    out = {k: v for k, v in state.items() if not k.startswith(ema_prefix)}
    if ema:
        out = {k: v for k, v in out.items() if not k.startswith(f"{name}.")}
        out.update({f"{name}.{k}": v for k, v in ema.items()})
    return out
