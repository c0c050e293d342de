"""Shared fixtures: a tiny paired dataset on disk and a tiny DBGAN config (helpers: kit.py)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

# before anything imports torch (kit does): one OpenMP thread per test process
os.environ.setdefault("OMP_NUM_THREADS", "1")
# the automatic inference backend (deblur's default) neither measures candidates nor writes
# to ~/.cache during the suite: eager only, decisions in a throw-away folder (the measuring
# behaviour is tested in tests/apis/test_auto_backend.py, which overrides both)
os.environ.setdefault("RESTOREKIT_CACHE_DIR", tempfile.mkdtemp(prefix="restorekit-test-cache-"))
os.environ.setdefault("RESTOREKIT_AUTO_CANDIDATES", "eager")

import pytest
from kit import TINY_RRDBNET, tiny_discriminator, write_pairs

if os.path.basename(os.environ["RESTOREKIT_CACHE_DIR"]).startswith("restorekit-test-cache-"):
    atexit.register(shutil.rmtree, os.environ["RESTOREKIT_CACHE_DIR"], True)

REPO = Path(__file__).resolve().parents[1]


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
    generator={TINY_RRDBNET!r},
    discriminator={tiny_discriminator(num_stages=3)!r},
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
