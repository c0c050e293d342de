"""Resolve and load pretrained weights named in configs, offline-safe.

A weight is named by

* ``'torchvision://<model>'`` (e.g. ``'torchvision://vgg19'``): the ImageNet weights torchvision
  publishes for that model, read from ``$TORCH_HOME/hub/checkpoints/<file>`` (the cache that
  torchvision itself fills);
* a local file path (``.pth`` / ``.pt`` / ``.tar``);
* an ``http(s)://`` URL, downloaded into the same cache when the machine is online.

Nothing falls back to random weights: a missing file raises
:class:`PretrainedWeightsNotFoundError` naming the file that was expected and how to provide it.
Random initialisation is only ever chosen by the config saying ``pretrained=None``.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import torch


class PretrainedWeightsNotFoundError(FileNotFoundError):
    """Pretrained weights were requested but the file is not available."""


def torch_hub_checkpoint_dir() -> Path:
    """The directory torchvision / torch.hub cache downloaded checkpoints in."""
    return Path(torch.hub.get_dir()) / "checkpoints"


def torchvision_weight_url(model_name: str) -> str:
    """URL of torchvision's default ImageNet weights for ``model_name`` (e.g. ``'vgg19'``)."""
    import torchvision

    try:
        weights = torchvision.models.get_model_weights(model_name)
    except ValueError as err:  # unknown model name
        raise ValueError(
            f"torchvision has no model named {model_name!r} (from 'torchvision://{model_name}')"
        ) from err
    return weights.DEFAULT.url


def resolve_pretrained(spec: str) -> Path:
    """Turn a weight spec into a local file path, downloading only for explicit URLs.

    Args:
        spec: ``'torchvision://<model>'``, an ``http(s)://`` URL or a local path.

    Returns:
        Path of an existing local file.

    Raises:
        PretrainedWeightsNotFoundError: the file is not there (and, for torchvision names, the
            message says which file to place where).
    """
    if spec.startswith("torchvision://"):
        url = torchvision_weight_url(spec[len("torchvision://"):])
        path = torch_hub_checkpoint_dir() / os.path.basename(urlparse(url).path)
        if not path.is_file():
            raise PretrainedWeightsNotFoundError(
                f"Pretrained weights {spec!r} are not available offline: expected the file "
                f"{path} (TORCH_HOME={os.environ.get('TORCH_HOME', '<unset>')}). Download "
                f"{url} to that path, point the config at a local file, or set "
                f"pretrained=None to train from random weights on purpose."
            )
        return path
    if spec.startswith(("http://", "https://")):
        path = torch_hub_checkpoint_dir() / os.path.basename(urlparse(spec).path)
        if not path.is_file():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                torch.hub.download_url_to_file(spec, str(path), progress=False)
            except Exception as err:  # network errors come in many types
                raise PretrainedWeightsNotFoundError(
                    f"Could not download pretrained weights {spec!r} to {path} ({err}). "
                    f"Place the file there by hand or use a local path."
                ) from err
        return path
    path = Path(spec).expanduser()
    if not path.is_file():
        raise PretrainedWeightsNotFoundError(
            f"Pretrained weights file {str(path)!r} does not exist. Check the path in the "
            f"config, or set pretrained=None to train from random weights on purpose."
        )
    return path


def load_pretrained_state_dict(spec: str) -> dict[str, torch.Tensor]:
    """Load a plain tensor state dict from a weight spec with ``weights_only=True``.

    Checkpoints that wrap the weights (``{'state_dict': ...}``, ``{'model': ...}``,
    ``{'params': ...}``) are unwrapped.
    """
    path = resolve_pretrained(spec)
    obj = torch.load(path, map_location="cpu", weights_only=True)
    for key in ("state_dict", "model", "params_ema", "params"):
        if isinstance(obj, dict) and key in obj and isinstance(obj[key], dict):
            obj = obj[key]
            break
    if not isinstance(obj, dict):
        raise TypeError(f"{path} does not hold a state dict (found {type(obj).__name__}).")
    return obj
