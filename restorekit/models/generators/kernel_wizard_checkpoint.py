"""Official BKSE KernelWizard weights (``GOPRO_woVAE.pth``) -> :class:`KernelWizard`, strictly.

The official file (BKSE model zoo; Blur2Blur expects it at
``options/generate_blur/GOPRO_woVAE.pth``) is a bare ``state_dict`` of BKSE's ``KernelWizard``.
:class:`KernelWizard` keeps the official module layout, so the key names are identical::

    feature_extractor.{0,2,4}.{weight,bias}          3x3 convs (stride 1, 2, 2)
    feature_extractor.{6..15}.conv{1,2}.{weight,bias} 10 ResidualBlock_noBN
    kernel_extractor.model.{1,4,7,10,13,16}.weight   F's 7x7 conv and five stride-2 convs
    kernel_extractor.model.{19..22}.conv_block.{1,5}.weight   F's 4 ResNet blocks
    adapter.model.down.0.weight, adapter.model.up.1.{weight,bias}     outermost U-Net level
    adapter.model(.submodule){1..4}.down.1.weight, ...up.1.weight      inner levels (no bias)
    recon_trunk.{0..19}.conv{1,2}.{weight,bias}      20 ResidualBlock_noBN
    recon_trunk.{20,23,26,28}.{weight,bias}          upsampling / output convs

(159 tensors at the official size). A leading ``module.`` (DataParallel) is stripped; anything
else that differs is reported, never silently skipped.
"""

from __future__ import annotations

import os
import re

import torch
import torch.nn as nn

from .rrdb_checkpoint import ConversionReport

BKSE_HINT = ("Download GOPRO_woVAE.pth from the BKSE model zoo "
             "(VinAIResearch/blur-kernel-space-exploring) and pass its local path.")


def convert_official_kernel_wizard_state_dict(
    official: dict[str, torch.Tensor], target: dict[str, torch.Tensor]
) -> tuple[dict[str, torch.Tensor], ConversionReport]:
    """Check an official KernelWizard state dict against ``target`` key by key.

    Args:
        official: the official state dict (``module.`` prefixes are stripped).
        target: ``KernelWizard(...).state_dict()`` of the architecture to load into.

    Returns:
        The (renamed) state dict and a report of unexpected / missing / mis-shaped keys.
    """
    report = ConversionReport()
    converted: dict[str, torch.Tensor] = {}
    for key, value in official.items():
        name = key[len("module."):] if key.startswith("module.") else key
        if name not in target:
            report.unexpected.append(key)
        elif target[name].shape != value.shape:
            report.shape_mismatch.append(
                f"{key}: {tuple(value.shape)} vs {tuple(target[name].shape)}")
        else:
            converted[name] = value
    report.converted = len(converted)
    report.missing = sorted(set(target) - set(converted))
    return converted, report


def infer_kernel_wizard_config(official: dict[str, torch.Tensor]) -> dict:
    """KernelWizard constructor arguments read from an official state dict's shapes."""
    sd = {k.removeprefix("module."): v for k, v in official.items()}
    if "feature_extractor.0.weight" not in sd or "kernel_extractor.model.1.weight" not in sd:
        raise KeyError("not a KernelWizard state dict: feature_extractor.0.weight / "
                       "kernel_extractor.model.1.weight missing")

    def count(pattern: str) -> int:
        return len({m.group(1) for k in sd if (m := re.match(pattern, k))})

    return dict(
        in_channels=int(sd["feature_extractor.0.weight"].shape[1]),
        nf=int(sd["feature_extractor.0.weight"].shape[0]),
        front_blocks=count(r"^feature_extractor\.(\d+)\.conv1\."),
        back_blocks=count(r"^recon_trunk\.(\d+)\.conv1\."),
        kernel_dim=int(sd["kernel_extractor.model.16.weight"].shape[0]),
        extractor_blocks=count(r"^kernel_extractor\.model\.(\d+)\.conv_block\."),
    )


def load_kernel_wizard_weights(model: nn.Module, path: str) -> ConversionReport:
    """Load an official (or restorekit raw) KernelWizard file into ``model``, strictly.

    Raises:
        FileNotFoundError: ``path`` does not exist (names it and where to get it).
        ValueError: any unexpected, missing or mis-shaped key (lists them).
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f"KernelWizard weights '{path}' not found. {BKSE_HINT}")
    obj = torch.load(path, map_location="cpu", weights_only=True)
    if isinstance(obj, dict) and isinstance(obj.get("state_dict"), dict):
        obj = obj["state_dict"]
    converted, report = convert_official_kernel_wizard_state_dict(obj, model.state_dict())
    if not report.ok:
        raise ValueError(f"KernelWizard weights '{path}' do not match the model:\n{report}\n"
                         "Build the model with the file's sizes (see infer_kernel_wizard_config).")
    model.load_state_dict(converted, strict=True)
    return report


__all__ = [
    "BKSE_HINT",
    "convert_official_kernel_wizard_state_dict",
    "infer_kernel_wizard_config",
    "load_kernel_wizard_weights",
]
