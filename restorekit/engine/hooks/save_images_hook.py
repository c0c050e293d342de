"""Write every restored test image to disk."""

from __future__ import annotations

import os
import os.path as osp

import cv2
from mmengine.hooks import Hook

from restorekit.registry import HOOKS
from restorekit.utils.image import tensor_to_uint8 as to_uint8_rgb


@HOOKS.register_module()
class SaveRestoredImagesHook(Hook):
    """Save ``pred_img`` of each test sample as ``<out_dir>/<key>.png`` (uint8 RGB, rounded).

    ``key`` is the dataset's relative name (``GOPR0384_11_00/000001``), so the folder tree of
    the test set is mirrored. ``tools/test.py --save-images DIR`` adds this hook.
    """

    priority = "LOW"

    def __init__(self, out_dir: str) -> None:
        self.out_dir = out_dir

    def after_test_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        for i, sample in enumerate(outputs or []):
            key = sample.metainfo.get("key") or f"{batch_idx:06d}_{i}"
            path = osp.join(self.out_dir, f"{key}.png")
            os.makedirs(osp.dirname(path), exist_ok=True)
            rgb = to_uint8_rgb(sample.pred_img)
            if not cv2.imwrite(path, cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)):
                raise OSError(f"could not write {path}")
