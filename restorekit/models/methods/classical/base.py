"""The shared model contract of the training-free (classical) deblurring baselines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import torch
from mmengine.model import BaseModel

from restorekit.structures import DataSample

from ...data_preprocessor import DeblurDataPreprocessor
from ..base_restorer import build_optional


class ClassicalRestorer(BaseModel):
    """A fixed image operator ``restore`` run as a restorekit model (no training).

    It behaves like the learned methods for ``tools/test.py``, ``tools/benchmark.py`` and
    :func:`restorekit.apis.init_model`: the :class:`DeblurDataPreprocessor` makes float32
    (N, 3, H, W) RGB batches in [0, 1]; ``forward(mode='tensor')`` returns :meth:`restore` of
    them (unclamped); ``forward(mode='predict')``, ``val_step`` and ``test_step`` return
    :class:`DataSample` with un-padded, clamped ``pred_img`` and ``input_img`` (and ``gt_img``
    when the batch has ``gt``), as the GAN methods do.

    A subclass stores its parameters as registered **buffers** (so an mmengine checkpoint's
    ``state_dict`` holds and restores them), lists them in ``param_names`` and gives the
    values :func:`restorekit.models.methods.classical.fit.grid_search` tries in
    ``default_grid``.

    Args:
        data_preprocessor: config of :class:`DeblurDataPreprocessor` (default: no padding).
        init_cfg: mmengine init config (unused: nothing to initialise).
    """

    param_names: ClassVar[tuple[str, ...]] = ()
    default_grid: ClassVar[dict[str, list[float]]] = {}

    def __init__(self, data_preprocessor: dict | None = None,
                 init_cfg: dict | None = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type="DeblurDataPreprocessor")
        super().__init__(data_preprocessor=build_optional(data_preprocessor), init_cfg=init_cfg)

    def _scalar(self, name: str, value: float, dtype=torch.float32) -> None:
        self.register_buffer(name, torch.tensor(value, dtype=dtype))

    def get_params(self) -> dict[str, float]:
        """The current parameter values as Python numbers (floats to 7 significant digits,
        the precision of the float32 buffers)."""
        values = {name: getattr(self, name).item() for name in self.param_names}
        return {k: float(f"{v:.7g}") if isinstance(v, float) else v for k, v in values.items()}

    def set_params(self, **values: float) -> None:
        """Overwrite parameter buffers in place (unknown names raise ``KeyError``)."""
        for name, value in values.items():
            if name not in self.param_names:
                raise KeyError(f"{type(self).__name__} has no parameter {name!r}; "
                               f"it has {list(self.param_names)}")
            getattr(self, name).fill_(value)

    def restore(self, x: torch.Tensor) -> torch.Tensor:
        """float32 (N, 3, H, W) in [0, 1] -> (N, 3, H, W), about [0, 1] (not clamped)."""
        raise NotImplementedError

    def forward(self, inputs: torch.Tensor, data_samples: Sequence[DataSample] | None = None,
                mode: str = "tensor", **images: torch.Tensor):
        """``mode='tensor'``: :meth:`restore` (N, 3, H, W); ``mode='predict'``: a list of
        :class:`DataSample` (see the class docstring)."""
        if mode == "tensor":
            return self.restore(inputs)
        if mode == "predict":
            return self.predict(inputs, data_samples, **images)
        raise ValueError(f"{type(self).__name__} supports mode 'tensor' or 'predict', got "
                         f"{mode!r} (classical baselines are not trained)")

    @torch.no_grad()
    def predict(self, inputs: torch.Tensor, data_samples: Sequence[DataSample] | None = None,
                **images: torch.Tensor) -> list[DataSample]:
        outputs = self.restore(inputs).clamp(0, 1).float()
        if data_samples is None:
            data_samples = [DataSample() for _ in range(len(outputs))]
        unpad = DeblurDataPreprocessor.unpad
        gts = unpad(images["gt"], data_samples) if images.get("gt") is not None else None
        results = []
        for i, (pred, inp, sample) in enumerate(
            zip(unpad(outputs, data_samples), unpad(inputs.float(), data_samples), data_samples)
        ):
            result = DataSample(metainfo=sample.metainfo)
            result.pred_img = pred.contiguous()
            result.input_img = inp[:3].contiguous()
            if gts is not None:
                result.gt_img = gts[i].contiguous()
            results.append(result)
        return results

    def val_step(self, data: dict) -> list[DataSample]:
        data = self.data_preprocessor(data, False)
        return self(**data, mode="predict")

    test_step = val_step

    def train_step(self, data, optim_wrapper):
        raise RuntimeError(f"{type(self).__name__} is training-free: choose its parameters "
                           f"with tools/fit_classical.py, not tools/train.py")
