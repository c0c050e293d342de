"""Config-free loading: recognise a checkpoint's layout and build the matching model.

``init_model(checkpoint=PATH)`` (no config) and ``tools/deblur.py --checkpoint PATH`` call
:func:`init_model_from_checkpoint`, which reads the file once (``weights_only=True``,
restorekit's allow-list) and then, in this order:

1. **restorekit checkpoints** that record their config: mmengine's ``Runner.save_checkpoint``
   stores the whole config as text in ``meta['cfg']`` (``cfg.pretty_text``; mmengine
   0.10, ``mmengine/runner/runner.py``); restorekit's converters store the generator config
   in ``meta['generator']``; ``tools/fit_classical.py`` stores ``meta['model']`` and
   ``meta['config']``. The model is built from that config, with every ``pretrained*``
   initialisation switched off (the checkpoint holds the weights), by
   :func:`restorekit.apis.init_model`.
2. **official layouts** (:data:`restorekit.apis.checkpoint_layouts.LAYOUTS`: DBGAN,
   DeblurGAN-v2 MobileNet / Inception, MIMO-UNet(+), NAFNet): the state dict is unwrapped
   (``params_ema`` > ``params`` > ``model`` > ``state_dict`` > the dict itself; ``module.``
   stripped), the first layout whose anchor keys are all present infers the architecture,
   the generator is built inside a ``Restorer`` config with the official inference padding,
   and the official keys are converted onto it strictly (any unexpected, missing or
   mis-shaped key is an error).
3. Otherwise :class:`UnknownCheckpointLayoutError` lists the known layouts and the closest
   one (the share of the file's keys that look like each layout).

The returned model is what :func:`init_model` returns (eval mode, ``cfg``, ``size_divisor``,
``checkpoint_report``) plus ``checkpoint_layout`` (``'restorekit'`` or a layout name).
Nothing is downloaded: the generator configs carry no pretrained weights.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import torch
from mmengine.config import Config
from torch import nn

from restorekit.engine.safe_checkpoint import load_checkpoint_safely

from .checkpoint_layouts import LAYOUTS, Layout, StateDict

_WRAPPERS = ("params_ema", "params", "model", "state_dict")
_PRETRAINED_KEYS = ("pretrained", "pretrained_backbone")


class UnknownCheckpointLayoutError(ValueError):
    """A checkpoint matches no known layout and records no restorekit config."""


def _mismatch_error() -> type[Exception]:
    from .model_loading import CheckpointMismatchError

    return CheckpointMismatchError


def without_pretrained(node: object) -> object:
    """A copy of a nested config with every ``pretrained`` / ``pretrained_backbone`` value set
    to ``None`` (inference from a checkpoint never needs ImageNet initialisations)."""
    if isinstance(node, dict):
        return {k: None if k in _PRETRAINED_KEYS else without_pretrained(v)
                for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return type(node)(without_pretrained(v) for v in node)
    return node


def unwrap_state_dict(raw: object) -> StateDict:
    """The tensors of an official file (wrapper keys in :data:`_WRAPPERS` order, then the
    dict itself), with a DataParallel ``module.`` prefix removed from every key."""
    if not isinstance(raw, dict):
        return {}
    state = next((raw[k] for k in _WRAPPERS if isinstance(raw.get(k), dict)), raw)
    tensors = {k: v for k, v in state.items() if isinstance(v, torch.Tensor)}
    return {k[len("module."):] if k.startswith("module.") else k: v for k, v in tensors.items()}


def restorekit_config(raw: object, path: str) -> Config | None:
    """The config a restorekit checkpoint records (see the module docstring), or ``None``."""
    meta = raw.get("meta") if isinstance(raw, dict) else None
    if not isinstance(meta, dict):
        return None
    if isinstance(meta.get("cfg"), str):  # written by mmengine's Runner
        cfg = Config.fromstring(meta["cfg"], file_format=".py")
        return Config(without_pretrained(cfg.to_dict()))
    if isinstance(meta.get("generator"), dict):  # written by tools/converters/*.py
        generator = dict(meta["generator"])
        pad_mode = "constant" if generator.get("type") == "NAFNet" else "reflect"
        return Config(dict(default_scope="restorekit", model=without_pretrained(dict(
            type="Restorer", generator=generator, pixel_loss=dict(type="L1Loss"),
            data_preprocessor=dict(type="DeblurDataPreprocessor", pad_size_divisor=1,
                                   pad_mode=pad_mode)))))
    if meta.get("tool") == "tools/fit_classical.py" and meta.get("model"):
        config = meta.get("config")
        if config and Path(config).is_file():  # keeps options such as Wiener's prior
            return Config.fromfile(config)
        return Config(dict(default_scope="restorekit", model=dict(type=meta["model"])))
    return None


def detect_layout(state: StateDict) -> Layout | None:
    """The first layout of :data:`LAYOUTS` whose anchor keys are all in ``state``."""
    keys = set(state)
    return next((layout for layout in LAYOUTS if layout.matches(keys)), None)


def describe_unknown(state: StateDict, path: str) -> str:
    """The error text for an unrecognised file: known layouts and the closest one."""
    keys = set(state)
    known = "\n".join(f"  - {lay.name}: {lay.description}" for lay in LAYOUTS)
    known += ("\n  - restorekit: a checkpoint written by tools/train.py (meta['cfg']), "
              "tools/converters/*.py (meta['generator']) or tools/fit_classical.py")
    if not keys:
        closest = "the file holds no tensors"
    else:
        lay = max(LAYOUTS, key=lambda layout: layout.similarity(keys))
        missing = [a for a in lay.anchors if a not in keys]
        closest = (f"closest: {lay.name} ({lay.similarity(keys):.0%} of its {len(keys)} keys "
                   f"look like it; missing anchor key(s) {missing})")
    sample = ", ".join(sorted(keys)[:5])
    return (f"Checkpoint '{path}' is in no known layout; {closest}. First keys: {sample}.\n"
            f"Known layouts:\n{known}\nPass a config instead: init_model(CONFIG, '{path}') / "
            f"tools/deblur.py CONFIG '{path}' INPUT.")


def build_official(layout: Layout, state: StateDict, path: str, device: str) -> nn.Module:
    """Build the generator ``layout`` infers from ``state`` and load the converted weights
    strictly (:class:`CheckpointMismatchError` lists what did not fit)."""
    from .model_loading import init_model

    parts = layout.infer(state)
    cfg = Config(dict(default_scope="restorekit", model=dict(
        type="Restorer", generator=parts["generator"], pixel_loss=dict(type="L1Loss"),
        data_preprocessor=parts["data_preprocessor"])))
    model = init_model(cfg, None, "cpu")
    generator = getattr(model, "generator", model)
    target = generator.state_dict()
    converted, problems = layout.convert(state, target)
    if problems:
        listed = "; ".join(problems[:8]) + (f" ... (+{len(problems) - 8} more)"
                                            if len(problems) > 8 else "")
        raise _mismatch_error()(
            f"Checkpoint '{path}' looks like the {layout.name} layout ({layout.description}) "
            f"but does not convert onto the inferred {parts['generator']}: {listed}.")
    generator.load_state_dict(converted, strict=True)
    model.checkpoint_report = {"missing": [], "unexpected": [], "layout": layout.name}
    model.checkpoint_layout = layout.name
    return model.to(device).eval()


def init_model_from_checkpoint(checkpoint: str | os.PathLike, device: str = "cpu",
                               cfg_options: dict | None = None) -> nn.Module:
    """A model built and loaded from ``checkpoint`` alone (see the module docstring).

    Args:
        checkpoint: a restorekit checkpoint or an official file of a known layout.
        device: ``'cpu'``, ``'cuda'`` ...
        cfg_options: merged into a restorekit checkpoint's recorded config (ignored for
            official layouts, whose architecture is read from the file).

    Raises:
        FileNotFoundError: no file at ``checkpoint``.
        UnknownCheckpointLayoutError: no known layout and no recorded config.
        CheckpointMismatchError: a layout matched but the file does not fill the model, or
            the file holds objects outside the weights-only allow-list.
    """
    from .model_loading import init_model

    path = str(checkpoint)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"Checkpoint file '{path}' does not exist.")
    try:
        raw = load_checkpoint_safely(path)
    except pickle.UnpicklingError as err:
        raise _mismatch_error()(f"Checkpoint '{path}' holds objects outside restorekit's "
                                f"weights_only allow-list: {str(err).splitlines()[0]}") from None
    cfg = restorekit_config(raw, path)
    if cfg is not None:
        model = init_model(cfg, path, device, cfg_options)
        model.checkpoint_layout = "restorekit"
        return model
    state = unwrap_state_dict(raw)
    layout = detect_layout(state)
    if layout is None:
        raise UnknownCheckpointLayoutError(describe_unknown(state, path))
    return build_official(layout, state, path, device)
