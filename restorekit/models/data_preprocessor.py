"""The one place where images change range, layout and padding."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from mmengine.model import BaseDataPreprocessor

from restorekit.registry import MODELS


@MODELS.register_module()
class DeblurDataPreprocessor(BaseDataPreprocessor):
    """Turn packed uint8 samples into float batches and back.

    Input (from ``PackInputs`` + ``pseudo_collate``): ``data['inputs']`` is a list of uint8
    (C, H, W) RGB tensors (or an already stacked (N, C, H, W) tensor); each key in
    ``image_keys`` that is present (``'gt'``, ``'real_blur'``, ...) likewise.

    Output: the same keys as float32 (N, C, H, W) RGB tensors in [0, 1] on the model's device.
    Images of different sizes in one batch are padded to the largest, then every image is
    padded on the bottom/right to a multiple of ``pad_size_divisor`` with ``pad_mode``. Each
    data sample's metainfo receives ``ori_shape`` (H, W before padding, unless the pipeline
    already set it) and ``pad_shape``, and
    :meth:`unpad` crops network outputs back to ``ori_shape``.

    Args:
        image_keys: extra image keys to convert besides ``'inputs'``.
        pad_size_divisor: stride the network needs (1 = no padding).
        pad_mode: ``'reflect'`` (default, avoids dark borders), ``'replicate'`` or
            ``'constant'`` (zeros).
        scale: divisor that maps the stored integers to [0, 1] (255 for uint8).
    """

    def __init__(
        self,
        image_keys: Sequence[str] = ("gt",),
        pad_size_divisor: int = 1,
        pad_mode: str = "reflect",
        scale: float = 255.0,
    ) -> None:
        super().__init__()
        if pad_mode not in ("reflect", "replicate", "constant"):
            raise ValueError(f"pad_mode must be reflect, replicate or constant, got {pad_mode!r}")
        if pad_size_divisor < 1:
            raise ValueError(f"pad_size_divisor must be >= 1, got {pad_size_divisor}")
        self.image_keys = tuple(image_keys)
        self.pad_size_divisor = int(pad_size_divisor)
        self.pad_mode = pad_mode
        self.scale = float(scale)

    def _to_float(self, img: torch.Tensor) -> torch.Tensor:
        img = img.to(self.device)
        if img.dtype == torch.uint8:
            return img.float() / self.scale
        return img.float()

    def _pad(self, img: torch.Tensor, height: int, width: int) -> torch.Tensor:
        pad_h, pad_w = height - img.shape[-2], width - img.shape[-1]
        if pad_h == 0 and pad_w == 0:
            return img
        mode = self.pad_mode
        if mode == "reflect" and (pad_h >= img.shape[-2] or pad_w >= img.shape[-1]):
            mode = "replicate"  # reflect needs the pad to be smaller than the image
        return F.pad(img.unsqueeze(0), (0, pad_w, 0, pad_h), mode=mode).squeeze(0)

    def _target_size(self, shapes: list[tuple[int, int]]) -> tuple[int, int]:
        d = self.pad_size_divisor
        height = max(h for h, _ in shapes)
        width = max(w for _, w in shapes)
        return -(-height // d) * d, -(-width // d) * d

    def _batch(self, images, size: tuple[int, int]) -> torch.Tensor:
        if isinstance(images, torch.Tensor) and images.dim() == 4:
            images = list(images)
        return torch.stack([self._pad(self._to_float(img), *size) for img in images])

    def forward(self, data: dict, training: bool = False) -> dict:
        """Convert a collated batch; see the class docstring for shapes and ranges."""
        data = dict(data)
        inputs = data["inputs"]
        if isinstance(inputs, torch.Tensor) and inputs.dim() == 3:
            inputs = [inputs]
        shapes = [tuple(img.shape[-2:]) for img in inputs]
        size = self._target_size(shapes)
        data["inputs"] = self._batch(inputs, size)
        for key in self.image_keys:
            if data.get(key) is not None:
                images = data[key]
                if isinstance(images, torch.Tensor) and images.dim() == 3:
                    images = [images]
                key_shapes = [tuple(img.shape[-2:]) for img in images]
                data[key] = self._batch(images, self._target_size([*key_shapes, size]))
        samples = data.get("data_samples")
        if samples is not None:
            for sample, shape in zip(samples, shapes):
                # keep an ori_shape set upstream (PadToMultiple in the pipeline): it is the
                # size before *all* padding, which is what predictions are cropped back to
                if "ori_shape" not in sample.metainfo:
                    sample.set_metainfo(dict(ori_shape=shape))
                sample.set_metainfo(dict(pad_shape=size))
        return data

    @staticmethod
    def unpad(batch: torch.Tensor, data_samples: Sequence | None) -> list[torch.Tensor]:
        """Crop each (C, H, W) image of ``batch`` back to its sample's ``ori_shape``."""
        if data_samples is None:
            return list(batch)
        out = []
        for img, sample in zip(batch, data_samples):
            height, width = sample.metainfo.get("ori_shape", img.shape[-2:])
            out.append(img[..., :height, :width])
        return out
