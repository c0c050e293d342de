"""PackInputs: tensor dtype / shape / values and the DataSample metainfo."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from restorekit.datasets.errors import MissingKeyError
from restorekit.registry import TRANSFORMS
from restorekit.structures import DataSample


def _results():
    rng = np.random.default_rng(0)
    return dict(
        img=rng.integers(0, 256, (4, 5, 3), dtype=np.uint8),
        gt=rng.integers(0, 256, (4, 5, 3), dtype=np.uint8),
        img_path="in/a.png", gt_path="gt/a.png", key="a", sample_idx=3,
        ori_img_shape=(4, 5), crop_bbox=(0, 0, 4, 5), unrelated=object(),
    )


def test_pack_tensors_and_meta():
    res = _results()
    out = TRANSFORMS.build(dict(type="PackInputs"))(dict(res))
    assert set(out) == {"inputs", "gt", "data_samples"}
    for name, src in (("inputs", res["img"]), ("gt", res["gt"])):
        t = out[name]
        assert t.dtype == torch.uint8 and t.shape == (3, 4, 5) and t.is_contiguous()
        np.testing.assert_array_equal(t.numpy(), src.transpose(2, 0, 1))
    ds = out["data_samples"]
    assert isinstance(ds, DataSample)
    meta = ds.metainfo
    assert meta["key"] == "a" and meta["img_path"] == "in/a.png" and meta["gt_path"] == "gt/a.png"
    assert meta["ori_shape"] == (4, 5) and meta["ori_img_shape"] == (4, 5)
    assert meta["sample_idx"] == 3 and meta["crop_bbox"] == (0, 0, 4, 5)
    assert "unrelated" not in meta


def test_optional_keys_and_other_domains():
    res = _results()
    del res["gt"]
    res["real_blur"] = np.zeros((6, 6, 3), np.uint8)
    res["real_blur_path"] = "rb/x.jpg"
    pack = TRANSFORMS.build(dict(type="PackInputs", image_keys=("gt", "real_blur")))
    out = pack(res)
    assert "gt" not in out and out["real_blur"].shape == (3, 6, 6)
    assert out["data_samples"].metainfo["real_blur_path"] == "rb/x.jpg"


def test_input_key_gt_and_unpadded_shape():
    res = _results()
    res.update(unpadded_shape=(3, 2), padding=(1, 3))
    out = TRANSFORMS.build(dict(type="PackInputs", input_key="gt", image_keys=("gt",)))(res)
    assert set(out) == {"inputs", "data_samples"}
    np.testing.assert_array_equal(out["inputs"].numpy(), res["gt"].transpose(2, 0, 1))
    assert out["data_samples"].metainfo["ori_shape"] == (3, 2)


def test_errors():
    pack = TRANSFORMS.build(dict(type="PackInputs"))
    with pytest.raises(MissingKeyError, match="LoadImageFromFile"):
        pack(dict(gt=np.zeros((2, 2, 3), np.uint8)))
    with pytest.raises(TypeError, match=r"'img' must be uint8.*float32"):
        pack(dict(img=np.zeros((2, 2, 3), np.float32)))
    with pytest.raises(TypeError, match=r"\(H, W, C\)"):
        pack(dict(img=np.zeros((2, 2), np.uint8)))
