"""Map the official DBGAN ``G.pth`` (HDC ``B.sequential`` flattening) onto :class:`RRDBNet`.

Official layout (reference/methods.md §1.2): ``model.0`` fea_conv,
``model.1.sub1.<i>.RDB<j>.conv<k>.0`` the RRDB trunk, ``model.1.sub2.0`` LR_conv,
``model.2`` HR_conv0 (``model.3`` is its LeakyReLU), ``model.4`` HR_conv1.
"""

from __future__ import annotations

import re

import torch

from .checkpoint_report import ConversionReport

__all__ = ["ConversionReport", "convert_official_dbgan_state_dict"]

_RULES = [
    (re.compile(r"^model\.0\.(weight|bias)$"), r"conv_first.\1"),
    (
        re.compile(r"^model\.1\.sub1\.(\d+)\.RDB([123])\.conv([1-5])\.0\.(weight|bias)$"),
        r"body.\1.rdb\2.conv\3.\4",
    ),
    (re.compile(r"^model\.1\.sub2\.0\.(weight|bias)$"), r"conv_body.\1"),
    (re.compile(r"^model\.2\.(weight|bias)$"), r"conv_hr.\1"),
    (re.compile(r"^model\.4\.(weight|bias)$"), r"conv_last.\1"),
]


def convert_official_dbgan_state_dict(
    official: dict[str, torch.Tensor], target: dict[str, torch.Tensor]
) -> tuple[dict[str, torch.Tensor], ConversionReport]:
    """Rename official DBGAN keys to :class:`RRDBNet` keys and compare with ``target``.

    Args:
        official: the official state dict (a leading ``module.`` is stripped).
        target: ``RRDBNet(...).state_dict()`` of the architecture to load into.

    Returns:
        The renamed state dict and a report of unexpected / missing / mis-shaped keys.
    """
    report = ConversionReport()
    converted: dict[str, torch.Tensor] = {}
    for key, value in official.items():
        key = key.removeprefix("module.")
        for pattern, replacement in _RULES:
            if pattern.match(key):
                new_key = pattern.sub(replacement, key)
                break
        else:
            report.unexpected.append(key)
            continue
        if new_key not in target:
            report.unexpected.append(key)
        elif target[new_key].shape != value.shape:
            report.shape_mismatch.append(
                f"{key} -> {new_key}: {tuple(value.shape)} vs {tuple(target[new_key].shape)}"
            )
        else:
            converted[new_key] = value
    report.converted = len(converted)
    report.missing = sorted(set(target) - set(converted))
    return converted, report
