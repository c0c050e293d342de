"""Flip / RandomTransposeHW: exact results, involutions, one decision for all keys."""

from __future__ import annotations

import numpy as np
import pytest

from restorekit.registry import TRANSFORMS


def _pair():
    img = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    return dict(img=img, gt=img + 100)


@pytest.mark.parametrize(("direction", "ref"), [("horizontal", np.fliplr), ("vertical", np.flipud)])
def test_flip_exact_and_involution(direction, ref):
    flip = TRANSFORMS.build(dict(type="Flip", keys=("img", "gt"), direction=direction, prob=1.0))
    src = _pair()
    out = flip(dict(src))
    assert out[f"flip_{direction}"] is True
    np.testing.assert_array_equal(out["img"], ref(src["img"]))
    np.testing.assert_array_equal(out["gt"], ref(src["gt"]))
    assert out["img"].flags["C_CONTIGUOUS"]
    back = flip(dict(out))
    np.testing.assert_array_equal(back["img"], src["img"])
    np.testing.assert_array_equal(back["gt"], src["gt"])


def test_flip_prob_zero_and_shared_decision():
    src = _pair()
    out = TRANSFORMS.build(dict(type="Flip", prob=0.0))(dict(src))
    assert out["flip_horizontal"] is False and out["img"] is src["img"]
    flip = TRANSFORMS.build(dict(type="Flip", keys=("img", "gt"), prob=0.5))
    np.random.seed(0)
    seen = set()
    for _ in range(20):
        out = flip(dict(src))
        np.testing.assert_array_equal(out["gt"], out["img"] + 100)  # still aligned
        seen.add(out["flip_horizontal"])
    assert seen == {True, False}


def test_transpose_exact_and_involution():
    t = TRANSFORMS.build(dict(type="RandomTransposeHW", keys=("img", "gt"), prob=1.0))
    src = _pair()
    out = t(dict(src))
    assert out["transpose"] is True and out["img"].shape == (3, 2, 3)
    np.testing.assert_array_equal(out["gt"], src["gt"].transpose(1, 0, 2))
    back = t(dict(out))
    np.testing.assert_array_equal(back["img"], src["img"])


def test_bad_args():
    with pytest.raises(ValueError, match="direction"):
        TRANSFORMS.build(dict(type="Flip", direction="diagonal"))
    with pytest.raises(ValueError, match="prob"):
        TRANSFORMS.build(dict(type="RandomTransposeHW", prob=2))
    with pytest.raises(KeyError, match="gt"):
        TRANSFORMS.build(dict(type="Flip"))(dict(img=np.zeros((2, 2, 3), np.uint8)))
