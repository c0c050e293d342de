"""Labelled ``input | restored | target`` grids sent to mmengine's Visualizer.

The grids go through ``runner.visualizer.add_image``, so every configured vis backend receives
them: ``LocalVisBackend`` writes PNGs under ``<work_dir>/<timestamp>/vis_data/vis_image/``,
``TensorboardVisBackend`` adds them to the event file, ``WandbVisBackend`` uploads them
(docs/visualization.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
import torch
from mmengine.hooks import Hook

from restorekit.evaluation.metrics.psnr import psnr
from restorekit.registry import HOOKS
from restorekit.utils.image import tensor_to_uint8

HEADER = 28  # px of caption above the tiles


def make_grid(images: Sequence[torch.Tensor], labels: Sequence[str] = (), title: str = "",
              gap: int = 4) -> np.ndarray:
    """Place (3, H_i, W_i) [0, 1] images side by side on a white canvas with a caption line
    (``title``) and one label per column -> uint8 RGB (H, W, 3)."""
    arrays = [tensor_to_uint8(img) for img in images]
    head = HEADER if (labels or title) else 0
    height = max(a.shape[0] for a in arrays) + head
    width = sum(a.shape[1] for a in arrays) + gap * (len(arrays) - 1)
    canvas = np.full((height, width, 3), 255, dtype=np.uint8)
    font = cv2.FONT_HERSHEY_SIMPLEX
    if title:
        cv2.putText(canvas, title, (2, 11), font, 0.35, (0, 0, 0), 1, cv2.LINE_AA)
    x = 0
    for i, a in enumerate(arrays):
        if i < len(labels):
            cv2.putText(canvas, labels[i], (x + 2, head - 4), font, 0.35, (0, 0, 0), 1,
                        cv2.LINE_AA)
        canvas[head: head + a.shape[0], x: x + a.shape[1]] = a
        x += a.shape[1] + gap
    return canvas


@HOOKS.register_module()
class DeblurVisualizationHook(Hook):
    """Send labelled grids of the first ``max_samples`` predictions to the Visualizer.

    Each grid shows the data-sample fields named in ``image_fields`` (missing ones skipped)
    side by side, labelled by field name, with a caption giving the phase, the training
    iteration and, when the sample has a prediction and a target, its PSNR (RGB, dB). Image
    name: ``<phase>_<key>``, step = training iteration.

    Args:
        max_samples: grids per validation / test run (``None``: all).
        image_fields: data-sample fields to put side by side.
        on_test: also send grids in ``tools/test.py`` runs.
        out_dir: also write each grid as ``<out_dir>/<key>.png`` (uint8 RGB), the folder tree
            of the test set mirrored (``tools/test.py --show-dir``).
    """

    priority = "LOW"

    def __init__(
        self,
        max_samples: int | None = 8,
        image_fields: Sequence[str] = ("input_img", "pred_img", "gt_img"),
        on_test: bool = True,
        out_dir: str | None = None,
    ) -> None:
        self.max_samples = max_samples
        self.out_dir = out_dir
        self.image_fields = tuple(image_fields)
        self.on_test = on_test
        self._written = 0

    def before_val_epoch(self, runner) -> None:
        self._written = 0

    def before_test_epoch(self, runner) -> None:
        self._written = 0

    def _caption(self, sample, phase: str, iteration: int) -> str:
        text = f"{phase} iter {iteration}"
        pred, gt = sample.get("pred_img"), sample.get("gt_img")
        if pred is not None and gt is not None and pred.shape == gt.shape:
            text += f"  PSNR {psnr(pred, gt):.2f} dB"
        return text

    def _write(self, runner, outputs, phase: str) -> None:
        for sample in outputs:
            if self.max_samples is not None and self._written >= self.max_samples:
                return
            fields = [f for f in self.image_fields if sample.get(f) is not None]
            if not fields:
                continue
            key = str(sample.metainfo.get("key", f"sample_{self._written}")).replace("/", "_")
            grid = make_grid([sample.get(f) for f in fields],
                             [f.removesuffix("_img") for f in fields],
                             self._caption(sample, phase, runner.iter))
            runner.visualizer.add_image(f"{phase}_{key}", grid, step=runner.iter)
            if self.out_dir:
                self._save(grid, str(sample.metainfo.get("key", f"sample_{self._written}")))
            self._written += 1

    def _save(self, grid, key: str) -> None:
        """``grid`` (uint8 HWC RGB) as ``<out_dir>/<key>.png``."""
        import os.path as osp

        from restorekit.engine.atomic_backend import atomic_write_bytes

        ok, buf = cv2.imencode(".png", cv2.cvtColor(grid, cv2.COLOR_RGB2BGR))
        if not ok:
            raise OSError(f"could not encode the grid of {key}")
        atomic_write_bytes(buf.tobytes(), osp.join(self.out_dir, f"{key}.png"))

    def after_val_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if outputs:
            self._write(runner, outputs, "val")

    def after_test_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if self.on_test and outputs:
            self._write(runner, outputs, "test")
