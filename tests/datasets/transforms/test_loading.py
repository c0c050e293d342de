"""LoadImageFromFile: RGB order, gray / 16-bit / alpha handling and broken files."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from restorekit.datasets.errors import ImageReadError, MissingKeyError
from restorekit.datasets.transforms import loading
from restorekit.registry import TRANSFORMS


def _load(path, key="img"):
    t = TRANSFORMS.build(dict(type="LoadImageFromFile", key=key))
    return t({f"{key}_path": str(path)})


def test_rgb_order_and_shape(tmp_path):
    bgr = np.zeros((4, 5, 3), np.uint8)
    bgr[..., 0], bgr[..., 1], bgr[..., 2] = 10, 20, 30  # B, G, R
    cv2.imwrite(str(tmp_path / "a.png"), bgr)
    out = _load(tmp_path / "a.png")
    assert out["img"].dtype == np.uint8 and out["img"].shape == (4, 5, 3)
    assert out["img"][0, 0].tolist() == [30, 20, 10]
    assert out["img"].flags["C_CONTIGUOUS"] and out["ori_img_shape"] == (4, 5)


@pytest.mark.parametrize("key", ["gt", "real_blur"])
def test_key_selects_path(tmp_path, key):
    cv2.imwrite(str(tmp_path / "x.JPG"), np.full((3, 3, 3), 128, np.uint8))
    out = _load(tmp_path / "x.JPG", key=key)
    assert out[key].shape == (3, 3, 3) and out[f"ori_{key}_shape"] == (3, 3)


def test_gray_to_three_channels(tmp_path):
    gray = np.arange(12, dtype=np.uint8).reshape(3, 4)
    cv2.imwrite(str(tmp_path / "g.png"), gray)
    img = _load(tmp_path / "g.png")["img"]
    assert img.shape == (3, 4, 3)
    for c in range(3):
        np.testing.assert_array_equal(img[..., c], gray)


def test_16bit_scaled_exactly(tmp_path):
    values = np.array([[0, 128, 129, 257], [32896, 65406, 65407, 65535]], np.uint16)
    cv2.imwrite(str(tmp_path / "d.png"), np.stack([values] * 3, axis=-1))
    img = _load(tmp_path / "d.png")["img"]
    assert img.dtype == np.uint8
    # round(v / 257): 128 -> 0.498 -> 0, 129 -> 0.502 -> 1, 65406 -> 254.498, 65407 -> 254.502
    np.testing.assert_array_equal(img[..., 0], [[0, 0, 1, 1], [128, 254, 255, 255]])


def test_rgba_drops_alpha(tmp_path):
    bgra = np.zeros((2, 2, 4), np.uint8)
    bgra[..., 0], bgra[..., 1], bgra[..., 2], bgra[..., 3] = 1, 2, 3, 0  # fully transparent
    bgra[1, 1] = [200, 100, 50, 255]
    cv2.imwrite(str(tmp_path / "t.png"), bgra)
    img = _load(tmp_path / "t.png")["img"]
    assert img.shape == (2, 2, 3)
    assert img[0, 0].tolist() == [3, 2, 1] and img[1, 1].tolist() == [50, 100, 200]


def test_missing_empty_and_garbage(tmp_path):
    with pytest.raises(ImageReadError, match=r"Cannot read image '.*nope.png'"):
        _load(tmp_path / "nope.png")
    (tmp_path / "zero.png").write_bytes(b"")
    with pytest.raises(ImageReadError, match=r"zero.png' is empty \(0 bytes\)"):
        _load(tmp_path / "zero.png")
    (tmp_path / "junk.png").write_bytes(b"this is not an image at all")
    with pytest.raises(ImageReadError, match=r"junk.png' could not be decoded"):
        _load(tmp_path / "junk.png")
    assert issubclass(ImageReadError, OSError) and issubclass(ImageReadError, ValueError)


@pytest.mark.parametrize("ext", [".png", ".jpg"])
def test_truncated(tmp_path, ext):
    _ok, buf = cv2.imencode(ext, np.random.default_rng(0).integers(0, 256, (64, 64, 3), np.uint8))
    data = buf.tobytes()
    path = tmp_path / f"cut{ext}"
    path.write_bytes(data[: int(len(data) * 0.8)])
    with pytest.raises(ImageReadError, match="truncated"):
        _load(path)


@pytest.mark.parametrize("ext", [".png", ".jpg"])
def test_truncated_even_if_decoder_is_lenient(tmp_path, ext, monkeypatch):
    """Older OpenCV builds decode a cut JPEG partially; the end-marker check still fails it."""
    _ok, buf = cv2.imencode(ext, np.zeros((16, 16, 3), np.uint8))
    path = tmp_path / f"cut{ext}"
    path.write_bytes(buf.tobytes()[:-20])
    monkeypatch.setattr(loading.cv2, "imdecode", lambda *a: np.zeros((16, 16, 3), np.uint8))
    with pytest.raises(ImageReadError, match=f"cut{ext}' is truncated"):
        _load(path)
    path.write_bytes(buf.tobytes())  # the complete file passes the check
    assert _load(path)["img"].shape == (16, 16, 3)


def test_missing_path_key():
    t = TRANSFORMS.build(dict(type="LoadImageFromFile", key="gt"))
    with pytest.raises(MissingKeyError, match=r"LoadImageFromFile\(key='gt'\).*'gt_path'"):
        t({"img_path": "x.png"})


def test_unsupported_dtype():
    with pytest.raises(ImageReadError, match="float32"):
        loading.to_uint8_rgb(np.zeros((2, 2, 3), np.float32), "f.tif")
