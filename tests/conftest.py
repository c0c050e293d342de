"""Shared fixtures: a tiny paired dataset on disk and a tiny DBGAN config."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest

os.environ.setdefault("OMP_NUM_THREADS", "1")
REPO = Path(__file__).resolve().parents[1]


def write_pairs(root: Path, count: int = 4, size: int = 48, seed: int = 0) -> Path:
    """``root/{blur,sharp}/img_<i>.png``: smooth random sharp images and a box-blurred copy."""
    rng = np.random.default_rng(seed)
    (root / "blur").mkdir(parents=True, exist_ok=True)
    (root / "sharp").mkdir(parents=True, exist_ok=True)
    for i in range(count):
        small = rng.integers(0, 256, (size // 4, size // 4, 3), dtype=np.uint8)
        sharp = cv2.resize(small, (size, size), interpolation=cv2.INTER_NEAREST)
        blur = cv2.blur(sharp, (5, 5))
        cv2.imwrite(str(root / "sharp" / f"img_{i}.png"), sharp)
        cv2.imwrite(str(root / "blur" / f"img_{i}.png"), blur)
    return root


@pytest.fixture
def tiny_pairs(tmp_path: Path) -> Path:
    return write_pairs(tmp_path / "data")


def tiny_dbgan_config(data_root: Path, work_dir: Path, max_iters: int = 2) -> str:
    """Write a complete, tiny DBGAN config (real Runner, real data files) and return its path."""
    text = f"""
_base_ = [{str(REPO / 'configs/_base_/default_runtime.py')!r}]
data_root = {str(data_root)!r}
train_pipeline = [
    dict(type="LoadImageFromFile", key="img"),
    dict(type="LoadImageFromFile", key="gt"),
    dict(type="PairedRandomCrop", crop_size=32, keys=("img", "gt")),
    dict(type="Flip", keys=("img", "gt"), direction="horizontal", prob=0.5),
    dict(type="PackInputs", input_key="img", image_keys=("gt",)),
]
test_pipeline = [
    dict(type="LoadImageFromFile", key="img"),
    dict(type="LoadImageFromFile", key="gt"),
    dict(type="PackInputs", input_key="img", image_keys=("gt",)),
]
train_dataloader = dict(
    batch_size=2, num_workers=0,
    sampler=dict(type="InfiniteSampler", shuffle=True),
    dataset=dict(type="PairedImageDataset", data_root=data_root, layout="folders",
                 input_dir="blur", target_dir="sharp", pipeline=train_pipeline),
)
val_dataloader = dict(
    batch_size=1, num_workers=0,
    sampler=dict(type="DefaultSampler", shuffle=False),
    dataset=dict(type="PairedImageDataset", data_root=data_root, layout="folders",
                 input_dir="blur", target_dir="sharp", test_mode=True, pipeline=test_pipeline),
)
test_dataloader = val_dataloader
val_evaluator = dict(type="Evaluator", metrics=[dict(type="PSNR"), dict(type="SSIM")])
test_evaluator = val_evaluator
model = dict(
    type="DBGAN",
    generator=dict(type="RRDBNet", mid_channels=8, num_blocks=1, growth_channels=4),
    discriminator=dict(type="GlobalPoolDiscriminator", base_channels=4, num_stages=3, norm="none"),
    pixel_loss=dict(type="L1Loss", loss_weight=1.0),
    gan_loss=dict(type="RelativisticAverageLoss", mode="ls", loss_weight=0.01),
)
optim_wrapper = dict(
    constructor="MultiOptimWrapperConstructor",
    generator=dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=1e-3)),
    discriminator=dict(type="OptimWrapper", optimizer=dict(type="Adam", lr=1e-3)),
)
param_scheduler = dict(
    type="CosineAnnealingLR", T_max={max_iters}, end={max_iters}, eta_min=1e-5, by_epoch=False
)
train_cfg = dict(type="IterBasedTrainLoop", max_iters={max_iters}, val_interval={max_iters})
val_cfg = dict(type="ValLoop")
test_cfg = dict(type="TestLoop")
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval={max_iters}))
work_dir = {str(work_dir)!r}
"""
    path = work_dir.parent / "tiny_dbgan.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


@pytest.fixture
def tiny_config(tmp_path: Path, tiny_pairs: Path) -> str:
    return tiny_dbgan_config(tiny_pairs, tmp_path / "work")


@pytest.fixture
def make_tiny_config():
    """The :func:`tiny_dbgan_config` writer, for tests that need several configs."""
    return tiny_dbgan_config
