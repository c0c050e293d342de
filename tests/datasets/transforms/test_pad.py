"""PadToMultiple: shapes, exact padded values and the recorded original shape."""

from __future__ import annotations

import numpy as np
import pytest

from restorekit.registry import TRANSFORMS


def test_reflect_pad_exact():
    img = np.arange(5 * 6 * 3, dtype=np.uint8).reshape(5, 6, 3)
    pad = TRANSFORMS.build(dict(type="PadToMultiple", keys=("img", "gt"), divisor=4))
    out = pad(dict(img=img, gt=img.copy()))
    assert out["img"].shape == out["gt"].shape == (8, 8, 3)
    np.testing.assert_array_equal(out["img"][:5, :6], img)  # original at the top-left
    np.testing.assert_array_equal(out["img"], np.pad(img, ((0, 3), (0, 2), (0, 0)), "reflect"))
    np.testing.assert_array_equal(out["img"][5, :6], img[3])  # mirrored without repeating the edge
    assert out["unpadded_shape"] == (5, 6) and out["padding"] == (3, 2)


def test_constant_and_already_multiple():
    img = np.full((3, 8, 3), 9, np.uint8)
    out = TRANSFORMS.build(dict(type="PadToMultiple", keys=("img",), divisor=8,
                                mode="constant", value=7))(dict(img=img))
    assert out["img"].shape == (8, 8, 3) and out["img"].dtype == np.uint8
    assert (out["img"][3:] == 7).all() and (out["img"][:3] == 9).all()
    same = TRANSFORMS.build(dict(type="PadToMultiple", keys=("img",), divisor=4))
    res = same(dict(img=np.zeros((8, 4, 3), np.uint8)))
    assert res["img"].shape == (8, 4, 3) and res["padding"] == (0, 0)


def test_bad_args():
    with pytest.raises(ValueError, match="divisor"):
        TRANSFORMS.build(dict(type="PadToMultiple", divisor=0))
    with pytest.raises(ValueError, match="mode"):
        TRANSFORMS.build(dict(type="PadToMultiple", mode="edge"))
    with pytest.raises(KeyError, match="gt"):
        TRANSFORMS.build(dict(type="PadToMultiple"))(dict(img=np.zeros((2, 2, 3), np.uint8)))
