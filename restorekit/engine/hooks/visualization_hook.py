"""Write input | restored | target grids during validation and testing."""

from __future__ import annotations

import os
import os.path as osp
from collections.abc import Sequence

import cv2
import numpy as np
import torch
from mmengine.hooks import Hook

from restorekit.registry import HOOKS
from restorekit.utils.image import tensor_to_uint8

to_uint8_rgb = tensor_to_uint8  # (3, H, W) float [0, 1] -> (H, W, 3) uint8, rounded


def make_grid(images: Sequence[torch.Tensor], gap: int = 4) -> np.ndarray:
    """Place (3, H_i, W_i) images side by side on a white canvas -> uint8 RGB (H, W, 3)."""
    arrays = [to_uint8_rgb(img) for img in images]
    height = max(a.shape[0] for a in arrays)
    width = sum(a.shape[1] for a in arrays) + gap * (len(arrays) - 1)
    canvas = np.full((height, width, 3), 255, dtype=np.uint8)
    x = 0
    for a in arrays:
        canvas[: a.shape[0], x : x + a.shape[1]] = a
        x += a.shape[1] + gap
    return canvas


@HOOKS.register_module()
class DeblurVisualizationHook(Hook):
    """Save ``input | restored | target`` PNG grids for the first ``max_samples`` images.

    Files: ``<work_dir>/vis/<phase>_iter_<n>/<key>.png`` where ``phase`` is ``val`` (``n`` is
    the training iteration) or ``test``. Images are read from the predicted
    :class:`DataSample` fields named in ``image_fields`` (missing fields are skipped).

    Args:
        max_samples: grids written per validation / test run.
        image_fields: data-sample fields to put side by side.
        on_test: also write grids in ``tools/test.py`` runs.
    """

    priority = "LOW"

    def __init__(
        self,
        max_samples: int = 8,
        image_fields: Sequence[str] = ("input_img", "pred_img", "gt_img"),
        on_test: bool = True,
    ) -> None:
        self.max_samples = max_samples
        self.image_fields = tuple(image_fields)
        self.on_test = on_test
        self._written = 0

    def before_val_epoch(self, runner) -> None:
        self._written = 0

    def before_test_epoch(self, runner) -> None:
        self._written = 0

    def _write(self, runner, outputs, phase: str) -> None:
        folder = osp.join(runner.work_dir, "vis", f"{phase}_iter_{runner.iter}")
        for sample in outputs:
            if self._written >= self.max_samples:
                return
            images = [sample.get(f) for f in self.image_fields if sample.get(f) is not None]
            if not images:
                continue
            key = str(sample.metainfo.get("key", f"sample_{self._written}")).replace("/", "_")
            path = osp.join(folder, f"{key}.png")
            os.makedirs(folder, exist_ok=True)
            cv2.imwrite(path, cv2.cvtColor(make_grid(images), cv2.COLOR_RGB2BGR))
            self._written += 1

    def after_val_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if outputs:
            self._write(runner, outputs, "val")

    def after_test_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if self.on_test and outputs:
            self._write(runner, outputs, "test")
