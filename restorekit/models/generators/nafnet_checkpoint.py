"""Official NAFNet checkpoints (megvii-research/NAFNet) -> :class:`NAFNet` state dicts.

Official files are BasicSR checkpoints: ``{'params': state_dict}`` (``params_ema`` when EMA was
used; ``reference/toolkits.md``), keys of ``basicsr/models/archs/NAFNet_arch.py``, possibly with
a DataParallel ``module.`` prefix. ``NAFNetLocal`` (TLSC) has the same keys as ``NAFNet``.

Mapping (official -> restorekit)::

    intro.*                    -> conv_first.*
    ending.*                   -> conv_last.*
    middle_blks.{j}.<block>    -> middle.{j}.<block>
    encoders.{i}.{j}.<block>, decoders.{i}.{j}.<block>, downs.{i}.*, ups.{i}.0.weight: same
    <block>: conv1 -> expand, conv2 -> dwconv, conv3 -> project, sca.1 -> sca.conv,
             conv4 -> ffn_expand, conv5 -> ffn_project; norm1, norm2, beta, gamma unchanged
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import torch

from .checkpoint_report import ConversionReport

__all__ = ["convert_official_nafnet_state_dict", "infer_nafnet_config",
           "official_state_dict"]

_BLOCK = {"conv1": "expand", "conv2": "dwconv", "conv3": "project", "sca.1": "sca.conv",
          "conv4": "ffn_expand", "conv5": "ffn_project", "norm1": "norm1", "norm2": "norm2"}
_BLOCK_RE = re.compile(
    r"^(encoders\.\d+|decoders\.\d+|middle_blks)\.(\d+)\."
    r"(?:(conv[1-5]|sca\.1|norm[12])\.(weight|bias)|(beta|gamma))$")
_PLAIN = [
    (re.compile(r"^intro\.(weight|bias)$"), r"conv_first.\1"),
    (re.compile(r"^ending\.(weight|bias)$"), r"conv_last.\1"),
    (re.compile(r"^downs\.(\d+)\.(weight|bias)$"), r"downs.\1.\2"),
    (re.compile(r"^ups\.(\d+)\.0\.weight$"), r"ups.\1.0.weight"),
]


def official_state_dict(checkpoint: Mapping, param_key: str = "params") -> dict[str, torch.Tensor]:
    """The tensors of an official file: ``checkpoint[param_key]`` if present (BasicSR layout),
    else ``checkpoint['state_dict']``, else the checkpoint itself; ``module.`` stripped.

    Raises:
        KeyError: the file has neither ``param_key`` nor tensors at the top level.
    """
    if isinstance(checkpoint.get(param_key), Mapping):
        state = checkpoint[param_key]
    elif isinstance(checkpoint.get("state_dict"), Mapping):
        state = checkpoint["state_dict"]
    else:
        state = checkpoint
    state = {k: v for k, v in state.items() if isinstance(v, torch.Tensor)}
    if not state:
        raise KeyError(f"no '{param_key}' entry and no tensors in the checkpoint (top-level "
                       f"keys: {sorted(checkpoint)[:10]}); pass --param-key (e.g. params_ema)")
    return {k[len("module."):] if k.startswith("module.") else k: v for k, v in state.items()}


def rename_official_key(key: str) -> str | None:
    """The restorekit name of one official key, or ``None`` if it has no counterpart."""
    m = _BLOCK_RE.match(key)
    if m is not None:
        stage, index, layer, param, scale = m.groups()
        stage = "middle" if stage == "middle_blks" else stage
        tail = scale if scale else f"{_BLOCK[layer]}.{param}"
        return f"{stage}.{index}.{tail}"
    for pattern, replacement in _PLAIN:
        if pattern.match(key):
            return pattern.sub(replacement, key)
    return None


def infer_nafnet_config(official: Mapping[str, torch.Tensor]) -> dict:
    """``NAFNet`` keyword arguments (``img_channels``, ``width``, block counts) read from an
    official state dict (``module.`` already stripped)."""
    if "intro.weight" not in official:
        raise KeyError("'intro.weight' is not in the checkpoint: not an official NAFNet file?")

    def count(prefix: str) -> int:
        pat = re.compile(rf"^{re.escape(prefix)}\.(\d+)\.")
        found = {int(m.group(1)) for k in official if (m := pat.match(k))}
        return max(found) + 1 if found else 0

    levels = count("encoders")
    return dict(
        img_channels=int(official["intro.weight"].shape[1]),
        width=int(official["intro.weight"].shape[0]),
        enc_blk_nums=[count(f"encoders.{i}") for i in range(levels)],
        middle_blk_num=count("middle_blks"),
        dec_blk_nums=[count(f"decoders.{i}") for i in range(count("decoders"))],
    )


def convert_official_nafnet_state_dict(
    official: Mapping[str, torch.Tensor], target: Mapping[str, torch.Tensor]
) -> tuple[dict[str, torch.Tensor], ConversionReport]:
    """Rename official NAFNet keys to :class:`NAFNet` keys and compare with ``target``.

    Args:
        official: the official state dict (see :func:`official_state_dict`; a leading
            ``module.`` is stripped here too).
        target: ``NAFNet(...).state_dict()`` of the architecture to load into.

    Returns:
        The renamed state dict and a report of unexpected / missing / mis-shaped keys
        (``report.ok`` only when the file fills the model exactly).
    """
    report = ConversionReport()
    converted: dict[str, torch.Tensor] = {}
    for key, value in official.items():
        key = key[len("module."):] if key.startswith("module.") else key
        new_key = rename_official_key(key)
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
