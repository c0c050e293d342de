"""The official checkpoint layouts restorekit recognises without a config (spandrel-style).

Each :class:`Layout` has

* a **signature**: anchor keys that must all be in the file's state dict (``module.``
  stripped) and a key pattern that describes the family (used to name the closest layout
  when nothing matches);
* an **architecture inference** reading the generator's hyper-parameters off tensor shapes
  and key counts (the converters' ``infer_*_config`` functions), giving a restorekit
  generator config and the data preprocessor that reproduces the official inference padding;
* a **converter** renaming the official keys onto the generator built from that config
  (the same functions ``tools/converters/*.py`` use, with their strict reports).

Layouts (``reference/methods.md``; ``docs/model_zoo.md`` lists the files):

==================  ==========================================  =============================
name                file                                         generator
==================  ==========================================  =============================
``dbgan``           DBGAN ``G.pth`` (bare state dict)            ``RRDBNet`` (nf, nb, gc read)
``deblurganv2``     DeblurGAN-v2 ``fpn_mobilenet.h5`` /          ``FPNGenerator`` (backbone,
                    ``fpn_inception.h5`` (``{'model': sd}``)     widths, norm read; official
                                                                 train-mode norm inference)
``mimo_unet``       MIMO-UNet / MIMO-UNet+ ``{'model': sd}``     ``MIMOUNet`` (width, blocks)
                    (also Blur2Blur's bare ``net_G``)
``nafnet``          NAFNet ``{'params': sd}`` (width32/64)       ``NAFNet`` (width, blocks;
                                                                 zero padding to 16)
==================  ==========================================  =============================
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import torch

from restorekit.models.generators.fpn_checkpoint import (
    convert_official_fpn_state_dict,
    infer_fpn_config,
)
from restorekit.models.generators.mimo_checkpoint import (
    convert_official_mimo_state_dict,
    infer_mimo_config,
)
from restorekit.models.generators.nafnet_checkpoint import (
    convert_official_nafnet_state_dict,
    infer_nafnet_config,
)
from restorekit.models.generators.rrdb_checkpoint import convert_official_dbgan_state_dict

StateDict = dict[str, torch.Tensor]
#: ``(official, target) -> (converted, problems)``; ``problems`` empty when the file fills
#: the target exactly
Converter = Callable[[StateDict, StateDict], tuple[StateDict, list[str]]]


@dataclass(frozen=True)
class Layout:
    """One official checkpoint layout (see the module docstring)."""

    name: str
    description: str
    anchors: tuple[str, ...]
    key_pattern: re.Pattern
    infer: Callable[[StateDict], dict]  # -> {'generator': cfg, 'data_preprocessor': cfg}
    convert: Converter

    def matches(self, keys: set[str]) -> bool:
        """All anchor keys are present."""
        return all(anchor in keys for anchor in self.anchors)

    def similarity(self, keys: set[str]) -> float:
        """Fraction of ``keys`` that look like this layout's keys (0..1)."""
        return sum(bool(self.key_pattern.match(k)) for k in keys) / max(len(keys), 1)


def _report_problems(report) -> list[str]:
    """Problems of a :class:`ConversionReport` as readable lines."""
    return ([f"unexpected key {k}" for k in report.unexpected]
            + [f"missing key {k}" for k in report.missing]
            + [f"shape mismatch {k}" for k in report.shape_mismatch])


def _count(keys, pattern: str) -> int:
    found = {int(m.group(1)) for k in keys if (m := re.match(pattern, k))}
    return max(found) + 1 if found else 0


def _preprocessor(pad_mode: str = "reflect") -> dict:
    return dict(type="DeblurDataPreprocessor", pad_size_divisor=1, pad_mode=pad_mode)


# ---------------------------------------------------------------- DBGAN (RRDBNet)
def infer_dbgan(sd: StateDict) -> dict:
    """RRDBNet arguments of an official DBGAN ``G.pth`` (``model.0`` = fea_conv,
    ``model.1.sub1.<i>.RDB<j>.conv<k>.0`` = the trunk, ``model.4`` = HR_conv1)."""
    first, last = sd["model.0.weight"], sd["model.4.weight"]
    generator = dict(type="RRDBNet", in_channels=int(first.shape[1]),
                     out_channels=int(last.shape[0]), mid_channels=int(first.shape[0]),
                     num_blocks=_count(sd, r"^model\.1\.sub1\.(\d+)\.RDB"),
                     growth_channels=int(sd["model.1.sub1.0.RDB1.conv1.0.weight"].shape[0]))
    return dict(generator=generator, data_preprocessor=_preprocessor())  # stride 1: no padding


def convert_dbgan(sd: StateDict, target: StateDict) -> tuple[StateDict, list[str]]:
    converted, report = convert_official_dbgan_state_dict(sd, target)
    return converted, _report_problems(report)


# ---------------------------------------------------------------- DeblurGAN-v2 (FPN)
def _fpn_backbone(sd: StateDict) -> str:
    return "inception_resnet_v2" if any(k.startswith("fpn.inception.") for k in sd) \
        else "mobilenet_v2"


def infer_deblurganv2(sd: StateDict) -> dict:
    """FPNGenerator arguments of an official ``fpn_*.h5`` generator: backbone from the key
    family, widths and norm from shapes; ``inference_norm='batch_stats'`` because the official
    ``predict.py`` runs the network in train mode; no ImageNet initialisation (the file holds
    the backbone)."""
    generator = dict(type="FPNGenerator", **infer_fpn_config(sd, _fpn_backbone(sd)),
                     pretrained_backbone=None, inference_norm="batch_stats")
    return dict(generator=generator, data_preprocessor=_preprocessor())


def convert_deblurganv2(sd: StateDict, target: StateDict) -> tuple[StateDict, list[str]]:
    converted, report = convert_official_fpn_state_dict(sd, _fpn_backbone(sd), list(target))
    problems = ([f"unexpected key {k}" for k in report["unexpected"]]
                + [f"missing key {k}" for k in report["missing"]]
                + [f"alias mismatch {k}" for k in report["alias_mismatch"]]
                + [f"shape mismatch {k}" for k, v in converted.items()
                   if k in target and v.shape != target[k].shape])
    return converted, problems


# ---------------------------------------------------------------- MIMO-UNet / MIMO-UNet+
def infer_mimo(sd: StateDict) -> dict:
    """MIMOUNet arguments (8 blocks per stage = MIMO-UNet, 20 = MIMO-UNet+)."""
    generator = dict(type="MIMOUNet", **infer_mimo_config(sd))
    return dict(generator=generator, data_preprocessor=_preprocessor())  # padded to 4 outside


def convert_mimo(sd: StateDict, target: StateDict) -> tuple[StateDict, list[str]]:
    converted, report = convert_official_mimo_state_dict(sd, target)
    return converted, _report_problems(report)


# ---------------------------------------------------------------- NAFNet
def infer_nafnet(sd: StateDict) -> dict:
    """NAFNet arguments; zero padding bottom/right to 16 (official ``check_image_size``),
    done identically inside the generator and by the data preprocessor."""
    generator = dict(type="NAFNet", **infer_nafnet_config(sd), pad_mode="constant")
    return dict(generator=generator, data_preprocessor=_preprocessor("constant"))


def convert_nafnet(sd: StateDict, target: StateDict) -> tuple[StateDict, list[str]]:
    converted, report = convert_official_nafnet_state_dict(sd, target)
    return converted, _report_problems(report)


LAYOUTS: tuple[Layout, ...] = (
    Layout("dbgan", "DBGAN G.pth (HDCVLab/Deblurring-by-Realistic-Blurring; RRDB, "
           "model.0 / model.1.sub1.* keys)",
           ("model.0.weight", "model.1.sub1.0.RDB1.conv1.0.weight", "model.4.weight"),
           re.compile(r"^model\.\d+\."), infer_dbgan, convert_dbgan),
    Layout("deblurganv2", "DeblurGAN-v2 fpn_mobilenet.h5 / fpn_inception.h5 "
           "(VITA-Group/DeblurGANv2; {'model': ...}, fpn.* keys)",
           ("fpn.lateral4.weight", "head1.block0.weight", "final.weight"),
           re.compile(r"^(fpn|head\d|smooth2?|final)\."), infer_deblurganv2, convert_deblurganv2),
    Layout("mimo_unet", "MIMO-UNet / MIMO-UNet+ (chosj95/MIMO-UNet; {'model': ...}, "
           "feat_extract.* / Encoder.* keys)",
           ("feat_extract.0.main.0.weight", "Encoder.0.layers.0.main.0.main.0.weight"),
           re.compile(r"^(feat_extract|Encoder|Decoder|Convs|ConvsOut|AFFs|FAM\d|SCM\d)\."),
           infer_mimo, convert_mimo),
    Layout("nafnet", "NAFNet width32 / width64 (megvii-research/NAFNet; {'params': ...}, "
           "intro / encoders / middle_blks keys)",
           ("intro.weight", "ending.weight", "middle_blks.0.conv1.weight"),
           re.compile(r"^(intro|ending|encoders|decoders|middle_blks|downs|ups)\."),
           infer_nafnet, convert_nafnet),
)
