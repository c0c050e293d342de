"""PairedRandomCrop / CenterCrop: same window for every key, clear size errors."""

from __future__ import annotations

import numpy as np
import pytest

from restorekit.datasets.errors import ImageSizeError, MissingKeyError
from restorekit.registry import TRANSFORMS


def _pair(h=20, w=30):
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    gt = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    return dict(img=img, gt=gt, img_path="blur/a.png")


def test_random_crop_same_window():
    crop = TRANSFORMS.build(dict(type="PairedRandomCrop", crop_size=(8, 12)))
    np.random.seed(1)
    for _ in range(10):
        src = _pair()
        out = crop(dict(src))
        top, left, h, w = out["crop_bbox"]
        assert (h, w) == (8, 12) and 0 <= top <= 12 and 0 <= left <= 18
        assert out["img"].shape == out["gt"].shape == (8, 12, 3)
        np.testing.assert_array_equal(out["img"], src["img"][top:top + 8, left:left + 12])
        np.testing.assert_array_equal(out["gt"], src["gt"][top:top + 8, left:left + 12])
        assert out["img"].flags["C_CONTIGUOUS"]


def test_random_crop_seeded_and_full_size():
    crop = TRANSFORMS.build(dict(type="PairedRandomCrop", crop_size=5))
    np.random.seed(7)
    a = crop(_pair())["crop_bbox"]
    np.random.seed(7)
    assert crop(_pair())["crop_bbox"] == a
    full = TRANSFORMS.build(dict(type="PairedRandomCrop", crop_size=(20, 30)))(_pair())
    assert full["crop_bbox"] == (0, 0, 20, 30)


def test_center_crop_exact():
    src = _pair(10, 11)
    out = TRANSFORMS.build(dict(type="CenterCrop", crop_size=4))(dict(src))
    assert out["crop_bbox"] == (3, 3, 4, 4)
    np.testing.assert_array_equal(out["gt"], src["gt"][3:7, 3:7])


@pytest.mark.parametrize("type_", ["PairedRandomCrop", "CenterCrop"])
def test_crop_too_large(type_):
    crop = TRANSFORMS.build(dict(type=type_, crop_size=(16, 40)))
    with pytest.raises(ImageSizeError, match=r"image 'img' \('blur/a.png'\) is 20x30.*16x40"):
        crop(_pair())


def test_sizes_differ_and_missing_key():
    crop = TRANSFORMS.build(dict(type="PairedRandomCrop", crop_size=4))
    src = _pair()
    src["gt"] = src["gt"][:19]
    with pytest.raises(ImageSizeError, match="img=20x30, gt=19x30"):
        crop(src)
    with pytest.raises(MissingKeyError, match=r"no key\(s\) \['gt'\]"):
        crop(dict(img=np.zeros((8, 8, 3), np.uint8)))
    with pytest.raises(ValueError, match="crop_size"):
        TRANSFORMS.build(dict(type="CenterCrop", crop_size=0))
