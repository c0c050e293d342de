"""tools/deblur.py on hostile and unusual image files: every file is processed, each failure is
listed with its reason, good files still produce correct outputs, the exit status says so."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image
from reliability_helpers import assert_one_line_error, run

RNG = np.random.default_rng(0)


def _rgb(h: int, w: int) -> np.ndarray:
    return RNG.integers(0, 256, (h, w, 3), np.uint8)


def _png_bytes(arr: np.ndarray) -> bytes:
    return cv2.imencode(".png", arr)[1].tobytes()


def _jpeg_bytes(arr: np.ndarray) -> bytes:
    return cv2.imencode(".jpg", arr)[1].tobytes()


def _pil_bytes(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _tiff16() -> bytes:
    _ok, buf = cv2.imencode(".tif", RNG.integers(0, 65536, (7, 5, 3), np.uint16))
    return buf.tobytes()


def _tiff_float() -> bytes:
    _ok, buf = cv2.imencode(".tif", RNG.random((7, 5, 3)).astype(np.float32))
    return buf.tobytes()


# name -> (file name, bytes factory, expected: ("ok", (H, W)) or ("fail", reason substring))
CASES = {
    "empty_png": ("e.png", lambda: b"", ("fail", "is empty (0 bytes)")),
    "truncated_png": ("t.png", lambda: _png_bytes(_rgb(20, 20))[:200], ("fail", "truncated")),
    "truncated_jpeg": ("t.jpg", lambda: _jpeg_bytes(_rgb(40, 40))[:300], ("fail", "truncated")),
    "random_bytes_png": ("r.png", lambda: RNG.bytes(500), ("fail", "could not be decoded")),
    "text_as_jpeg": ("n.jpg", lambda: b"just some text\n" * 20, ("fail", "could not be decoded")),
    "float_tiff": ("f.tif", _tiff_float, ("fail", "unsupported pixel type float32")),
    "gray_png": ("g.png", lambda: _png_bytes(_rgb(9, 11)[:, :, 0]), ("ok", (9, 11))),
    "rgba_png": ("a.png", lambda: _png_bytes(np.dstack([_rgb(9, 11), _rgb(9, 11)[:, :, :1]])),
                 ("ok", (9, 11))),
    "palette_png": ("p.png", lambda: _pil_bytes(Image.fromarray(_rgb(9, 11)).convert("P"),
                                                "PNG"), ("ok", (9, 11))),
    "cmyk_jpeg": ("c.jpg", lambda: _pil_bytes(Image.fromarray(_rgb(9, 11)).convert("CMYK"),
                                              "JPEG"), ("ok", (9, 11))),
    "png_16bit": ("s.png", lambda: _png_bytes(RNG.integers(0, 65536, (9, 11, 3), np.uint16)),
                  ("ok", (9, 11))),
    "tiff_16bit": ("s.tif", _tiff16, ("ok", (7, 5))),
    "one_pixel": ("one.png", lambda: _png_bytes(_rgb(1, 1)), ("ok", (1, 1))),
    "two_by_three": ("tiny.png", lambda: _png_bytes(_rgb(2, 3)), ("ok", (2, 3))),
    "very_wide": ("wide.png", lambda: _png_bytes(_rgb(16, 8000)), ("ok", (16, 8000))),
    "very_tall": ("tall.png", lambda: _png_bytes(_rgb(8000, 16)), ("ok", (8000, 16))),
    "exif_rotated_jpeg": ("rot.jpg", lambda: _pil_bytes(
        Image.fromarray(_rgb(6, 10)), "JPEG", exif=_exif(6)), ("ok", (10, 6))),
    "non_ascii_name": ("flou_é_模糊.png", lambda: _png_bytes(_rgb(5, 7)), ("ok", (5, 7))),
}


def _exif(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif


@pytest.mark.parametrize("case", sorted(CASES))
def test_single_image(case, tmp_path, plain_config, capsys):
    """Each file alone: a good one gives an output of the right size and status 0; a bad one
    gives status 1, no output, and its reason named with the file."""
    name, make, (kind, expect) = CASES[case]
    src = tmp_path / "in" / name
    src.parent.mkdir()
    src.write_bytes(make())
    out = tmp_path / "out"
    res = run("deblur", [plain_config, "none", src, "--out-dir", out], capsys)
    assert "Traceback" not in res.err
    if kind == "ok":
        assert res.code == 0, res.err[-1500:]
        written = out / f"{src.stem}.png"
        img = cv2.imdecode(np.fromfile(written, np.uint8), cv2.IMREAD_COLOR)
        assert img.shape[:2] == expect
    else:
        assert res.code == 1
        assert f"{src}: " in res.err and expect in res.err
        assert not out.exists() or not any(out.iterdir())


def test_exif_orientation_matches_pillow(tmp_path):
    """All eight EXIF orientations load as Pillow's exif_transpose shows them."""
    from PIL import ImageOps

    from restorekit.datasets.transforms.loading import read_image

    arr = _rgb(6, 10)
    for orientation in range(1, 9):
        path = tmp_path / f"o{orientation}.png"
        Image.fromarray(arr).save(path, exif=_exif(orientation))
        expected = np.asarray(ImageOps.exif_transpose(Image.open(path)).convert("RGB"))
        assert np.array_equal(read_image(str(path)), expected), orientation


def test_folder_keeps_going_after_bad_files(tmp_path, plain_config, capsys):
    """A folder with bad files among good ones: all good ones written, each bad one listed."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a_bad.png").write_bytes(b"")
    (src / "b_good.png").write_bytes(_png_bytes(_rgb(8, 8)))
    (src / "c_bad.jpg").write_bytes(b"not a jpeg")
    (src / "d_good.jpg").write_bytes(_jpeg_bytes(_rgb(8, 8)))
    (src / "e_dir.png").mkdir()  # a folder named like an image is not an input
    (src / "notes.txt").write_text("ignored: not an image extension")
    res = run("deblur", [plain_config, "none", src, "--out-dir", tmp_path / "out"], capsys)
    assert res.code == 1
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["b_good.png", "d_good.png"]
    assert "2 of 4 image(s) failed" in res.err
    assert "a_bad.png: " in res.err and "c_bad.jpg: " in res.err
    assert "wrote 2 image(s)" in res.out


def test_same_stem_different_extension_gives_two_outputs(tmp_path, plain_config, capsys):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.jpg").write_bytes(_jpeg_bytes(_rgb(8, 8)))
    (src / "a.png").write_bytes(_png_bytes(_rgb(6, 6)))
    res = run("deblur", [plain_config, "none", src, "--out-dir", tmp_path / "out"], capsys)
    assert res.code == 0 and "wrote 2 image(s)" in res.out
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.jpg.png", "a.png.png"]


def test_existing_outputs_are_kept_unless_overwrite(tmp_path, plain_config, capsys):
    src = tmp_path / "x.png"
    src.write_bytes(_png_bytes(_rgb(8, 8)))
    out = tmp_path / "out"
    out.mkdir()
    (out / "x.png").write_bytes(b"precious")
    res = run("deblur", [plain_config, "none", src, "--out-dir", out], capsys)
    assert_one_line_error(res, "already exist", "x.png", "--overwrite")
    assert (out / "x.png").read_bytes() == b"precious"
    res = run("deblur", [plain_config, "none", src, "--out-dir", out, "--overwrite"], capsys)
    assert res.code == 0 and cv2.imread(str(out / "x.png")).shape == (8, 8, 3)


@pytest.mark.parametrize("case", ["missing", "unsupported_ext", "empty_folder", "bad_tile"])
def test_input_errors_are_one_line(case, tmp_path, plain_config, capsys):
    extra: list[str] = []
    if case == "missing":
        src, needle = tmp_path / "nope.png", "neither a file"
    elif case == "unsupported_ext":
        src, needle = tmp_path / "img.gif", "supported image extension"
        Image.fromarray(_rgb(4, 4)).save(src)
    elif case == "empty_folder":
        src, needle = tmp_path / "empty", "No images found"
        src.mkdir()
    else:
        src, needle = tmp_path / "x.png", "--tile must be >= 0"
        src.write_bytes(_png_bytes(_rgb(4, 4)))
        extra = ["--tile", "-3"]
    res = run("deblur", [plain_config, "none", src, "--out-dir", tmp_path / "o", *extra], capsys)
    assert res.code == 2 and "Traceback" not in res.err and needle in res.err
