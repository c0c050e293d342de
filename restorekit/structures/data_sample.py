"""The per-image record that travels from a dataset to the metrics."""

from __future__ import annotations

from mmengine.structures import BaseDataElement


class DataSample(BaseDataElement):
    """Metadata and images of one sample.

    Metainfo (set by the dataset / transforms / data preprocessor):
        ``key`` (str), ``img_path`` / ``gt_path`` (str), ``ori_shape`` (H, W) of the input
        before batching, ``pad_shape`` (H, W) after padding in the data preprocessor.

    Data fields (set by a method's ``predict``): ``pred_img`` and ``gt_img`` (and, where a
    method has them, ``input_img`` or other named images), each a float32 tensor of shape
    (3, H, W), RGB, range [0, 1], already un-padded to ``ori_shape``.
    """
