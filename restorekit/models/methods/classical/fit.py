"""Choose a classical baseline's parameters by grid search on training pairs (mean PSNR)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence

import torch

from restorekit.evaluation.metrics import psnr

from .base import ClassicalRestorer

Pair = tuple[torch.Tensor, torch.Tensor]


def grid_search(
    model: ClassicalRestorer,
    pairs: Sequence[Pair],
    grid: Mapping[str, Sequence[float]] | None = None,
    progress: Callable[[dict, float], None] | None = None,
) -> dict:
    """Try every combination of ``grid`` and keep the one with the highest mean PSNR.

    Args:
        model: the baseline; its parameter buffers are overwritten and left at the best
            combination.
        pairs: ``(blurry, sharp)`` float32 (3, H, W) RGB tensors in [0, 1] (sizes may differ
            between pairs).
        grid: ``{parameter: values}``; missing parameters keep their current value;
            ``None`` = ``model.default_grid``.
        progress: called with ``(params, mean_psnr)`` after each combination.

    Returns:
        ``{'best': {name: value}, 'psnr': best mean PSNR (dB, output clamped to [0, 1], RGB, no
        border crop), 'input_psnr': mean PSNR of the blurry inputs, 'num_images': len(pairs),
        'table': [{**params, 'psnr': ...}, ...]}``.
    """
    if not pairs:
        raise ValueError("grid_search needs at least one (blurry, sharp) pair")
    grid = dict(model.default_grid if grid is None else grid)
    unknown = sorted(set(grid) - set(model.param_names))
    if unknown:
        raise KeyError(f"{type(model).__name__} has no parameter(s) {unknown}; "
                       f"it has {list(model.param_names)}")
    names = sorted(grid)
    table = []
    best: dict | None = None
    with torch.no_grad():
        for values in itertools.product(*(grid[n] for n in names)):
            params = dict(zip(names, values))
            model.set_params(**params)
            scores = [psnr(model.restore(b[None].float())[0].clamp(0, 1), s.float())
                      for b, s in pairs]
            mean = sum(scores) / len(scores)
            table.append({**model.get_params(), "psnr": mean})
            if progress is not None:
                progress(params, mean)
            if best is None or mean > best["psnr"]:
                best = table[-1]
    assert best is not None
    model.set_params(**{k: v for k, v in best.items() if k in model.param_names})
    input_psnr = sum(psnr(b.float(), s.float()) for b, s in pairs) / len(pairs)
    return {"best": {k: v for k, v in best.items() if k != "psnr"}, "psnr": best["psnr"],
            "input_psnr": input_psnr, "num_images": len(pairs), "table": table}
