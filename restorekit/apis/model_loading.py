"""Build a restorekit model from a config and load a checkpoint for inference.

:func:`init_model` is the entry point of every inference tool (``tools/deblur.py``,
``tools/export_onnx.py``, ``tools/benchmark.py``). Checkpoints are read with
``weights_only=True`` and restorekit's allow-list (:mod:`restorekit.engine.safe_checkpoint`);
a checkpoint that does not fit the config raises :class:`CheckpointMismatchError` listing the
missing / unexpected / wrongly shaped keys instead of silently keeping random weights.
Only what inference runs is built (:mod:`restorekit.apis.inference_model`): no losses, no
discriminator, no ImageNet initialisation, so converted official checkpoints load offline.
"""

from __future__ import annotations

import os
import pickle
import warnings
from pathlib import Path
from typing import Union

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from torch import nn

from restorekit.engine.safe_checkpoint import check_finite_weights, load_checkpoint_safely
from restorekit.models.padding import get_pad_policy
from restorekit.registry import SCOPE
from restorekit.utils.state_dict import prefer_ema, strip_prefix

from .inference_model import InferenceModel, build_inference_model

ConfigLike = Union[str, os.PathLike, Config, dict]
_MAX_LISTED = 8


class CheckpointMismatchError(RuntimeError):
    """A checkpoint's keys or shapes do not match the model the config builds."""


def _listed(keys: list[str]) -> str:
    more = f" ... (+{len(keys) - _MAX_LISTED} more)" if len(keys) > _MAX_LISTED else ""
    return ", ".join(keys[:_MAX_LISTED]) + more


def load_config(config: ConfigLike) -> Config:
    """A :class:`Config` from a path (or ``restorekit::`` reference), a Config or a plain
    dict (with a ``model`` key)."""
    if isinstance(config, Config):
        return config
    if isinstance(config, dict):
        return Config(config)
    from restorekit.utils.config_refs import install, resolve_config

    install()  # `restorekit::` references, also in _base_ lists
    path = Path(resolve_config(config))
    if not path.is_file():
        raise FileNotFoundError(f"Config file '{path}' does not exist. Pass the path of a .py "
                                f"config, e.g. configs/demo/dbgan_demo.py.")
    return Config.fromfile(str(path))


def extract_state_dict(ckpt: dict, path: str) -> dict[str, torch.Tensor]:
    """The state dict inside an mmengine checkpoint (``state_dict``), a BasicSR-style file
    (``params_ema`` / ``params``) or a plain ``{name: tensor}`` dict; ``module.`` prefixes
    (DataParallel) are removed."""
    if not isinstance(ckpt, dict):
        raise CheckpointMismatchError(f"Checkpoint '{path}' holds a {type(ckpt).__name__}, not "
                                      f"a dict of tensors.")
    explicit = False  # an mmengine file whose state_dict is empty (a parameter-free model)
    for key in ("state_dict", "params_ema", "params"):
        if isinstance(ckpt.get(key), dict):
            explicit = key == "state_dict" and isinstance(ckpt.get("meta"), dict)
            ckpt = ckpt[key]
            break
    state = {k: v for k, v in ckpt.items() if isinstance(v, torch.Tensor)}
    if not state and not (explicit and not ckpt):
        raise CheckpointMismatchError(
            f"Checkpoint '{path}' contains no tensors (top-level keys: {_listed(sorted(ckpt))}); "
            f"expected an mmengine checkpoint with 'state_dict' or a plain state dict.")
    return strip_prefix(state)


def load_inference_weights(model: nn.Module, checkpoint: str) -> dict[str, list[str]]:
    """Load ``checkpoint`` into ``model`` (a method with ``.generator`` or a bare network).

    A state dict of the generator alone (keys without ``generator.``) is accepted too. Keys the
    generator needs must all be present with the right shapes and the file must not hold keys
    the model does not know; keys of other sub-modules (discriminator, counters) may be absent,
    since inference does not use them. Loading a training checkpoint into an
    :class:`InferenceModel`, the keys outside ``generator.*`` (discriminator, loss buffers,
    counters) are skipped and listed under ``'ignored'``.

    Returns:
        ``{'missing': [...], 'unexpected': [], 'ignored': [...]}`` (only tolerated missing
        keys remain).

    Raises:
        FileNotFoundError: no file at ``checkpoint``.
        CheckpointMismatchError: missing generator keys, unexpected keys or shape mismatches.
    """
    if not os.path.isfile(checkpoint):
        raise FileNotFoundError(f"Checkpoint file '{checkpoint}' does not exist.")
    try:
        raw = load_checkpoint_safely(checkpoint)
    except pickle.UnpicklingError as err:
        detail = next((line.strip() for line in str(err).splitlines()
                       if "Unsupported global" in line), str(err).splitlines()[0])
        raise CheckpointMismatchError(
            f"Checkpoint '{checkpoint}' holds objects outside restorekit's weights_only "
            f"allow-list ({detail}); it may come from another tool or an older restorekit / "
            f"mmengine. If you trust the file, re-save just its tensors: "
            f"torch.save({{'state_dict': torch.load(path, weights_only=False)['state_dict']}}, "
            f"new_path).") from None
    # a checkpoint trained with ema_cfg: inference uses the generator's moving average, as
    # validation and test did (the raw generator weights are then ignored)
    state = prefer_ema(extract_state_dict(raw, checkpoint))
    ignored: list[str] = []
    if isinstance(model, InferenceModel) and any(k.startswith("generator.") for k in state):
        ignored = sorted(k for k in state if not k.startswith("generator."))
        state = {k: v for k, v in state.items() if k.startswith("generator.")}
    target = model
    generator = getattr(model, "generator", None)
    own = model.state_dict()
    if generator is None and not any(k in own for k in state):  # method checkpoint, bare net
        state = {k[len("generator."):]: v for k, v in state.items()
                 if k.startswith("generator.")} or state
    if generator is not None and not any(k in own for k in state):
        gen_keys = generator.state_dict()
        if any(k in gen_keys for k in state):  # a generator-only state dict
            target, own = generator, gen_keys
    required = [k for k in own if target is not model or generator is None
                or k.startswith("generator.")]
    missing = [k for k in required if k not in state]
    unexpected = sorted(k for k in state if k not in own)
    shapes = [f"{k}: checkpoint {tuple(state[k].shape)} vs model {tuple(own[k].shape)}"
              for k in state if k in own and state[k].shape != own[k].shape]
    if missing or unexpected or shapes:
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing key(s): {_listed(missing)}")
        if unexpected:
            parts.append(f"{len(unexpected)} unexpected key(s): {_listed(unexpected)}")
        if shapes:
            parts.append(f"{len(shapes)} shape mismatch(es): {_listed(shapes)}")
        raise CheckpointMismatchError(
            f"Checkpoint '{checkpoint}' does not match the model built from the config "
            f"({type(model).__name__}): " + "; ".join(parts) + ". Check that the config is the "
            "one the checkpoint was trained with (or convert official weights with "
            "tools/converters/).")
    target.load_state_dict(state, strict=False)
    tolerated = [k for k in own if k not in state]
    return {"missing": tolerated, "unexpected": [], "ignored": ignored}


def model_size_divisor(model: nn.Module) -> int:
    """The stride an input's H and W must be multiples of: the divisor of the model's padding
    policy (:func:`restorekit.models.padding.get_pad_policy`; 1 if none)."""
    return get_pad_policy(model).divisor


def init_model(config: ConfigLike | None = None, checkpoint: str | None = None,
               device: str = "cpu", cfg_options: dict | None = None) -> nn.Module:
    """Build the inference part of ``cfg.model`` (``restorekit`` scope), load weights, eval.

    A method config gives an :class:`~restorekit.apis.inference_model.InferenceModel`
    (generator + data preprocessor bound to the generator's padding policy); a generator config
    gives the generator. Losses and discriminators are not built and every ``pretrained*``
    initialisation (ImageNet backbones) is switched off: inference never needs training-only
    weights, with or without ``checkpoint``.

    Args:
        config: path of a config file, a :class:`mmengine.config.Config` or a dict; ``None``
            builds the model from the checkpoint alone (official layouts or restorekit
            checkpoints recording their config, :mod:`restorekit.apis.checkpoint_detection`).
        checkpoint: an mmengine checkpoint (``state_dict`` inside) or a plain state dict of the
            model or of its generator; ``None`` keeps the random initialisation (speed runs).
        device: ``'cpu'``, ``'cuda'``, ``'cuda:1'`` ...
        cfg_options: overrides merged into the config (``{'model.generator.num_blocks': 2}``).

    Returns:
        the model in eval mode on ``device`` with attributes ``cfg`` (the config),
        ``size_divisor`` (see :func:`model_size_divisor`) and ``checkpoint_report``
        (tolerated missing keys, ignored training-only keys).
    """
    if config is None:  # config-free loading (restorekit/apis/checkpoint_detection.py)
        from .checkpoint_detection import init_model_from_checkpoint
        if checkpoint is None:
            raise ValueError("init_model needs a config, a checkpoint or both")
        return init_model_from_checkpoint(checkpoint, device, cfg_options)
    cfg = load_config(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if "model" not in cfg:
        raise KeyError(f"Config {getattr(cfg, 'filename', None) or '<dict>'} has no 'model' "
                       f"entry; init_model needs one.")
    init_default_scope(cfg.get("default_scope", SCOPE))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = build_inference_model(cfg.model.to_dict() if hasattr(cfg.model, "to_dict")
                                      else dict(cfg.model))
    report: dict[str, list[str]] = {"missing": [], "unexpected": [], "ignored": []}
    if checkpoint is not None:
        report = load_inference_weights(model, str(checkpoint))
        check_finite_weights(model.state_dict(), str(checkpoint))  # NaN / inf weights: error
    model.cfg = cfg
    model.size_divisor = model_size_divisor(model)
    model.checkpoint_report = report
    return model.to(device).eval()
