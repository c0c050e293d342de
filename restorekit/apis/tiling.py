"""Pad-to-stride and overlapping-tile inference for images of any size.

Conventions: images are float32 (N, C, H, W) RGB tensors in [0, 1]; a *network* is any
callable ``(1, 3, h, w) -> (1, 3, h, w)`` whose ``h, w`` must be multiples of the padding
policy's ``divisor``. Padding is the generator's declared
:class:`~restorekit.models.padding.PadPolicy`, applied by
:func:`restorekit.models.padding.pad_to_policy` (the single pad-to-multiple home); an ``int``
``divisor`` with a ``mode`` is accepted as shorthand for ``PadPolicy(divisor, mode)``.

Tiling (:func:`run_tiled`)
--------------------------
The image is padded once by the policy (exactly as whole-image inference does, including an
official ``extra_block``),
then covered by ``tile × tile`` windows whose origins are multiples of ``divisor`` (so a
strided network sees the same sampling grid as on the whole image). Consecutive windows overlap
by at least ``overlap`` pixels. Each tile's output is multiplied by a separable weight window
and accumulated; the sum is divided by the accumulated weights. Along a side shared with a
neighbour the window is 0 on the outer ``overlap // 4`` pixels (the part most affected by the
missing context), rises linearly over the middle half of the overlap and is 1 inside; sides on
the image border keep weight 1. Hence a network whose receptive-field radius is at most
``overlap // 4`` gives exactly the whole-image result, and deeper networks get a seamless
blend. Tiles are cut from the CPU copy of the image and moved to the network's device one at a
time; the accumulator stays on the CPU (3·H·W float32, plus two 1-D weight sums), so peak memory
is bounded by one tile's activations instead of the whole image's.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from restorekit.models.outputs import final_output
from restorekit.models.padding import PadPolicy, pad_to_policy

Network = Callable[[torch.Tensor], torch.Tensor]


def as_policy(policy: PadPolicy | int, mode: str = "reflect") -> PadPolicy:
    """``policy`` itself, or ``PadPolicy(policy, mode)`` for an int divisor."""
    return policy if isinstance(policy, PadPolicy) else PadPolicy(int(policy), mode)


def run_padded(network: Network, x: torch.Tensor, policy: PadPolicy | int, mode: str = "reflect",
               device: torch.device | str | None = None) -> torch.Tensor:
    """Whole-image inference: pad (N, 3, H, W) by ``policy``, run, crop back to (H, W).

    The result is returned on the CPU as float32.
    """
    h, w = x.shape[-2:]
    xp = pad_to_policy(x, as_policy(policy, mode))
    if device is not None:
        xp = xp.to(device)
    return final_output(network(xp))[..., :h, :w].float().cpu()


def tile_origins(size: int, tile: int, overlap: int, divisor: int) -> list[int]:
    """Start offsets of the windows covering ``[0, size)``: ``size`` and ``tile`` are
    multiples of ``divisor``; offsets are multiples of ``divisor``; neighbours overlap by at
    least ``overlap``; the last window ends at ``size``."""
    if tile >= size:
        return [0]
    step = max(divisor, (tile - overlap) // divisor * divisor)
    origins = list(range(0, size - tile, step))
    origins.append(size - tile)
    return origins


def ramp_weights(length: int, blend_start: bool, blend_end: bool, overlap: int) -> torch.Tensor:
    """1-D window of ``length`` (float64): 0 over the first ``overlap // 4`` pixels of a
    blended side, a linear ramp over the next ``overlap // 2``, 1 elsewhere."""
    w = torch.ones(length, dtype=torch.float64)
    margin = overlap // 4
    ramp_len = max(overlap - 2 * margin, 1)
    ramp = (torch.arange(ramp_len, dtype=torch.float64) + 0.5) / ramp_len
    edge = torch.cat([torch.zeros(margin, dtype=torch.float64), ramp])[:length]
    if blend_start:
        w[: edge.numel()] = torch.minimum(w[: edge.numel()], edge)
    if blend_end:
        w[length - edge.numel():] = torch.minimum(w[length - edge.numel():], edge.flip(0))
    return w


def run_tiled(network: Network, x: torch.Tensor, policy: PadPolicy | int, tile: int,
              overlap: int = 32,
              mode: str = "reflect", device: torch.device | str | None = None,
              progress: Callable[[int, int], None] | None = None) -> torch.Tensor:
    """Tiled inference of a (1, 3, H, W) CPU image; returns the (1, 3, H, W) float32 output.

    Args:
        network: (1, 3, t, t) -> (1, 3, t, t) callable (see the module docstring).
        x: input in [0, 1], kept on the CPU.
        policy: the generator's padding policy (or an int stride, see the module docstring);
            ``tile`` is rounded up to a multiple of its divisor and to at least its min_size.
        tile: window side in pixels (>= 1).
        overlap: minimum overlap of neighbouring windows; must be < ``tile``.
        mode: fill for an int ``policy``.
        device: where each tile is run (default: stays where ``x`` is).
        progress: optional ``callback(done, total)`` after each tile.
    """
    if x.dim() != 4 or x.shape[0] != 1:
        raise ValueError(f"run_tiled expects one image (1, C, H, W), got {tuple(x.shape)}")
    policy = as_policy(policy, mode)
    divisor = policy.divisor
    tile = -(-max(int(tile), policy.min_size) // divisor) * divisor
    if overlap < 0 or overlap >= tile:
        raise ValueError(f"tile_overlap={overlap} must be in [0, tile) with tile={tile} "
                         f"(rounded up to a multiple of the network stride {divisor})")
    h, w = x.shape[-2:]
    xp = pad_to_policy(x, policy)
    hp, wp = xp.shape[-2:]
    tile_h, tile_w = min(tile, hp), min(tile, wp)
    ys = tile_origins(hp, tile_h, overlap, divisor)
    xs = tile_origins(wp, tile_w, overlap, divisor)
    out: torch.Tensor | None = None
    sum_y = torch.zeros(hp, dtype=torch.float64)
    sum_x = torch.zeros(wp, dtype=torch.float64)
    for i, y0 in enumerate(ys):
        wy = ramp_weights(tile_h, i > 0, i < len(ys) - 1, overlap)
        sum_y[y0:y0 + tile_h] += wy
    for j, x0 in enumerate(xs):
        wx = ramp_weights(tile_w, j > 0, j < len(xs) - 1, overlap)
        sum_x[x0:x0 + tile_w] += wx
    total, done = len(ys) * len(xs), 0
    for i, y0 in enumerate(ys):
        wy = ramp_weights(tile_h, i > 0, i < len(ys) - 1, overlap).float()
        for j, x0 in enumerate(xs):
            wx = ramp_weights(tile_w, j > 0, j < len(xs) - 1, overlap).float()
            patch = xp[..., y0:y0 + tile_h, x0:x0 + tile_w]
            if device is not None:
                patch = patch.to(device)
            res = final_output(network(patch)).float().cpu()
            if out is None:
                out = torch.zeros((1, res.shape[1], hp, wp), dtype=torch.float32)
            out[..., y0:y0 + tile_h, x0:x0 + tile_w] += res * (wy[:, None] * wx[None, :])
            done += 1
            if progress is not None:
                progress(done, total)
    assert out is not None
    # separable windows: the weight sum at (y, x) is sum_y[y] * sum_x[x]
    out.div_(sum_y.float()[:, None]).div_(sum_x.float()[None, :])
    return out[..., :h, :w]
