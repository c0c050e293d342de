"""Blur2BlurDataset: A/B/C/D roles, aligned (C, D) crops, independent draws and errors."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pytest

from restorekit.datasets.errors import DatasetLayoutError, ImageReadError
from restorekit.registry import DATASETS

PIPELINE = [
    dict(type="LoadImageFromFile", key="img"),
    dict(type="LoadImageFromFile", key="sharp"),
    dict(type="LoadImageFromFile", key="known_blur"),
    dict(type="LoadImageFromFile", key="known_sharp"),
    dict(type="PairedRandomCrop", crop_size=16, keys=("img",)),
    dict(type="PairedRandomCrop", crop_size=16, keys=("sharp",)),
    dict(type="PairedRandomCrop", crop_size=16, keys=("known_blur", "known_sharp")),
    dict(type="PackInputs", input_key="img", image_keys=("sharp", "known_blur", "known_sharp")),
]


def _png(path: Path, img: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), img)


def _layout(root: Path, n_a: int = 4, n_b: int = 3, n_pairs: int = 5, phase: str = "train"):
    rng = np.random.default_rng(0)
    for i in range(n_a):
        _png(root / f"{phase}A" / f"a{i}.png", rng.integers(0, 256, (24, 30, 3), np.uint8))
    for i in range(n_b):
        _png(root / f"{phase}B" / f"b{i}.png", rng.integers(0, 256, (20, 26, 3), np.uint8))
    for i in range(n_pairs):  # C = 255 - D pixel by pixel, so alignment is checkable after crops
        sharp = rng.integers(0, 256, (28, 32, 3), np.uint8)
        _png(root / f"{phase}D" / f"p{i}.png", sharp)
        _png(root / f"{phase}C" / f"p{i}.png", 255 - sharp)
    return root


def _build(root: Path, **cfg):
    return DATASETS.build(dict(type="Blur2BlurDataset", data_root=str(root), **cfg))


def test_built_from_config_yields_four_images_with_aligned_known_pair(tmp_path):
    ds = _build(_layout(tmp_path), pipeline=PIPELINE)
    assert len(ds) == 4
    np.random.seed(0)
    for i in range(len(ds)):
        item = ds[i]
        assert tuple(item["inputs"].shape) == (3, 16, 16)
        for key in ("sharp", "known_blur", "known_sharp"):
            assert tuple(item[key].shape) == (3, 16, 16)
        assert (item["known_blur"].int() + item["known_sharp"].int() == 255).all()
        meta = item["data_samples"].metainfo
        assert meta["img_path"] == str(tmp_path / "trainA" / f"a{i}.png")
        assert meta["sharp_path"].startswith(str(tmp_path / "trainB"))
        assert Path(meta["known_blur_path"]).parent.name == "trainC"
        assert Path(meta["known_sharp_path"]).parent.name == "trainD"
        assert Path(meta["known_blur_path"]).name == Path(meta["known_sharp_path"]).name


def test_b_and_known_pairs_drawn_independently_and_covering(tmp_path):
    ds = _build(_layout(tmp_path, n_a=10, n_b=2, n_pairs=5), seed=1)
    infos = [ds.get_data_info(i) for i in range(10)]
    b_names = Counter(Path(i["sharp_path"]).stem for i in infos)
    pair_names = Counter(Path(i["known_blur_path"]).stem for i in infos)
    assert b_names == {"b0": 5, "b1": 5}  # every B once per cycle of 2
    assert pair_names == {f"p{j}": 2 for j in range(5)}  # every pair once per cycle of 5
    assert all(Path(i["known_blur_path"]).stem == Path(i["known_sharp_path"]).stem
               for i in infos)
    again = _build(tmp_path, seed=1)
    assert [again.get_data_info(i) for i in range(10)] == infos  # seeded, reproducible


def test_split_ratio_keeps_first_a_and_last_b(tmp_path):
    ds = _build(_layout(tmp_path, n_a=5, n_b=5), split_ratio=0.6)
    assert len(ds) == 3 and ds.get_data_info(2)["key"] == "a2"
    assert {Path(ds.get_data_info(i)["sharp_path"]).stem for i in range(3)} == {"b3", "b4"}
    with pytest.raises(DatasetLayoutError, match="split_ratio"):
        _build(tmp_path, split_ratio=0.1)


def test_test_mode_reads_only_test_a(tmp_path):
    _layout(tmp_path, n_a=2, phase="test")
    (tmp_path / "testB").rename(tmp_path / "unused")  # B/C/D are not needed for testing
    ds = _build(tmp_path, phase="test", test_mode=True)
    assert len(ds) == 2 and set(ds.get_data_info(0)) >= {"img_path", "key"}
    assert "sharp_path" not in ds.get_data_info(0)


def test_missing_and_empty_folders_name_role_folder_and_fix(tmp_path):
    _layout(tmp_path)
    (tmp_path / "trainB").rename(tmp_path / "elsewhere")
    with pytest.raises(DatasetLayoutError,
                       match=r"Blur2Blur B \(unknown-domain sharp.*trainB' does not exist.*"
                             r"folders=dict\(B="):
        _build(tmp_path)
    for f in (tmp_path / "trainD").iterdir():
        f.unlink()
    with pytest.raises(DatasetLayoutError, match=r"Blur2Blur D .*trainD' has no images"):
        _build(tmp_path, folders=dict(B="elsewhere"))


def test_unequal_or_mismatched_known_pairs_list_the_files(tmp_path):
    _layout(tmp_path)
    (tmp_path / "trainD" / "p4.png").unlink()
    with pytest.raises(DatasetLayoutError,
                       match=r"Unequal image counts: 5 in C .*trainC' but 4 in D .*p4\.png"):
        _build(tmp_path)
    (tmp_path / "trainC" / "p4.png").rename(tmp_path / "trainC" / "q4.png")
    _png(tmp_path / "trainD" / "r4.png", np.zeros((28, 32, 3), np.uint8))
    with pytest.raises(DatasetLayoutError, match=r"names do not match.*q4\.png.*r4\.png"):
        _build(tmp_path)


def test_unreadable_image_names_the_file(tmp_path):
    _layout(tmp_path, n_b=1)
    (tmp_path / "trainB" / "b0.png").write_bytes(b"not a png at all")
    ds = _build(tmp_path, pipeline=PIPELINE)
    with pytest.raises(ImageReadError, match=r"trainB/b0\.png"):
        ds[0]


def test_bad_arguments(tmp_path):
    _layout(tmp_path)
    with pytest.raises(DatasetLayoutError, match=r"unknown role.*'E'"):
        _build(tmp_path, folders=dict(E="x"))
    with pytest.raises(DatasetLayoutError, match="must differ"):
        _build(tmp_path, keys=dict(B="img"))
    ds = _build(tmp_path, folders=dict(C="trainD", D="trainC"), keys=dict(A="gt"))
    info = ds.get_data_info(0)
    assert Path(info["known_blur_path"]).parent.name == "trainD" and "gt_path" in info
