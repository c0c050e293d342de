"""Official DeblurGAN-v2 generator checkpoints -> :class:`FPNGenerator` state dicts.

Reference: ``reference/methods.md`` §3.3. ``fpn_mobilenet.h5`` / ``fpn_inception.h5`` hold
``{'model': state_dict}`` of an ``nn.DataParallel`` generator:

* every key starts with ``module.``;
* the backbone is stored twice: the full network (``fpn.features.{0..18}`` for MobileNetV2,
  ``fpn.inception.*`` for Inception-ResNet-v2, including modules the FPN never uses) and the
  stage aliases ``fpn.enc{0..4}.*`` that share the same tensors;
* InstanceNorm layers carry (unused) ``running_mean / running_var / num_batches_tracked``.

Mapping (official -> restorekit)::

    fpn.lateral{k}.*  -> lateral{k}.*         fpn.td{k}.*      -> td{k}.*
    head{k}.*, smooth.*, smooth2.*, final.*   unchanged
    MobileNetV2: fpn.features.{i}.*  (i < 16) -> backbone.features.{i}.*  with DeblurGAN-v2's
                 flat InvertedResidual indices renamed to torchvision's (fpn_backbones.py);
                 fpn.enc{s}.{j}.* is the alias of features.{start(s) + j}
    Inception:   fpn.inception.{name}.*       -> backbone.{name}.*  (timm == pretrainedmodels
                 names); fpn.enc{s}.{j}.* is the alias of the j-th module of stage s

The ``fpn.features`` / ``fpn.inception`` family is kept; every alias tensor is compared with it
(``report['alias_mismatch']``). Unused backbone modules and, unless the target model has them,
InstanceNorm running statistics are dropped on purpose (``report['dropped']``). Everything else
that does not map is ``report['unexpected']``; target keys left unset are ``report['missing']``
(absent BatchNorm ``num_batches_tracked`` counters are filled with 0 and listed in
``report['filled']``).
"""

from __future__ import annotations

import re

import torch

from restorekit.utils.state_dict import strip_prefix_each

from .fpn_backbones import INCEPTION_STAGES, MBV2_T1, MBV2_T6, MOBILENET_STAGES

__all__ = ["build_target_generator", "convert_official_fpn_state_dict", "infer_fpn_config"]

_HEAD_PREFIXES = ("head1.", "head2.", "head3.", "head4.", "smooth.", "smooth2.", "final.")
_NORM_STATS = ("running_mean", "running_var", "num_batches_tracked")


def _mobilenet_alias(stage: int, index: int) -> int:
    return MOBILENET_STAGES[stage][0] + index


def _mobilenet_block(block: int, rest: str) -> str | None:
    """Rename one DeblurGAN-v2 MobileNetV2 ``features.{block}.<rest>`` key; None = unused."""
    if block >= MOBILENET_STAGES[-1][1]:
        return None
    m = re.match(r"^conv\.(\d+)\.(.+)$", rest)
    if m is not None:
        table = MBV2_T1 if block == 1 else MBV2_T6
        if m.group(1) not in table:
            return "?"
        rest = f"conv.{table[m.group(1)]}.{m.group(2)}"
    return f"backbone.features.{block}.{rest}"


def _map_backbone(key: str, backbone: str) -> tuple[str | None, bool]:
    """``fpn.*`` backbone key -> (target key or None if unused or '?' if unknown, is_alias)."""
    m = re.match(r"^fpn\.enc(\d)\.(.+)$", key)
    if backbone == "mobilenet_v2":
        if m is not None:
            mm = re.match(r"^(\d+)\.(.+)$", m.group(2))
            if mm is None or int(m.group(1)) > 4:
                return "?", True
            block = _mobilenet_alias(int(m.group(1)), int(mm.group(1)))
            return _mobilenet_block(block, mm.group(2)), True
        mm = re.match(r"^fpn\.features\.(\d+)\.(.+)$", key)
        if mm is None:
            return "?", False
        return _mobilenet_block(int(mm.group(1)), mm.group(2)), False
    if m is not None:  # inception alias: enc0 is the bare module, enc1..4 Sequentials
        stage, rest = int(m.group(1)), m.group(2)
        if stage > 4:
            return "?", True
        names = INCEPTION_STAGES[stage]
        if stage == 0:
            return f"backbone.{names[0]}.{rest}", True
        mm = re.match(r"^(\d+)\.(.+)$", rest)
        if mm is None or int(mm.group(1)) >= len(names):
            return "?", True
        return f"backbone.{names[int(mm.group(1))]}.{mm.group(2)}", True
    mm = re.match(r"^fpn\.inception\.([A-Za-z0-9_]+)\.(.+)$", key)
    if mm is None:
        return "?", False
    used = {n for names in INCEPTION_STAGES for n in names}
    if mm.group(1) not in used:
        return None, False
    return f"backbone.{mm.group(1)}.{mm.group(2)}", False


def infer_fpn_config(sd: dict[str, torch.Tensor], backbone: str) -> dict:
    """FPNGenerator kwargs (filters, norm) read off an official (``module.``-stripped) dict."""
    nff = sd["fpn.lateral4.weight"].shape[0]
    nf = sd["head1.block0.weight"].shape[0]
    norm = "batch" if "fpn.td1.1.weight" in sd else "instance"
    return {"backbone": backbone, "num_filters": nf, "num_filters_fpn": nff, "norm": norm}


def build_target_generator(sd: dict[str, torch.Tensor], backbone: str,
                           keep_instance_norm_stats: bool = False):
    """A randomly initialised :class:`FPNGenerator` matching an official state dict."""
    from .fpn_generator import FPNGenerator

    cfg = infer_fpn_config(strip_prefix_each(sd), backbone)
    return FPNGenerator(**cfg, legacy_running_stats=keep_instance_norm_stats)


def convert_official_fpn_state_dict(
    sd: dict[str, torch.Tensor],
    backbone: str,
    target_keys: list[str] | None = None,
    keep_instance_norm_stats: bool = False,
) -> tuple[dict[str, torch.Tensor], dict[str, list[str]]]:
    """Map an official DeblurGAN-v2 generator state dict to FPNGenerator names.

    Args:
        sd: the official ``state_dict`` (the ``'model'`` entry of the ``.h5`` file).
        backbone: ``'mobilenet_v2'`` or ``'inception_resnet_v2'``.
        target_keys: state-dict keys of the target FPNGenerator; default: built from ``sd``.
        keep_instance_norm_stats: keep InstanceNorm running statistics (target built with
            ``legacy_running_stats=True``); by default they are dropped.

    Returns:
        ``(new_sd, report)`` with report lists ``unexpected`` (source keys not mapped),
        ``missing`` (target keys not provided), ``alias_mismatch``, ``dropped``, ``filled``.
    """
    if backbone not in ("mobilenet_v2", "inception_resnet_v2"):
        raise ValueError(f"backbone {backbone!r} is not 'mobilenet_v2' or 'inception_resnet_v2'")
    src = strip_prefix_each(sd)
    if target_keys is None:
        target_keys = list(build_target_generator(src, backbone, keep_instance_norm_stats)
                           .state_dict())
    targets = set(target_keys)
    report: dict[str, list[str]] = {k: [] for k in
                                    ("unexpected", "missing", "alias_mismatch", "dropped",
                                     "filled")}
    out: dict[str, torch.Tensor] = {}
    aliases: list[tuple[str, str]] = []
    for key, value in src.items():
        if key.startswith(("fpn.lateral", "fpn.td")):
            new, is_alias = key[len("fpn."):], False
        elif key.startswith(_HEAD_PREFIXES):
            new, is_alias = key, False
        elif key.startswith("fpn."):
            new, is_alias = _map_backbone(key, backbone)
        else:
            new, is_alias = "?", False
        if new is None:
            report["dropped"].append(f"{key} (backbone module the FPN does not use)")
        elif new in targets:
            if is_alias:
                aliases.append((key, new))
            else:
                out[new] = value
        elif (not new.startswith("backbone.") and new.rsplit(".", 1)[-1] in _NORM_STATS
              and not keep_instance_norm_stats):
            report["dropped"].append(f"{key} (InstanceNorm running statistic, unused)")
        else:
            report["unexpected"].append(key)
    for key, new in aliases:
        if new not in out:  # only the alias family has it: take it
            out[new] = src[key]
        elif out[new].shape != src[key].shape or not torch.equal(out[new], src[key]):
            report["alias_mismatch"].append(f"{key} != {new}")
    for key in target_keys:
        if key in out:
            continue
        if key.endswith("num_batches_tracked") and key.startswith("backbone."):
            out[key] = torch.tensor(0, dtype=torch.long)
            report["filled"].append(key)
        else:
            report["missing"].append(key)
    return out, report
