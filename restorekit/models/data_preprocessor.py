"""The one place where images change range, layout and padding."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from mmengine.model import BaseDataPreprocessor

from restorekit.registry import MODELS

from .padding import PadPolicy, pad_to, padded_size


@MODELS.register_module()
class DeblurDataPreprocessor(BaseDataPreprocessor):
    """Turn packed uint8 samples into float batches and back.

    Input (from ``PackInputs`` + ``pseudo_collate``): ``data['inputs']`` is a list of uint8
    (C, H, W) RGB tensors (or an already stacked (N, C, H, W) tensor); each key in
    ``image_keys`` that is present (``'gt'``, ``'real_blur'``, ...) likewise.

    Output: the same keys as float32 (N, C, H, W) RGB tensors in [0, 1] on the model's device.
    Images of different sizes in one batch are padded to the largest, then every image is
    padded on the bottom/right by :mod:`restorekit.models.padding` with the padding policy:
    the generator's, once bound (:func:`restorekit.models.padding.bind_padding`; its
    ``extra_block`` rule applies only when ``training=False``), else
    ``PadPolicy(pad_size_divisor, pad_mode)``. Each data sample's metainfo receives
    ``ori_shape`` (H, W before padding, unless the pipeline already set it) and ``pad_shape``,
    and :meth:`unpad` crops network outputs back to ``ori_shape``.

    Args:
        image_keys: extra image keys to convert besides ``'inputs'``.
        pad_size_divisor: extra alignment (1 = none; with a bound generator policy the lcm
            of both is used). Declare a generator's padding on the generator, not here.
        pad_mode: fill used when the generator needs no padding of its own: ``'reflect'``
            (default, avoids dark borders), ``'replicate'`` or ``'constant'`` (zeros).
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
        self.pad_policy: PadPolicy | None = None  # bound generator policy (bind_padding)

    def set_pad_policy(self, policy: PadPolicy) -> PadPolicy:
        """Bind a generator's policy (see the class docstring); returns the effective one."""
        if policy.divisor == 1 and not policy.extra_block and policy.min_size == 1:
            policy = PadPolicy(1, self.pad_mode)  # the generator pads nothing: our fill
        self.pad_policy = policy.with_divisor(self.pad_size_divisor)
        return self.pad_policy

    @property
    def policy(self) -> PadPolicy:
        """The effective padding policy (bound generator policy, else the own settings)."""
        return self.pad_policy or PadPolicy(self.pad_size_divisor, self.pad_mode)

    def _to_float(self, img: torch.Tensor) -> torch.Tensor:
        img = img.to(self.device)
        if img.dtype == torch.uint8:
            return img.float() / self.scale
        return img.float()

    def _target_size(self, shapes: list[tuple[int, int]], training: bool) -> tuple[int, int]:
        height = max(h for h, _ in shapes)
        width = max(w for _, w in shapes)
        return padded_size(height, width, self.policy, inference=not training)

    def _batch(self, images, size: tuple[int, int]) -> torch.Tensor:
        if isinstance(images, torch.Tensor) and images.dim() == 4:
            images = list(images)
        return torch.stack([pad_to(self._to_float(img)[None], *size, self.policy)[0]
                            for img in images])

    def forward(self, data: dict, training: bool = False) -> dict:
        """Convert a collated batch; see the class docstring for shapes and ranges."""
        data = dict(data)
        inputs = data["inputs"]
        if isinstance(inputs, torch.Tensor) and inputs.dim() == 3:
            inputs = [inputs]
        shapes = [tuple(img.shape[-2:]) for img in inputs]
        size = self._target_size(shapes, training)
        data["inputs"] = self._batch(inputs, size)
        for key in self.image_keys:
            if data.get(key) is not None:
                images = data[key]
                if isinstance(images, torch.Tensor) and images.dim() == 3:
                    images = [images]
                kh, kw = self._target_size([tuple(img.shape[-2:]) for img in images], training)
                data[key] = self._batch(images, (max(size[0], kh), max(size[1], kw)))
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
