"""PairedImageDataset: GoPro / folders / list layouts and their errors."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from restorekit.datasets.errors import DatasetLayoutError
from restorekit.registry import DATASETS


def _write(path: Path, value: int = 0, shape=(8, 10)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), np.full((*shape, 3), value, np.uint8))
    return path


def _build(**cfg):
    return DATASETS.build(dict(type="PairedImageDataset", **cfg))


def _gopro(root: Path, seqs=("GOPR0372_07_00", "GOPR0374_11_00"), names=("000047", "000048")):
    for seq in seqs:
        for sub in ("blur", "blur_gamma", "sharp"):
            for n in names:
                _write(root / "train" / seq / sub / f"{n}.png")
    return root


def test_gopro_layout_keys_and_paths(tmp_path):
    _gopro(tmp_path)
    ds = _build(data_root=str(tmp_path), layout="gopro", split="train")
    assert len(ds) == 4
    info = ds.get_data_info(0)
    assert info["key"] == "GOPR0372_07_00/000047"
    assert info["img_path"] == str(tmp_path / "train/GOPR0372_07_00/blur/000047.png")
    assert info["gt_path"] == str(tmp_path / "train/GOPR0372_07_00/sharp/000047.png")
    assert [ds.get_data_info(i)["key"] for i in range(4)] == sorted(
        ds.get_data_info(i)["key"] for i in range(4)
    )
    gamma = _build(data_root=str(tmp_path), layout="gopro", blur_dir="blur_gamma")
    assert "/blur_gamma/" in gamma.get_data_info(3)["img_path"]


def test_gopro_errors(tmp_path):
    with pytest.raises(DatasetLayoutError, match="does not exist"):
        _build(data_root=str(tmp_path), layout="gopro", split="test")
    _gopro(tmp_path, seqs=("A", "B"))
    for f in (tmp_path / "train/B/sharp").iterdir():
        f.unlink()
    (tmp_path / "train/B/sharp").rmdir()
    with pytest.raises(DatasetLayoutError, match=r"missing: '.*B/sharp'"):
        _build(data_root=str(tmp_path), layout="gopro")
    flat = tmp_path / "flat"
    _write(flat / "test/blur/0.png")
    _write(flat / "test/sharp/0.png")
    with pytest.raises(DatasetLayoutError, match="layout='folders'"):
        _build(data_root=str(flat), layout="gopro", split="test")
    with pytest.raises(DatasetLayoutError, match="Unknown layout"):
        _build(data_root=str(flat), layout="hide")


def test_folders_defaults_and_explicit(tmp_path):
    for name in ("a", "b"):
        _write(tmp_path / "blur" / f"{name}.png")
        _write(tmp_path / "sharp" / f"{name}.png")
    ds = _build(data_root=str(tmp_path))  # no input/target: falls back to blur/sharp
    assert [ds.get_data_info(i)["key"] for i in range(2)] == ["a", "b"]
    for name in ("x/c", "d"):  # recursive, mixed-case extensions, non-images ignored
        _write(tmp_path / "input" / f"{name}.PNG")
        _write(tmp_path / "target" / f"{name}.jpg")
    (tmp_path / "input/notes.txt").write_text("not an image")
    ds = _build(data_root=str(tmp_path), layout="folders")  # input/target win
    assert [ds.get_data_info(i)["key"] for i in range(2)] == ["d", "x/c"]
    assert ds.get_data_info(1)["gt_path"].endswith("x/c.jpg")
    ds = _build(data_root=str(tmp_path), input_dir="blur", target_dir="sharp")
    assert len(ds) == 2 and ds.get_data_info(0)["img_path"].endswith("blur/a.png")
    ds = _build(data_root=str(tmp_path), data_prefix=dict(img="blur", gt="sharp"))  # mmagic
    assert ds.get_data_info(0)["gt_path"].endswith("sharp/a.png")


def test_folders_missing(tmp_path):
    with pytest.raises(DatasetLayoutError, match=r"tried .*input.*target.*blur.*sharp"):
        _build(data_root=str(tmp_path))
    with pytest.raises(DatasetLayoutError, match="both"):
        _build(data_root=str(tmp_path), input_dir="blur")


def test_empty_set(tmp_path):
    (tmp_path / "input").mkdir()
    (tmp_path / "target").mkdir()
    with pytest.raises(DatasetLayoutError, match=r"No images \(png/jpg.*input"):
        _build(data_root=str(tmp_path))


def test_unequal_counts_lists_first_five(tmp_path):
    for i in range(8):
        _write(tmp_path / "input" / f"{i:02d}.png")
    _write(tmp_path / "target/00.png")
    with pytest.raises(DatasetLayoutError) as err:
        _build(data_root=str(tmp_path))
    msg = str(err.value)
    assert "Unequal image counts: 8 in" in msg and "but 1 in" in msg
    assert "01.png" in msg and "05.png" in msg and "06.png" not in msg
    assert "(and 2 more)" in msg and "add the missing partners" in msg


def test_mismatched_names(tmp_path):
    _write(tmp_path / "input/a.png")
    _write(tmp_path / "input/b.png")
    _write(tmp_path / "target/a.png")
    _write(tmp_path / "target/c.png")
    with pytest.raises(DatasetLayoutError, match="do not match") as err:
        _build(data_root=str(tmp_path))
    assert "only in the input: '" in str(err.value) and "b.png" in str(err.value)
    assert "only in the target: '" in str(err.value) and "c.png" in str(err.value)


def test_same_name_two_extensions(tmp_path):
    _write(tmp_path / "input/a.png")
    _write(tmp_path / "input/a.jpg")
    _write(tmp_path / "target/a.png")
    with pytest.raises(DatasetLayoutError, match="same name"):
        _build(data_root=str(tmp_path))


def _realblur(root: Path) -> None:
    for scene in ("scene001", "scene002"):
        _write(root / "J" / scene / "blur/blur_1.png")
        _write(root / "J" / scene / "gt/gt_1.png")


def test_list_file(tmp_path):
    _realblur(tmp_path)
    (tmp_path / "list.txt").write_text(
        "# blurred sharp\n\nJ/scene001/blur/blur_1.png J/scene001/gt/gt_1.png\n"
        "  J/scene002/blur/blur_1.png\tJ/scene002/gt/gt_1.png  \n"
    )
    ds = _build(data_root=str(tmp_path), ann_file="list.txt")
    assert len(ds) == 2
    info = ds.get_data_info(1)
    assert info["key"] == "J/scene002/blur/blur_1"
    assert info["img_path"] == str(tmp_path / "J/scene002/blur/blur_1.png")
    assert info["gt_path"] == str(tmp_path / "J/scene002/gt/gt_1.png")
    # official RealBlur order: gt first
    (tmp_path / "rb.txt").write_text("J/scene001/gt/gt_1.png J/scene001/blur/blur_1.png\n")
    with pytest.raises(DatasetLayoutError, match=r"swapped.*ann_columns=\('gt', 'img'\)"):
        _build(data_root=str(tmp_path), ann_file="rb.txt")
    ds = _build(data_root=str(tmp_path), ann_file="rb.txt", ann_columns=("gt", "img"))
    assert ds.get_data_info(0)["img_path"].endswith("blur_1.png")


def test_list_file_errors(tmp_path):
    _realblur(tmp_path)
    with pytest.raises(DatasetLayoutError, match=r"does not exist.*ann_file"):
        _build(data_root=str(tmp_path), ann_file="nope.txt")
    (tmp_path / "bad.txt").write_text(
        "J/scene001/blur/blur_1.png J/scene001/gt/gt_1.png\nonly_one_path.png\n"
    )
    with pytest.raises(DatasetLayoutError, match=r"line 2: expected 2 .* got 1: 'only_one"):
        _build(data_root=str(tmp_path), ann_file="bad.txt")
    (tmp_path / "dangling.txt").write_text("J/scene009/blur/blur_1.png J/scene009/gt/gt_1.png\n")
    with pytest.raises(DatasetLayoutError, match=r"do not exist: .*scene009/blur/blur_1.png"):
        _build(data_root=str(tmp_path), ann_file="dangling.txt")
    (tmp_path / "empty.txt").write_text("# nothing\n\n")
    with pytest.raises(DatasetLayoutError, match="lists no images"):
        _build(data_root=str(tmp_path), ann_file="empty.txt")
    with pytest.raises(DatasetLayoutError, match="needs `ann_file`"):
        _build(data_root=str(tmp_path), layout="list")


@pytest.mark.parametrize("serialize", [True, False])
def test_pipeline_end_to_end(tmp_path, serialize):
    rng = np.random.default_rng(0)
    blur = rng.integers(0, 256, (12, 16, 3), dtype=np.uint8)
    sharp = rng.integers(0, 256, (12, 16, 3), dtype=np.uint8)
    (tmp_path / "input").mkdir()
    (tmp_path / "target").mkdir()
    cv2.imwrite(str(tmp_path / "input/k.png"), blur)
    cv2.imwrite(str(tmp_path / "target/k.png"), sharp)
    ds = _build(
        data_root=str(tmp_path), serialize_data=serialize, test_mode=True,
        pipeline=[
            dict(type="LoadImageFromFile", key="img"),
            dict(type="LoadImageFromFile", key="gt"),
            dict(type="PackInputs"),
        ],
    )
    out = ds[0]
    assert out["inputs"].shape == (3, 12, 16) and str(out["inputs"].dtype) == "torch.uint8"
    np.testing.assert_array_equal(out["inputs"].numpy().transpose(1, 2, 0), blur[..., ::-1])
    np.testing.assert_array_equal(out["gt"].numpy().transpose(1, 2, 0), sharp[..., ::-1])
    meta = out["data_samples"].metainfo
    assert meta["key"] == "k" and meta["ori_shape"] == (12, 16)
    assert meta["img_path"].endswith("input/k.png") and meta["gt_path"].endswith("target/k.png")


def test_lazy_init(tmp_path):
    ds = _build(data_root=str(tmp_path / "missing"), lazy_init=True)  # nothing scanned yet
    with pytest.raises(DatasetLayoutError):
        len(ds)
