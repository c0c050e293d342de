"""LMDB storage: tools/pack_lmdb.py writes it, the datasets read the same pixels as folders."""

from __future__ import annotations

import functools
import http.server
import importlib.util
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

from restorekit.datasets import PairedImageDataset, UnpairedImageDataset
from restorekit.datasets.errors import DatasetLayoutError, ImageReadError
from restorekit.datasets.lmdb_packing import crop_starts

pytest.importorskip("lmdb")
_TOOL = Path(__file__).resolve().parents[2] / "tools" / "pack_lmdb.py"
_spec = importlib.util.spec_from_file_location("pack_lmdb", _TOOL)
pack_lmdb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pack_lmdb)

LOAD = [dict(type="LoadImageFromFile", key="img"), dict(type="LoadImageFromFile", key="gt")]
LMDB = dict(backend="lmdb")


@pytest.fixture
def folders(tmp_path: Path) -> Path:
    """root/{input,target}/{a,b,seq/c}.{png,jpg}: 20 x 24 random RGB pairs."""
    rng = np.random.default_rng(0)
    for name, ext in (("a", ".png"), ("b", ".jpg"), ("seq/c", ".png")):
        for side in ("input", "target"):
            path = tmp_path / "data" / side / f"{name}{ext}"
            path.parent.mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(path), rng.integers(0, 256, (20, 24, 3), dtype=np.uint8))
    return tmp_path / "data"


def _images(ds) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return {ds.get_data_info(i)["key"]: (ds[i]["img"], ds[i]["gt"]) for i in range(len(ds))}


def test_crop_positions_match_basicsr_extract_subimages() -> None:
    assert crop_starts(720, 480, 240, 0) == [0, 240]
    assert crop_starts(1280, 480, 240, 0) == [0, 240, 480, 720, 800]
    assert crop_starts(1280, 480, 240, 100) == [0, 240, 480, 720]


def test_paired_lmdb_reads_same_pixels_as_folders(folders, tmp_path) -> None:
    out = tmp_path / "lmdb"
    assert pack_lmdb.main(["paired", "--data-root", str(folders), "--out", str(out)]) == 0
    meta = (out / "input.lmdb" / "meta_info.txt").read_text().splitlines()
    assert meta == ["a.png (20,24,3) 1", "b.png (20,24,3) 1", "seq/c.png (20,24,3) 1"]
    from_dirs = _images(PairedImageDataset(data_root=str(folders), pipeline=LOAD))
    from_lmdb = _images(PairedImageDataset(data_root=str(out), backend_args=LMDB, pipeline=LOAD))
    assert list(from_lmdb) == list(from_dirs) == ["a", "b", "seq/c"]
    for key, (img, gt) in from_dirs.items():
        np.testing.assert_array_equal(from_lmdb[key][0], img)  # JPEG bytes stored as-is
        np.testing.assert_array_equal(from_lmdb[key][1], gt)
    info = PairedImageDataset(data_root=str(out), backend_args=LMDB).get_data_info(0)
    assert info["img_path"] == "a" and info["img_backend_args"]["db_path"].endswith("input.lmdb")


def test_paired_crops_are_the_folder_images_cut_basicsr_style(folders, tmp_path) -> None:
    out = tmp_path / "crops"
    pack_lmdb.main(["paired", "--data-root", str(folders), "--out", str(out), "--crop", "8",
                    "--step", "6", "--thresh-size", "0"])
    ds = PairedImageDataset(data_root=str(out), backend_args=LMDB, pipeline=LOAD)
    ys, xs = crop_starts(20, 8, 6, 0), crop_starts(24, 8, 6, 0)
    assert (ys, xs) == ([0, 6, 12], [0, 6, 12, 16])
    assert len(ds) == 3 * len(ys) * len(xs)
    full = _images(PairedImageDataset(data_root=str(folders), pipeline=LOAD))
    crops = _images(ds)
    img, gt = full["seq/c"]
    y, x = ys[2], xs[1]  # crop number 2 * 4 + 1 + 1 = 10, row-major from 1
    np.testing.assert_array_equal(crops["seq/c_s010"][0], img[y:y + 8, x:x + 8])
    np.testing.assert_array_equal(crops["seq/c_s010"][1], gt[y:y + 8, x:x + 8])


def test_unpaired_lmdb_reads_same_pixels_as_folders(folders, tmp_path) -> None:
    out = tmp_path / "lmdb"
    pack_lmdb.main(["unpaired", "--data-root", str(folders), "--out", str(out),
                    "--domain", "gt=target", "--domain", "real_blur=input"])
    pipe = [dict(type="LoadImageFromFile", key="gt"),
            dict(type="LoadImageFromFile", key="real_blur")]
    a = UnpairedImageDataset(dict(gt="target", real_blur="input"), data_root=str(folders),
                             pipeline=pipe, seed=3)
    b = UnpairedImageDataset(dict(gt="gt.lmdb", real_blur="real_blur.lmdb"),
                             data_root=str(out), backend_args=LMDB, pipeline=pipe, seed=3)
    assert len(a) == len(b) == 3
    for i in range(3):
        np.testing.assert_array_equal(a[i]["gt"], b[i]["gt"])
        np.testing.assert_array_equal(a[i]["real_blur"], b[i]["real_blur"])


def test_missing_key_names_db_and_key(folders, tmp_path) -> None:
    out = tmp_path / "lmdb"
    pack_lmdb.main(["paired", "--data-root", str(folders), "--out", str(out)])
    meta = out / "target.lmdb" / "meta_info.txt"
    meta.write_text(meta.read_text() + "zz/missing.png (20,24,3) 1\n")
    meta_in = out / "input.lmdb" / "meta_info.txt"
    meta_in.write_text(meta_in.read_text() + "zz/missing.png (20,24,3) 1\n")
    ds = PairedImageDataset(data_root=str(out), backend_args=LMDB, pipeline=LOAD)
    with pytest.raises(ImageReadError, match=r"key 'zz/missing' in LMDB '.*input\.lmdb'"):
        ds[len(ds) - 1]


def test_layout_errors_name_the_database(folders, tmp_path) -> None:
    with pytest.raises(DatasetLayoutError, match=r"LMDB '.*input\.lmdb' has no data\.mdb"):
        (folders / "input.lmdb").mkdir()
        (folders / "target.lmdb").mkdir()
        PairedImageDataset(data_root=str(folders), backend_args=LMDB)
    with pytest.raises(DatasetLayoutError, match="needs layout='folders'"):
        PairedImageDataset(data_root=str(folders), layout="gopro", backend_args=LMDB)
    out = tmp_path / "lmdb"
    pack_lmdb.main(["paired", "--data-root", str(folders), "--out", str(out)])
    (out / "target.lmdb" / "meta_info.txt").unlink()
    with pytest.raises(DatasetLayoutError, match=r"target\.lmdb' has no meta_info\.txt"):
        PairedImageDataset(data_root=str(out), backend_args=LMDB)
    with pytest.raises(FileExistsError, match="--overwrite"):
        pack_lmdb.main(["paired", "--data-root", str(folders), "--out", str(out)])


def test_http_backend_reads_a_list_file(folders) -> None:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folders))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        ann = folders / "pairs.txt"
        ann.write_text("input/a.png target/a.png\ninput/seq/c.png target/seq/c.png\n")
        url = f"http://127.0.0.1:{server.server_address[1]}"
        ds = PairedImageDataset(data_root=url, ann_file=str(ann), backend_args=dict(
            backend="http"), pipeline=LOAD)
        local = _images(PairedImageDataset(data_root=str(folders), pipeline=LOAD))
        np.testing.assert_array_equal(ds[1]["img"], local["seq/c"][0])
        assert ds.get_data_info(1)["img_path"] == f"{url}/input/seq/c.png"
    finally:
        server.shutdown()
        server.server_close()
