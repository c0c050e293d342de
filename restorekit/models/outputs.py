"""Model outputs: building optional sub-modules, multi-scale outputs, packing predictions."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from restorekit.registry import MODELS
from restorekit.structures import DataSample

from .data_preprocessor import DeblurDataPreprocessor


def build_optional(cfg: dict | nn.Module | None) -> nn.Module | None:
    """Build a registered module from a config dict; pass modules and ``None`` through."""
    if cfg is None or isinstance(cfg, nn.Module):
        return cfg
    return MODELS.build(cfg)


def final_output(output: torch.Tensor | Sequence[torch.Tensor]) -> torch.Tensor:
    """The full-resolution output of a generator: the tensor itself, or the last of a
    coarse-to-fine list (MIMO-UNet)."""
    return output if isinstance(output, torch.Tensor) else output[-1]


def detach(output: torch.Tensor | Sequence[torch.Tensor]):
    """``output`` detached: a tensor, or each tensor of a list."""
    if isinstance(output, torch.Tensor):
        return output.detach()
    return [o.detach() for o in output]


def pack_predictions(
    data_samples: Sequence[DataSample] | None, fields: dict[str, torch.Tensor | None]
) -> list[DataSample]:
    """One :class:`DataSample` per image with every non-None ``fields`` entry (N, C, H, W),
    cropped back to the sample's ``ori_shape``, first 3 channels, clamped to [0, 1], float32."""
    batches = {k: v for k, v in fields.items() if v is not None}
    n = len(next(iter(batches.values())))
    if data_samples is None:
        data_samples = [DataSample() for _ in range(n)]
    cropped = {k: DeblurDataPreprocessor.unpad(v.float(), data_samples) for k, v in batches.items()}
    results = []
    for i, sample in enumerate(data_samples):
        result = DataSample(metainfo=sample.metainfo)
        for name, images in cropped.items():
            setattr(result, name, images[i][:3].clamp(0, 1).contiguous())
        results.append(result)
    return results
