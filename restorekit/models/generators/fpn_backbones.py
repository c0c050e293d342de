"""ImageNet backbones of the DeblurGAN-v2 FPN generator, cut into five encoder stages.

Reference: ``reference/methods.md`` §3.2 (DeblurGAN-v2 ``models/fpn_mobilenet.py`` and
``models/fpn_inception.py``). Written from that description; the backbone networks themselves
come from torchvision (MobileNetV2) and timm (Inception-ResNet-v2), built without downloading.

Each encoder maps a float NCHW tensor (DeblurGAN-v2 feeds [-1, 1]) to five feature maps
``enc0..enc4`` with channels :attr:`channels`:

* :class:`MobileNetV2Encoder` -- ``torchvision.models.mobilenet_v2`` ``features[0:16]``, split
  ``[0:2] [2:4] [4:7] [7:11] [11:16]`` -> 16/24/32/64/160 channels at strides 2/4/8/16/32
  (same padding: any multiple of 32 gives exact ``H/2 .. H/32``; ``min_size`` 64 keeps
  ``enc4`` above 1×1 so per-image BatchNorm statistics exist). State-dict keys
  ``features.{i}.*`` are torchvision's; ``features.16-18`` and the classifier are not built.
* :class:`InceptionResNetV2Encoder` -- timm ``inception_resnet_v2`` modules ``conv2d_1a`` |
  ``conv2d_2a, conv2d_2b, maxpool_3a`` | ``conv2d_3b, conv2d_4a, maxpool_5a`` |
  ``mixed_5b, repeat, mixed_6a`` | ``repeat_1, mixed_7a`` -> 32/64/192/1088/2080 channels.
  Its 'valid' convolutions give ``H/2-1, H/4-2, H/8-3, H/16-2, H/32-2`` for ``H`` a multiple of
  32; the FPN re-aligns them with reflect padding (§3.2). Needs ``H, W >= 128`` (96 gives a
  1×1 ``enc4``, which BatchNorm cannot normalise with per-image statistics). Keys are timm's,
  which equal Cadene ``pretrainedmodels`` names (the official checkpoints' backbone);
  ``repeat_2, block8, conv2d_7b`` and the classifier are not built.

Backbone BatchNorm layers are ordinary ``BatchNorm2d`` (timm's ``BatchNormAct2d`` subclasses
it), so the generator's inference-norm policy and freezing treat both backbones alike.
"""

from __future__ import annotations

import re
import warnings

import torch
from torch import nn

from restorekit.utils.state_dict import strip_prefix_each

__all__ = [
    "InceptionResNetV2Encoder",
    "MobileNetV2Encoder",
    "build_encoder",
    "mobilenet_v2_official_to_torchvision",
]

MOBILENET_STAGES = ((0, 2), (2, 4), (4, 7), (7, 11), (11, 16))
INCEPTION_STAGES = (
    ("conv2d_1a",),
    ("conv2d_2a", "conv2d_2b", "maxpool_3a"),
    ("conv2d_3b", "conv2d_4a", "maxpool_5a"),
    ("mixed_5b", "repeat", "mixed_6a"),
    ("repeat_1", "mixed_7a"),
)
_INCEPTION_CHANNELS = (32, 64, 192, 1088, 2080)


class _Encoder(nn.Module):
    """Common part: stage iteration, weight loading with a strict report."""

    channels: tuple[int, ...]
    #: smallest padded input side (a multiple of 32) whose enc4 map has more than one pixel
    min_size: int = 64
    #: prefixes of keys in full-network checkpoints that this encoder deliberately does not use
    unused_prefixes: tuple[str, ...] = ()

    def stages(self) -> list[nn.Sequential]:
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        """``(B, 3, H, W)`` -> ``[enc0, ..., enc4]`` (see the module docstring for sizes)."""
        feats = []
        for stage in self.stages():
            x = stage(x)
            feats.append(x)
        return feats

    def _remap_source(self, sd: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        return sd

    def load_backbone_state_dict(self, sd: dict[str, torch.Tensor], source: str = "<dict>"
                                 ) -> dict[str, list[str]]:
        """Load a full-network ImageNet state dict (classifier etc. ignored) strictly.

        Every encoder key must be present with the right shape (``num_batches_tracked`` may be
        absent: old checkpoints predate it); otherwise ``KeyError`` / ``ValueError`` names the
        keys and ``source``. Source keys that are neither used nor known-unused are reported
        with a warning. Returns ``{'loaded', 'ignored', 'unexpected', 'absent_counters'}``.
        """
        sd = self._remap_source(strip_prefix_each(sd))
        own = self.state_dict()
        missing = [k for k in own if k not in sd and not k.endswith("num_batches_tracked")]
        wrong = [f"{k}: {tuple(sd[k].shape)} vs {tuple(v.shape)}" for k, v in own.items()
                 if k in sd and sd[k].shape != v.shape]
        if missing:
            raise KeyError(
                f"Backbone weights {source} lack {len(missing)} {type(self).__name__} keys, e.g. "
                f"{missing[:8]}; is this the right backbone's checkpoint?")
        if wrong:
            raise ValueError(f"Backbone weights {source}: shape mismatch for {wrong[:8]}")
        unknown = [k for k in sd if k not in own]
        ignored = [k for k in unknown if k.startswith(self.unused_prefixes)]
        unexpected = [k for k in unknown if not k.startswith(self.unused_prefixes)]
        if unexpected:
            warnings.warn(f"Backbone weights {source}: {len(unexpected)} unexpected keys ignored, "
                          f"e.g. {unexpected[:8]}", stacklevel=2)
        absent = [k for k in own if k not in sd]
        self.load_state_dict({k: sd[k] for k in own if k in sd}, strict=False)
        return {"loaded": [k for k in own if k in sd], "ignored": ignored,
                "unexpected": unexpected, "absent_counters": absent}


class MobileNetV2Encoder(_Encoder):
    """torchvision MobileNetV2 (width 1.0) ``features[0:16]`` as five FPN stages."""

    channels = (16, 24, 32, 64, 160)
    min_size = 64
    unused_prefixes = ("features.16.", "features.17.", "features.18.", "classifier.")

    def __init__(self) -> None:
        super().__init__()
        from torchvision.models import mobilenet_v2

        net = mobilenet_v2(weights=None)
        self.features = nn.Sequential(*list(net.features.children())[:16])

    def stages(self) -> list[nn.Sequential]:
        return [self.features[a:b] for a, b in MOBILENET_STAGES]

    def _remap_source(self, sd: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        if "features.1.conv.3.weight" in sd:  # DeblurGAN-v2's own mobilenetv2.pth.tar layout
            return mobilenet_v2_official_to_torchvision(sd)
        return sd


class InceptionResNetV2Encoder(_Encoder):
    """timm Inception-ResNet-v2 up to ``mixed_7a`` as five FPN stages (see module docstring)."""

    channels = _INCEPTION_CHANNELS
    min_size = 128
    unused_prefixes = ("repeat_2.", "block8.", "conv2d_7b.", "classif.", "last_linear.")

    def __init__(self) -> None:
        super().__init__()
        import timm

        net = timm.create_model("inception_resnet_v2", pretrained=False)
        for names in INCEPTION_STAGES:
            for name in names:
                if not hasattr(net, name):
                    raise RuntimeError(f"timm's inception_resnet_v2 has no module {name!r}; "
                                       f"this timm version is not supported by FPNGenerator")
                self.add_module(name, getattr(net, name))
        del net
        got = self._probe_channels()
        if got != _INCEPTION_CHANNELS:
            raise RuntimeError(f"timm inception_resnet_v2 stages give channels {got}, expected "
                               f"{_INCEPTION_CHANNELS}")

    def stages(self) -> list[nn.Sequential]:
        return [nn.Sequential(*(getattr(self, n) for n in names)) for names in INCEPTION_STAGES]

    @torch.no_grad()
    def _probe_channels(self) -> tuple[int, ...]:
        """Channels of the five stages, measured by one small eval-mode forward."""
        was_training = self.training
        self.eval()
        try:
            feats = self(torch.zeros(1, 3, self.min_size, self.min_size))
        finally:
            self.train(was_training)
        return tuple(f.shape[1] for f in feats)


def build_encoder(name: str) -> _Encoder:
    """``'mobilenet_v2'`` or ``'inception_resnet_v2'`` -> a randomly initialised encoder."""
    if name == "mobilenet_v2":
        return MobileNetV2Encoder()
    if name == "inception_resnet_v2":
        return InceptionResNetV2Encoder()
    raise ValueError(f"FPN backbone {name!r} is not one of 'mobilenet_v2', 'inception_resnet_v2'")


# DeblurGAN-v2's in-repo MobileNetV2 keeps each inverted residual in one flat Sequential
# (expand 1: dw conv, bn, relu6, pw conv, bn; else: pw, bn, relu6, dw, bn, relu6, pw, bn);
# torchvision nests conv+bn pairs. Index maps from the flat layout to torchvision's.
MBV2_T1 = {"0": "0.0", "1": "0.1", "3": "1", "4": "2"}
MBV2_T6 = {"0": "0.0", "1": "0.1", "3": "1.0", "4": "1.1", "6": "2", "7": "3"}
_MBV2_KEY = re.compile(r"^features\.(\d+)\.conv\.(\d+)\.(.+)$")


def mobilenet_v2_official_to_torchvision(sd: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Rename DeblurGAN-v2 MobileNetV2 keys (``features.{i}.conv.{j}.*``) to torchvision's.

    ``features.0.*`` (conv, bn) and keys outside ``features.{i}.conv`` are kept as they are.
    Raises ``KeyError`` for a layer index that neither layout has.
    """
    out = {}
    for key, value in sd.items():
        m = _MBV2_KEY.match(key)
        if m is None:
            out[key] = value
            continue
        block, layer, rest = m.groups()
        table = MBV2_T1 if block == "1" else MBV2_T6
        if layer not in table:
            raise KeyError(f"unexpected MobileNetV2 layer index in {key!r}")
        out[f"features.{block}.conv.{table[layer]}.{rest}"] = value
    return out
