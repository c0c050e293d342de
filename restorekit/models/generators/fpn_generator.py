"""DeblurGAN-v2 FPN generator (FPN-MobileNetV2 / FPN-Inception-ResNet-v2).

Reference: ``reference/methods.md`` §3.2 (DeblurGAN-v2 ``models/fpn_mobilenet.py``,
``models/fpn_inception.py``), §3.7 (train-mode inference). Written from that description.

Ranges and shapes
-----------------
* input ``(B, 3, H, W)`` RGB float in [0, 1], any ``H, W``; mapped to [-1, 1] inside
  (``x * 2 - 1``) because the official network works in [-1, 1];
* padding is declared by :attr:`FPNGenerator.padding` (a
  :class:`~restorekit.models.padding.PadPolicy`) and applied by the caller
  (:func:`restorekit.apis.deblur`, the data preprocessor, the ONNX runner). ``pad_mode='official'``
  (default) reproduces ``predict.py``: bottom/right to ``(s // 32 + 1) * 32`` -- always at least
  one extra 32-px block, 256 -> 288, 720×1280 -> 736×1312 -- filled with 0 on the [-1, 1] scale
  (mid grey, 0.5 on the [0, 1] input scale). ``'constant'`` / ``'reflect'`` / ``'replicate'``
  pad only to the next multiple of 32. Padded sides are at least the backbone's minimum (64
  MobileNet, 128 Inception). ``forward`` itself only aligns an unaligned input to the next
  multiple with the same fill (a no-op after the caller's padding), so a bare call never adds
  the official extra block;
* output ``clamp(tanh(final) + x, -1, 1)`` cropped back to ``H × W`` and mapped to [0, 1]:
  ``(B, 3, H, W)`` in [0, 1].

Layers (``F = num_filters``, ``Ff = num_filters_fpn``): encoder stages enc0..enc4 (strides
2..32), laterals 1×1 no bias (enc4..1 -> Ff, enc0 -> Ff/2), top-down ``td1..td3`` = conv3×3
(bias) + norm + ReLU on ``lateral + up2(previous)``, four heads (conv3×3 no bias + ReLU, ×2)
upsampled nearest ×8/×4/×2/×1 and concatenated, ``smooth`` (conv3×3 4F->F + norm + ReLU), up2,
``+ lateral0``, ``smooth2`` (conv3×3 F->F/2 + norm + ReLU), up2, ``final`` conv3×3 F/2->3.
Inception laterals are re-aligned with reflect pads: lat4, lat3, lat1 by 1; lat2 by
(left 1, right 2, top 1, bottom 2); lat0 by (0, 1, 0, 1) (applied after the 1×1 conv, which
is identical to padding before it).

Deliberate deviations (see ``docs/methods/deblurganv2.md``)
-----------------------------------------------------------
* InstanceNorm has no running statistics unless ``legacy_running_stats=True`` (needed only to
  load official checkpoints with their unused running-stat buffers).
* ``inference_norm='batch_stats'`` reproduces the official train-mode inference without
  touching running statistics and runs the images of a batch one at a time (per-image
  statistics for any batch size); ``'eval'`` is ordinary PyTorch eval behaviour.
* ``pad_mode`` other than ``'official'`` adds nothing when a side is already a multiple of 32.
* The backbone is trainable at construction (official freezes it); call
  :meth:`FPNGenerator.freeze_backbone` (the DeblurGAN-v2 method does, for its warm-up).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.modules.instancenorm import _InstanceNorm

from restorekit.models.layers import build_norm
from restorekit.registry import MODELS
from restorekit.utils.pretrained import load_pretrained_state_dict

from ..padding import PadPolicy, pad_to_policy
from .fpn_backbones import build_encoder

_DEFAULT_FILTERS = {"mobilenet_v2": (64, 128), "inception_resnet_v2": (128, 256)}
_PAD_MODES = ("official", "constant", "reflect", "replicate")


def _norm(norm: str, channels: int, legacy_running_stats: bool) -> nn.Module:
    return build_norm(norm, channels, running_stats=legacy_running_stats,
                      allowed=("instance", "batch"))


def _conv_norm_relu(cin: int, cout: int, norm: str, legacy: bool) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), _norm(norm, cout, legacy),
                         nn.ReLU(inplace=True))


class FPNHead(nn.Module):
    """Two conv3×3 (no bias) + ReLU: ``(B, num_in, h, w)`` -> ``(B, num_out, h, w)``."""

    def __init__(self, num_in: int, num_mid: int, num_out: int) -> None:
        super().__init__()
        self.block0 = nn.Conv2d(num_in, num_mid, 3, padding=1, bias=False)
        self.block1 = nn.Conv2d(num_mid, num_out, 3, padding=1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.block1(F.relu(self.block0(x))))


def _up(x: torch.Tensor, factor: int) -> torch.Tensor:
    return x if factor == 1 else F.interpolate(x, scale_factor=factor, mode="nearest")


@contextlib.contextmanager
def per_image_norm_statistics(module: nn.Module) -> Iterator[None]:
    """Within the block every BatchNorm / InstanceNorm in ``module`` normalises with the
    statistics of its input (as in train mode) and leaves running statistics untouched."""
    saved = []
    for m in module.modules():
        if isinstance(m, (_BatchNorm, _InstanceNorm)):
            saved.append((m, m.training, m.track_running_stats, m.running_mean, m.running_var))
            m.training, m.track_running_stats = True, False
            if m.running_mean is not None:
                m.running_mean, m.running_var = None, None
    try:
        yield
    finally:
        for m, training, track, mean, var in saved:
            m.training, m.track_running_stats = training, track
            if mean is not None:
                m.running_mean, m.running_var = mean, var


@MODELS.register_module()
class FPNGenerator(nn.Module):
    """DeblurGAN-v2 FPN generator; see the module docstring for layers, ranges, deviations.

    Args:
        backbone: ``'mobilenet_v2'`` (torchvision) or ``'inception_resnet_v2'`` (timm).
        num_filters: head width ``F`` (default 64 MobileNet, 128 Inception, as official).
        num_filters_fpn: pyramid width ``Ff`` (default 128 MobileNet, 256 Inception).
        norm: ``'instance'`` (InstanceNorm, no affine) or ``'batch'`` (BatchNorm, affine) in
            the top-down, smooth and smooth2 blocks.
        pretrained_backbone: ``None`` (random on purpose), ``'torchvision://mobilenet_v2'`` or
            a local file with an ImageNet state dict of the backbone network.
        inference_norm: ``'eval'`` (running statistics in eval mode) or ``'batch_stats'``
            (official train-mode inference: per-image statistics in every norm layer at eval).
        legacy_running_stats: give InstanceNorm running-stat buffers (official layout).
        pad_mode: ``'official'`` (``predict.py``: extra 32-px block, mid grey), ``'constant'``
            (mid grey, next multiple of 32 only), ``'reflect'`` or ``'replicate'``.
        frozen_backbone: freeze the backbone at construction (official behaviour).
    """

    size_divisor = 32

    def __init__(
        self,
        backbone: str = "mobilenet_v2",
        num_filters: int | None = None,
        num_filters_fpn: int | None = None,
        norm: str = "instance",
        pretrained_backbone: str | None = None,
        inference_norm: str = "eval",
        legacy_running_stats: bool = False,
        pad_mode: str = "official",
        frozen_backbone: bool = False,
    ) -> None:
        super().__init__()
        if backbone not in _DEFAULT_FILTERS:
            raise ValueError(f"FPNGenerator: backbone={backbone!r} is not one of "
                             f"{tuple(_DEFAULT_FILTERS)}")
        if pad_mode not in _PAD_MODES:
            raise ValueError(f"FPNGenerator: pad_mode={pad_mode!r} is not one of {_PAD_MODES}")
        f_default, ff_default = _DEFAULT_FILTERS[backbone]
        if num_filters is None and num_filters_fpn is None:
            num_filters, num_filters_fpn = f_default, ff_default
        nff = num_filters_fpn if num_filters_fpn is not None else 2 * num_filters
        nf = num_filters if num_filters is not None else nff // 2
        if nf != nff // 2:
            raise ValueError(f"FPNGenerator: num_filters ({nf}) must equal num_filters_fpn // 2 "
                             f"({nff // 2}): lateral0 (Ff/2 channels) is added to smooth (F).")
        self.backbone_name = backbone
        self.num_filters, self.num_filters_fpn = nf, nff
        self.norm, self.pad_mode = norm, pad_mode
        self.set_inference_norm(inference_norm)

        self.backbone = build_encoder(backbone)
        self.inception_pads = backbone == "inception_resnet_v2"
        c0, c1, c2, c3, c4 = self.backbone.channels
        self.lateral0 = nn.Conv2d(c0, nff // 2, 1, bias=False)
        self.lateral1 = nn.Conv2d(c1, nff, 1, bias=False)
        self.lateral2 = nn.Conv2d(c2, nff, 1, bias=False)
        self.lateral3 = nn.Conv2d(c3, nff, 1, bias=False)
        self.lateral4 = nn.Conv2d(c4, nff, 1, bias=False)
        self.td1 = _conv_norm_relu(nff, nff, norm, legacy_running_stats)
        self.td2 = _conv_norm_relu(nff, nff, norm, legacy_running_stats)
        self.td3 = _conv_norm_relu(nff, nff, norm, legacy_running_stats)
        self.head1 = FPNHead(nff, nf, nf)
        self.head2 = FPNHead(nff, nf, nf)
        self.head3 = FPNHead(nff, nf, nf)
        self.head4 = FPNHead(nff, nf, nf)
        self.smooth = _conv_norm_relu(4 * nf, nf, norm, legacy_running_stats)
        self.smooth2 = _conv_norm_relu(nf, nf // 2, norm, legacy_running_stats)
        self.final = nn.Conv2d(nf // 2, 3, 3, padding=1)

        self.backbone_load_report: dict[str, list[str]] | None = None
        if pretrained_backbone is not None:
            self.load_backbone_weights(pretrained_backbone)
        if frozen_backbone:
            self.freeze_backbone()

    # ------------------------------------------------------------------ backbone control
    def load_backbone_weights(self, spec: str) -> dict[str, list[str]]:
        """Load ImageNet backbone weights (``'torchvision://mobilenet_v2'`` or a local file).

        Missing backbone keys raise ``KeyError``; a missing file raises
        ``PretrainedWeightsNotFoundError`` naming it. Returns the load report.
        """
        sd = load_pretrained_state_dict(spec)
        self.backbone_load_report = self.backbone.load_backbone_state_dict(sd, source=repr(spec))
        return self.backbone_load_report

    def freeze_backbone(self) -> None:
        """Stop gradients into the backbone (``requires_grad=False``).

        As in the official code, a frozen backbone's BatchNorm layers still update their
        running statistics whenever the generator runs in train mode.
        """
        self.backbone.requires_grad_(False)

    def unfreeze_backbone(self) -> None:
        """Make every backbone parameter trainable again."""
        self.backbone.requires_grad_(True)

    @property
    def backbone_frozen(self) -> bool:
        """True when no backbone parameter requires a gradient."""
        return not any(p.requires_grad for p in self.backbone.parameters())

    # ------------------------------------------------------------------ norm policy
    def set_inference_norm(self, mode: str) -> None:
        """``'eval'``: norm layers follow ``.eval()`` as usual. ``'batch_stats'``: in eval mode
        every norm layer (backbone BatchNorm included) uses per-image statistics, exactly as
        the official model run in train mode at batch size 1, without updating buffers."""
        if mode not in ("eval", "batch_stats"):
            raise ValueError(f"FPNGenerator: inference_norm={mode!r} is not 'eval' or "
                             f"'batch_stats'")
        self.inference_norm = mode

    # ------------------------------------------------------------------ forward
    @property
    def padding(self) -> PadPolicy:
        """The padding policy callers apply (see the module docstring)."""
        mode = "constant" if self.pad_mode == "official" else self.pad_mode
        return PadPolicy(self.size_divisor, mode, value=0.5 if mode == "constant" else 0.0,
                         extra_block=self.pad_mode == "official",
                         min_size=self.backbone.min_size)

    def _fpn(self, x: torch.Tensor) -> list[torch.Tensor]:
        enc0, enc1, enc2, enc3, enc4 = self.backbone(x)
        lat4, lat3 = self.lateral4(enc4), self.lateral3(enc3)
        lat2, lat1, lat0 = self.lateral2(enc2), self.lateral1(enc1), self.lateral0(enc0)
        if self.inception_pads:
            lat4, lat3, lat1 = (F.pad(t, (1, 1, 1, 1), mode="reflect") for t in (lat4, lat3, lat1))
            lat2 = F.pad(lat2, (1, 2, 1, 2), mode="reflect")
            lat0 = F.pad(lat0, (0, 1, 0, 1), mode="reflect")
        map4 = lat4
        map3 = self.td1(lat3 + _up(map4, 2))
        map2 = self.td2(lat2 + _up(map3, 2))
        map1 = self.td3(lat1 + _up(map2, 2))
        return [lat0, map1, map2, map3, map4]

    def forward_normalized(self, x: torch.Tensor) -> torch.Tensor:
        """Official network on a [-1, 1] input whose sides are valid multiples of 32."""
        map0, map1, map2, map3, map4 = self._fpn(x)
        heads = [_up(self.head4(map4), 8), _up(self.head3(map3), 4),
                 _up(self.head2(map2), 2), self.head1(map1)]
        y = _up(self.smooth(torch.cat(heads, dim=1)), 2)
        y = _up(self.smooth2(y + map0), 2)
        return torch.clamp(torch.tanh(self.final(y)) + x, -1.0, 1.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, 3, H, W)`` in [0, 1] -> restored ``(B, 3, H, W)`` in [0, 1]."""
        if x.dim() != 4 or x.shape[1] != 3:
            raise ValueError(f"FPNGenerator expects (B, 3, H, W) RGB in [0, 1], got "
                             f"{tuple(x.shape)}")
        h, w = x.shape[-2:]
        xp = pad_to_policy(x, self.padding, inference=False) * 2.0 - 1.0
        if not self.training and self.inference_norm == "batch_stats":
            with per_image_norm_statistics(self):
                y = torch.cat([self.forward_normalized(xi) for xi in xp.split(1)], dim=0)
        else:
            y = self.forward_normalized(xp)
        return (y[..., :h, :w] + 1.0) * 0.5
