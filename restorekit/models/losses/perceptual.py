"""VGG perceptual loss with configurable layers, weights and criterion."""

from __future__ import annotations

import torch
import torch.nn as nn
import torchvision

from restorekit.registry import MODELS
from restorekit.utils.pretrained import load_pretrained_state_dict

_IMAGENET_MEAN = (0.485, 0.456, 0.406)
_IMAGENET_STD = (0.229, 0.224, 0.225)
_VGG_BLOCKS = {"vgg16": (2, 2, 3, 3, 3), "vgg19": (2, 2, 4, 4, 4)}
_TORCHVISION_CFG = {"vgg16": "D", "vgg19": "E"}


def vgg_layer_names(vgg_type: str) -> list[str]:
    """Names of ``torchvision.models.<vgg_type>().features`` entries, e.g. ``conv5_4``."""
    names = []
    for block, convs in enumerate(_VGG_BLOCKS[vgg_type], start=1):
        for i in range(1, convs + 1):
            names += [f"conv{block}_{i}", f"relu{block}_{i}"]
        names.append(f"pool{block}")
    return names


@MODELS.register_module()
class PerceptualLoss(nn.Module):
    """Distance between VGG features of prediction and target.

    ``loss = loss_weight * sum_l layer_weights[l] * criterion(phi_l(pred), phi_l(target))``.

    Inputs (N, 3, H, W) RGB in [0, 1]; with ``use_input_norm`` the whole batch is normalised
    with the ImageNet mean/std (DeblurGAN-v2's official code normalises only element 0, a bug
    we do not copy). Layers are named ``conv<b>_<i>`` (pre-activation, as ESRGAN/DBGAN's
    ``conv5_4``), ``relu<b>_<i>`` or ``pool<b>``. The VGG is frozen, kept in eval mode and
    not part of the state dict (checkpoints stay small).

    Args:
        layer_weights: e.g. ``{'conv5_4': 1.0}`` (DBGAN) or ``{'conv3_3': 1.0}`` (DeblurGAN-v2).
        vgg_type: ``'vgg19'`` or ``'vgg16'``.
        pretrained: ``'torchvision://vgg19'`` (ImageNet, the default), a local path, or
            ``None`` for random weights (tests only; a config must say so explicitly).
        use_input_norm: ImageNet mean/std normalisation of the [0, 1] inputs.
        criterion: ``'l1'`` or ``'mse'``.
        loss_weight: overall weight.
    """

    def __init__(
        self,
        layer_weights: dict[str, float] | None = None,
        vgg_type: str = "vgg19",
        pretrained: str | None = "torchvision://vgg19",
        use_input_norm: bool = True,
        criterion: str = "l1",
        loss_weight: float = 1.0,
    ) -> None:
        super().__init__()
        if vgg_type not in _VGG_BLOCKS:
            raise ValueError(f"vgg_type must be one of {sorted(_VGG_BLOCKS)}, got {vgg_type!r}")
        self.layer_weights = dict(layer_weights or {"conv5_4": 1.0})
        names = vgg_layer_names(vgg_type)
        unknown = sorted(set(self.layer_weights) - set(names))
        if unknown:
            raise ValueError(f"unknown {vgg_type} layers {unknown}; valid names: {names}")
        if criterion not in ("l1", "mse"):
            raise ValueError(f"criterion must be 'l1' or 'mse', got {criterion!r}")
        self.criterion = nn.L1Loss() if criterion == "l1" else nn.MSELoss()
        self.loss_weight = loss_weight
        self.use_input_norm = use_input_norm
        self._layer_index = {name: names.index(name) for name in self.layer_weights}
        state = load_pretrained_state_dict(pretrained) if pretrained is not None else None
        # only the convolutional part: the 120 M-parameter classifier is never used
        vgg_cfg = torchvision.models.vgg.cfgs[_TORCHVISION_CFG[vgg_type]]
        features = torchvision.models.vgg.make_layers(vgg_cfg, batch_norm=False)
        if state is not None:
            features.load_state_dict(
                {k[len("features.") :]: v for k, v in state.items() if k.startswith("features.")},
                strict=True,
            )
        last = max(self._layer_index.values())
        features = features[: last + 1]
        for module in features:
            if isinstance(module, nn.ReLU):
                module.inplace = False  # keep pre-activation features intact
        features.eval().requires_grad_(False)
        self._vgg = [features]  # a list: frozen, not registered, not in the state dict
        self.register_buffer(
            "mean", torch.tensor(_IMAGENET_MEAN).view(1, 3, 1, 1), persistent=False
        )
        self.register_buffer("std", torch.tensor(_IMAGENET_STD).view(1, 3, 1, 1), persistent=False)

    def _apply(self, fn, recurse: bool = True):
        super()._apply(fn, recurse)
        self._vgg[0]._apply(fn)
        return self

    def features(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """VGG features at the configured layers, ``{name: (N, C_l, H_l, W_l)}``."""
        if self.use_input_norm:
            x = (x - self.mean) / self.std
        wanted = {index: name for name, index in self._layer_index.items()}
        out = {}
        for index, layer in enumerate(self._vgg[0]):
            x = layer(x)
            if index in wanted:
                out[wanted[index]] = x
        return out

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        pred_feats = self.features(pred)
        with torch.no_grad():
            target_feats = self.features(target.detach())
        loss = sum(
            weight * self.criterion(pred_feats[name], target_feats[name])
            for name, weight in self.layer_weights.items()
        )
        return self.loss_weight * loss
