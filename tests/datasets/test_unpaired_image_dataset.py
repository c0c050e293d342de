"""UnpairedImageDataset: domains, deterministic partner draw and errors."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pytest

from restorekit.datasets.errors import DatasetLayoutError
from restorekit.registry import DATASETS


def _write(path: Path, value: int = 0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), np.full((6, 7, 3), value, np.uint8))


def _domains(root: Path, n_sharp: int = 3, n_blur: int = 5) -> None:
    for i in range(n_sharp):
        _write(root / "sharp" / f"s{i}.png", i)
    for i in range(n_blur):
        _write(root / "real" / "cam" / f"b{i}.jpg", 100 + i)


def _build(root: Path, **cfg):
    cfg.setdefault("domains", dict(gt=dict(dir="sharp"), real_blur=dict(dir="real")))
    return DATASETS.build(dict(type="UnpairedImageDataset", data_root=str(root), **cfg))


def _partners(ds, key="real_blur_path"):
    return [ds.get_data_info(i)[key] for i in range(len(ds))]


def test_index_domain_and_data_info(tmp_path):
    _domains(tmp_path)
    ds = _build(tmp_path)
    assert len(ds) == 3
    info = ds.get_data_info(1)
    assert info["key"] == "s1" and info["gt_path"] == str(tmp_path / "sharp/s1.png")
    assert info["real_blur_path"].startswith(str(tmp_path / "real/cam/b"))
    ds = _build(tmp_path, index_domain="real_blur")
    assert len(ds) == 5 and ds.get_data_info(0)["key"] == "cam/b0"
    assert "gt_path" in ds.get_data_info(4)


def test_partners_deterministic_and_seeded(tmp_path):
    _domains(tmp_path)
    a, b = _build(tmp_path, seed=3), _build(tmp_path, seed=3, serialize_data=False)
    assert _partners(a) == _partners(b) == _partners(a)  # repeatable, call order irrelevant
    assert [a.get_data_info(i)["real_blur_path"] for i in (2, 0, 1)] == [
        _partners(a)[i] for i in (2, 0, 1)
    ]
    draws = {tuple(_partners(_build(tmp_path, seed=s))) for s in range(6)}
    assert len(draws) > 1  # the seed matters


def test_partners_cover_domain(tmp_path):
    _domains(tmp_path, n_sharp=7, n_blur=3)  # 7 items, 3 partners: each used 2 or 3 times
    ds = _build(tmp_path)
    counts = Counter(_partners(ds))
    assert len(counts) == 3 and sorted(counts.values()) == [2, 2, 3]
    first_cycle = _partners(ds)[:3]
    assert len(set(first_cycle)) == 3  # a permutation: no repeat before every image is used


def test_set_epoch_redraws(tmp_path):
    _domains(tmp_path, n_sharp=6, n_blur=6)
    ds = _build(tmp_path)
    epoch0 = _partners(ds)
    ds.set_epoch(1)
    epoch1 = _partners(ds)
    assert sorted(epoch0) == sorted(epoch1) and epoch0 != epoch1
    ds.set_epoch(0)
    assert _partners(ds) == epoch0


def test_list_file_domain_and_str_shorthand(tmp_path):
    _domains(tmp_path)
    (tmp_path / "blur.txt").write_text("# real blur\nreal/cam/b4.jpg\n\nreal/cam/b2.jpg\n")
    ds = _build(tmp_path, domains=dict(img=dict(ann_file="blur.txt"), gt="sharp"))
    assert len(ds) == 2
    assert ds.get_data_info(0)["img_path"] == str(tmp_path / "real/cam/b4.jpg")  # file order
    assert ds.get_data_info(1)["key"] == "real/cam/b2"
    assert ds.get_data_info(0)["gt_path"].startswith(str(tmp_path / "sharp"))


def test_pipeline_loads_every_domain(tmp_path):
    _domains(tmp_path)
    ds = _build(
        tmp_path,
        pipeline=[
            dict(type="LoadImageFromFile", key="gt"),
            dict(type="LoadImageFromFile", key="real_blur"),
            dict(type="PackInputs", input_key="gt", image_keys=("real_blur",)),
        ],
    )
    out = ds[2]
    assert out["inputs"].shape == (3, 6, 7) and int(out["inputs"].max()) == 2
    assert out["real_blur"].shape == (3, 6, 7)
    assert out["data_samples"].metainfo["real_blur_path"] == ds.get_data_info(2)["real_blur_path"]


def test_errors(tmp_path):
    _domains(tmp_path)
    with pytest.raises(DatasetLayoutError, match=r"Domain 'real_blur' folder .*nope.* not exist"):
        _build(tmp_path, domains=dict(gt=dict(dir="sharp"), real_blur=dict(dir="nope")))
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetLayoutError, match="Domain 'real_blur' is empty"):
        _build(tmp_path, domains=dict(gt=dict(dir="sharp"), real_blur=dict(dir="empty")))
    with pytest.raises(DatasetLayoutError, match="exactly one of dir"):
        _build(tmp_path, domains=dict(gt=dict(dir="sharp", ann_file="x.txt")))
    with pytest.raises(DatasetLayoutError, match="non-empty dict"):
        _build(tmp_path, domains={})
    with pytest.raises(DatasetLayoutError, match="index_domain='img'"):
        _build(tmp_path, index_domain="img")
    with pytest.raises(DatasetLayoutError, match="seed"):
        _build(tmp_path, seed=-1)
    (tmp_path / "bad.txt").write_text("real/cam/b0.jpg real/cam/b1.jpg\n")
    with pytest.raises(DatasetLayoutError, match="line 1: expected 1"):
        _build(tmp_path, domains=dict(gt="sharp", real_blur=dict(ann_file="bad.txt")))
    (tmp_path / "gone.txt").write_text("real/cam/b9.jpg\n")
    with pytest.raises(DatasetLayoutError, match=r"do not exist: .*b9.jpg"):
        _build(tmp_path, domains=dict(gt="sharp", real_blur=dict(ann_file="gone.txt")))
