"""DeblurDataPreprocessor: range, layout, padding, un-padding."""

from __future__ import annotations

import pytest
import torch

from restorekit.registry import MODELS
from restorekit.structures import DataSample


def _batch(*shapes):
    inputs = [torch.full((3, h, w), 255, dtype=torch.uint8) for h, w in shapes]
    gts = [torch.zeros((3, h, w), dtype=torch.uint8) for h, w in shapes]
    return dict(inputs=inputs, gt=gts, data_samples=[DataSample() for _ in shapes])


def test_converts_uint8_lists_to_float_batches_in_unit_range():
    pre = MODELS.build(dict(type="DeblurDataPreprocessor"))
    out = pre(_batch((5, 7), (5, 7)))
    assert out["inputs"].shape == (2, 3, 5, 7) and out["inputs"].dtype == torch.float32
    assert torch.all(out["inputs"] == 1.0) and torch.all(out["gt"] == 0.0)


def test_pads_to_divisor_and_largest_image_and_records_shapes():
    pre = MODELS.build(dict(type="DeblurDataPreprocessor", pad_size_divisor=8, pad_mode="constant"))
    data = _batch((5, 7), (9, 3))
    out = pre(data)
    assert out["inputs"].shape == (2, 3, 16, 8)
    assert out["gt"].shape == (2, 3, 16, 8)
    samples = out["data_samples"]
    assert samples[0].metainfo["ori_shape"] == (5, 7)
    assert samples[1].metainfo["ori_shape"] == (9, 3)
    assert samples[0].metainfo["pad_shape"] == (16, 8)
    # constant padding is zero outside the image
    assert out["inputs"][0, :, 5:, :].abs().sum() == 0
    cropped = pre.unpad(out["inputs"], samples)
    assert [tuple(c.shape) for c in cropped] == [(3, 5, 7), (3, 9, 3)]
    assert torch.all(cropped[0] == 1.0)


def test_reflect_padding_mirrors_content():
    pre = MODELS.build(dict(type="DeblurDataPreprocessor", pad_size_divisor=4))
    img = torch.arange(3 * 3 * 3, dtype=torch.uint8).reshape(3, 3, 3)
    out = pre(dict(inputs=[img], data_samples=[DataSample()]))
    x = out["inputs"][0]
    assert x.shape == (3, 4, 4)
    assert torch.equal(x[:, 3, :3], x[:, 1, :3])  # row 3 mirrors row 1


def test_keeps_ori_shape_set_by_the_pipeline():
    pre = MODELS.build(dict(type="DeblurDataPreprocessor"))
    sample = DataSample(metainfo=dict(ori_shape=(4, 4)))
    out = pre(dict(inputs=[torch.zeros((3, 8, 8), dtype=torch.uint8)], data_samples=[sample]))
    assert out["data_samples"][0].metainfo["ori_shape"] == (4, 4)


def test_rejects_bad_settings():
    with pytest.raises(ValueError, match="pad_mode"):
        MODELS.build(dict(type="DeblurDataPreprocessor", pad_mode="wrap"))
    with pytest.raises(ValueError, match="pad_size_divisor"):
        MODELS.build(dict(type="DeblurDataPreprocessor", pad_size_divisor=0))
