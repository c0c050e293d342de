"""Build only what inference runs: the generator and the data preprocessor of a method config.

A training config names losses (VGG perceptual networks), discriminators and ImageNet
initialisations of backbones (``pretrained_backbone='torchvision://mobilenet_v2'``). None of
them take part in inference, and offline they fail (``PretrainedWeightsNotFoundError`` for
``vgg19-dcbb9e9d.pth``). :func:`build_inference_model` therefore builds
:class:`InferenceModel` -- ``generator`` + ``data_preprocessor`` -- with every
pretrained-weight initialisation switched off (the checkpoint provides the weights), and binds
the generator's padding policy to the preprocessor (:func:`restorekit.models.padding.bind_padding`).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import torch
from torch import nn

from restorekit.models.padding import PadPolicy, bind_padding
from restorekit.registry import MODELS

#: config keys that name training-time initialisation weights; set to None for inference
PRETRAINED_KEYS = ("pretrained_backbone", "pretrained")


def without_pretrained(cfg: object) -> object:
    """A deep copy of a (nested) config with every ``pretrained*`` key set to ``None`` and
    ``init_cfg`` entries of type ``Pretrained`` removed."""
    if isinstance(cfg, (list, tuple)):
        return type(cfg)(without_pretrained(v) for v in cfg)
    if not isinstance(cfg, dict):
        return copy.deepcopy(cfg)
    out = {}
    for key, value in cfg.items():
        if key in PRETRAINED_KEYS:
            out[key] = None
        elif key == "init_cfg" and isinstance(value, dict) and value.get("type") == "Pretrained":
            continue
        else:
            out[key] = without_pretrained(value)
    return out


class InferenceModel(nn.Module):
    """The inference part of a restoration method.

    Attributes: ``generator`` ((N, 3, H, W) [0, 1] -> (N, 3, H, W) [0, 1], as in the method),
    ``data_preprocessor`` (bound to the generator's padding policy), ``method_type`` (the
    ``type`` of the method config it came from). Checkpoint keys are the method's
    ``generator.*`` keys, so method checkpoints load unchanged.
    """

    def __init__(self, generator: nn.Module, data_preprocessor: nn.Module, method_type: str
                 ) -> None:
        super().__init__()
        self.generator = generator
        self.data_preprocessor = data_preprocessor
        self.method_type = method_type
        bind_padding(self)

    @property
    def padding(self) -> PadPolicy:
        """The effective padding policy (the generator's, bound to the preprocessor)."""
        return self.data_preprocessor.policy

    def forward(self, inputs: torch.Tensor, data_samples: Sequence | None = None,
                mode: str = "tensor") -> torch.Tensor:
        """``mode='tensor'``: the generator output for (N, 3, H, W) [0, 1] inputs (which must
        already be padded as :attr:`padding` says if the generator requires it)."""
        if mode != "tensor":
            raise ValueError(f"InferenceModel supports mode='tensor' only, got {mode!r}; "
                             f"build the full {self.method_type} with the Runner to test.")
        return self.generator(inputs)


def build_inference_model(model_cfg: dict) -> nn.Module:
    """``cfg.model`` -> :class:`InferenceModel` for a method config (one with a ``generator``
    entry), or the bare network for a generator config; pretrained initialisations off."""
    model_cfg = without_pretrained(dict(model_cfg))
    if "generator" not in model_cfg:
        return MODELS.build(model_cfg)
    generator = MODELS.build(model_cfg["generator"])
    pre_cfg = model_cfg.get("data_preprocessor") or dict(type="DeblurDataPreprocessor")
    data_preprocessor = pre_cfg if isinstance(pre_cfg, nn.Module) else MODELS.build(pre_cfg)
    return InferenceModel(generator, data_preprocessor, str(model_cfg.get("type")))
