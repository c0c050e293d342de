"""Labelled comparison grids (PNG) for the demo and the realistic-blur study."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
import torch

from restorekit.utils.image import tensor_to_uint8


def _centre_crop(arr: np.ndarray, crop: int | None) -> np.ndarray:
    if not crop:
        return arr
    h, w = arr.shape[:2]
    crop = min(crop, h, w)
    top, left = (h - crop) // 2, (w - crop) // 2
    return arr[top:top + crop, left:left + crop]


def save_grid(rows: Sequence[Sequence[torch.Tensor]], labels: Sequence[str],
              path: str | os.PathLike, crop: int | None = 128, gap: int = 3) -> Path:
    """Write a PNG grid: one row per image, one column per label (titles on top).

    ``rows[i][j]`` is a (3, H, W) [0, 1] tensor; ``crop`` takes a centred square (smaller file;
    capped at the image size).
    """
    tiles = [[_centre_crop(tensor_to_uint8(img), crop) for img in row] for row in rows]
    th, tw = tiles[0][0].shape[:2]
    head = 16
    canvas = np.full((head + len(rows) * (th + gap), len(labels) * (tw + gap), 3), 255, np.uint8)
    for j, label in enumerate(labels):
        cv2.putText(canvas, label, (j * (tw + gap) + 2, 12), cv2.FONT_HERSHEY_SIMPLEX, 0.36,
                    (0, 0, 0), 1, cv2.LINE_AA)
    for i, row in enumerate(tiles):
        for j, tile in enumerate(row):
            y, x = head + i * (th + gap), j * (tw + gap)
            canvas[y:y + th, x:x + tw] = tile
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), cv2.cvtColor(canvas, cv2.COLOR_RGB2BGR),
                [cv2.IMWRITE_PNG_COMPRESSION, 9])
    return path
