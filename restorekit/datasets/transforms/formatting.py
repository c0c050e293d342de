"""Pack numpy images and metadata into the tensors and DataSample a model expects."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from mmcv.transforms import BaseTransform

from restorekit.registry import TRANSFORMS
from restorekit.structures import DataSample

from ..errors import require_keys

DEFAULT_META_KEYS = (
    "key", "sample_idx", "crop_bbox", "flip_horizontal", "flip_vertical", "transpose",
    "unpadded_shape", "padding",
)


def image_to_tensor(img: np.ndarray, name: str) -> torch.Tensor:
    """uint8 (H, W, C) numpy array → contiguous uint8 (C, H, W) tensor (no copy of values)."""
    if not isinstance(img, np.ndarray) or img.ndim != 3:
        shape = getattr(img, "shape", type(img).__name__)
        raise TypeError(f"PackInputs: image {name!r} must be an (H, W, C) array, got {shape}.")
    if img.dtype != np.uint8:
        raise TypeError(
            f"PackInputs: image {name!r} must be uint8 (the data contract), got {img.dtype}; "
            f"convert it back to uint8 in the transform that produced it."
        )
    return torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))


@TRANSFORMS.register_module()
class PackInputs(BaseTransform):
    """Final pipeline step: tensors for the model plus a :class:`DataSample` of metadata.

    Output::

        {'inputs': uint8 (3, H, W) RGB tensor   # results[input_key]
         '<k>': uint8 (3, H, W) tensor          # for each k in image_keys present in results
         'data_samples': DataSample(metainfo=...)}

    Metainfo: every ``*_path`` entry of ``results`` (``img_path``, ``gt_path``,
    ``real_blur_path``, ...), every ``ori_<key>_shape``, the ``meta_keys`` present, and
    ``ori_shape`` = ``unpadded_shape`` if a :class:`PadToMultiple` ran, else the input's
    (H, W). Missing optional image / meta keys are skipped; range conversion to float [0, 1]
    happens later, in the data preprocessor.

    Args:
        input_key: result key packed as ``inputs`` (``'img'``; ``'gt'`` for BGAN-style inputs).
        image_keys: further image keys packed under their own names.
        meta_keys: extra result keys copied to the metainfo when present.

    Raises:
        MissingKeyError: ``input_key`` is missing. TypeError: an image is not uint8 (H, W, C).
    """

    def __init__(self, input_key: str = "img", image_keys: Sequence[str] = ("gt",),
                 meta_keys: Sequence[str] = DEFAULT_META_KEYS) -> None:
        self.input_key = input_key
        self.image_keys = tuple(k for k in image_keys if k != input_key)
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: dict) -> dict:
        require_keys(results, [self.input_key], f"PackInputs(input_key={self.input_key!r})")
        inputs = image_to_tensor(results[self.input_key], self.input_key)
        packed: dict = {"inputs": inputs}
        for k in self.image_keys:
            if k in results:
                packed[k] = image_to_tensor(results[k], k)
        meta = {}
        for k, v in results.items():
            if k.endswith("_path") or (k.startswith("ori_") and k.endswith("_shape")):
                meta[k] = v
        for k in self.meta_keys:
            if k in results:
                meta[k] = results[k]
        meta["ori_shape"] = tuple(results.get("unpadded_shape", inputs.shape[1:]))
        packed["data_samples"] = DataSample(metainfo=meta)
        return packed

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(input_key={self.input_key!r}, "
                f"image_keys={self.image_keys}, meta_keys={self.meta_keys})")


__all__ = ["DEFAULT_META_KEYS", "PackInputs", "image_to_tensor"]
