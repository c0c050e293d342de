"""Map official MIMO-UNet / MIMO-UNet+ checkpoints onto :class:`MIMOUNet` (strict key report).

Official layout (``reference/methods.md`` §4.2; chosj95/MIMO-UNet stores ``{'model': sd}``,
Blur2Blur's ``<epoch>_net_G.pth`` is the bare state dict)::

    official                                   restorekit
    feat_extract.0.main.0.*                    head.0.*
    feat_extract.1.main.0.*                    enc_down2.0.*
    feat_extract.2.main.0.*                    enc_down4.0.*
    feat_extract.3.main.0.*   (ConvT)          dec_up2.0.*
    feat_extract.4.main.0.*   (ConvT)          dec_up1.0.*
    feat_extract.5.main.0.*                    out1.*
    Encoder.{s}.layers.{i}.main.{0,1}.main.0.* encoders.{s}.{i}.conv{1,2}.*
    Decoder.{s}.layers.{i}.main.{0,1}.main.0.* decoders.{s}.{i}.conv{1,2}.*
    Convs.{0,1}.main.0.*                       dec_fuse{2,1}.0.*
    ConvsOut.{0,1}.main.0.*                    out{4,2}.*
    AFFs.{0,1}.conv.0.main.0.*                 aff{1,2}.conv1.0.*
    AFFs.{0,1}.conv.1.main.0.*                 aff{1,2}.conv2.*
    FAM{1,2}.merge.main.0.*                    fam{4,2}.conv.*
    SCM{1,2}.main.{j}.main.0.*                 scm{4,2}.body.{j}.0.*
    SCM{1,2}.conv.main.0.*                     scm{4,2}.fuse.*

(official ``FAM1`` / ``SCM1`` work at 1/4 scale, ``FAM2`` / ``SCM2`` at 1/2). A leading
``module.`` (DataParallel) is stripped.
"""

from __future__ import annotations

import re

import torch

from .rrdb_checkpoint import ConversionReport

_P = r"\.(weight|bias)$"
_RULES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^feat_extract\.0\.main\.0" + _P), r"head.0.\1"),
    (re.compile(r"^feat_extract\.1\.main\.0" + _P), r"enc_down2.0.\1"),
    (re.compile(r"^feat_extract\.2\.main\.0" + _P), r"enc_down4.0.\1"),
    (re.compile(r"^feat_extract\.3\.main\.0" + _P), r"dec_up2.0.\1"),
    (re.compile(r"^feat_extract\.4\.main\.0" + _P), r"dec_up1.0.\1"),
    (re.compile(r"^feat_extract\.5\.main\.0" + _P), r"out1.\1"),
    (re.compile(r"^Encoder\.([0-2])\.layers\.(\d+)\.main\.0\.main\.0" + _P),
     r"encoders.\1.\2.conv1.\3"),
    (re.compile(r"^Encoder\.([0-2])\.layers\.(\d+)\.main\.1\.main\.0" + _P),
     r"encoders.\1.\2.conv2.\3"),
    (re.compile(r"^Decoder\.([0-2])\.layers\.(\d+)\.main\.0\.main\.0" + _P),
     r"decoders.\1.\2.conv1.\3"),
    (re.compile(r"^Decoder\.([0-2])\.layers\.(\d+)\.main\.1\.main\.0" + _P),
     r"decoders.\1.\2.conv2.\3"),
    (re.compile(r"^Convs\.0\.main\.0" + _P), r"dec_fuse2.0.\1"),
    (re.compile(r"^Convs\.1\.main\.0" + _P), r"dec_fuse1.0.\1"),
    (re.compile(r"^ConvsOut\.0\.main\.0" + _P), r"out4.\1"),
    (re.compile(r"^ConvsOut\.1\.main\.0" + _P), r"out2.\1"),
    (re.compile(r"^AFFs\.0\.conv\.0\.main\.0" + _P), r"aff1.conv1.0.\1"),
    (re.compile(r"^AFFs\.0\.conv\.1\.main\.0" + _P), r"aff1.conv2.\1"),
    (re.compile(r"^AFFs\.1\.conv\.0\.main\.0" + _P), r"aff2.conv1.0.\1"),
    (re.compile(r"^AFFs\.1\.conv\.1\.main\.0" + _P), r"aff2.conv2.\1"),
    (re.compile(r"^FAM1\.merge\.main\.0" + _P), r"fam4.conv.\1"),
    (re.compile(r"^FAM2\.merge\.main\.0" + _P), r"fam2.conv.\1"),
    (re.compile(r"^SCM1\.main\.([0-3])\.main\.0" + _P), r"scm4.body.\1.0.\2"),
    (re.compile(r"^SCM2\.main\.([0-3])\.main\.0" + _P), r"scm2.body.\1.0.\2"),
    (re.compile(r"^SCM1\.conv\.main\.0" + _P), r"scm4.fuse.\1"),
    (re.compile(r"^SCM2\.conv\.main\.0" + _P), r"scm2.fuse.\1"),
]


def official_to_restorekit_key(key: str) -> str | None:
    """The :class:`MIMOUNet` name of one official key (``module.`` stripped); None if unknown."""
    key = key[len("module."):] if key.startswith("module.") else key
    for pattern, replacement in _RULES:
        if pattern.match(key):
            return pattern.sub(replacement, key)
    return None


def unwrap_official_checkpoint(obj: object) -> dict[str, torch.Tensor]:
    """The state dict inside an official file: ``{'model': sd}`` (MIMO), ``{'state_dict': sd}``
    or a bare state dict (Blur2Blur ``net_G``). Raises ``TypeError`` for anything else."""
    if isinstance(obj, dict):
        for wrapper in ("model", "state_dict"):
            if isinstance(obj.get(wrapper), dict):
                return obj[wrapper]
        if all(isinstance(v, torch.Tensor) for v in obj.values()):
            return obj
    raise TypeError("not a MIMO-UNet checkpoint: expected {'model': state_dict} or a state dict "
                    f"of tensors, got {type(obj).__name__}")


def convert_official_mimo_state_dict(
    official: dict[str, torch.Tensor], target: dict[str, torch.Tensor]
) -> tuple[dict[str, torch.Tensor], ConversionReport]:
    """Rename official MIMO-UNet keys and compare them with ``target``.

    Args:
        official: the official state dict (unwrapped, see :func:`unwrap_official_checkpoint`).
        target: ``MIMOUNet(...).state_dict()`` of the architecture to load into.

    Returns:
        The renamed state dict and a :class:`ConversionReport` listing unexpected (official
        keys with no target), missing (target keys not filled) and mis-shaped keys; load only
        when ``report.ok``.
    """
    report = ConversionReport()
    converted: dict[str, torch.Tensor] = {}
    for key, value in official.items():
        new_key = official_to_restorekit_key(key)
        if new_key is None or new_key not in target:
            report.unexpected.append(key)
        elif target[new_key].shape != value.shape:
            report.shape_mismatch.append(
                f"{key} -> {new_key}: {tuple(value.shape)} vs {tuple(target[new_key].shape)}")
        else:
            converted[new_key] = value
    report.converted = len(converted)
    report.missing = sorted(set(target) - set(converted))
    return converted, report


def infer_mimo_config(official: dict[str, torch.Tensor]) -> dict:
    """``dict(base_channels=..., num_blocks=...)`` read from an official state dict's shapes."""
    keys = [k.removeprefix("module.") for k in official]
    head = official.get("feat_extract.0.main.0.weight",
                        official.get("module.feat_extract.0.main.0.weight"))
    if head is None:
        raise KeyError("feat_extract.0.main.0.weight not found: not a MIMO-UNet state dict")
    blocks = {int(m.group(1)) for k in keys if (m := re.match(r"^Encoder\.0\.layers\.(\d+)\.", k))}
    return dict(base_channels=int(head.shape[0]), num_blocks=len(blocks))


__all__ = [
    "convert_official_mimo_state_dict",
    "infer_mimo_config",
    "official_to_restorekit_key",
    "unwrap_official_checkpoint",
]
