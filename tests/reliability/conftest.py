"""Fixtures of the bad-input suite: a trained tiny checkpoint, a bare generator config."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

# --import-mode=importlib does not put test folders on sys.path; the test modules of this
# folder import their helpers from reliability_helpers.py
sys.path.insert(0, str(Path(__file__).resolve().parent))
from reliability_helpers import tiny_dbgan_config, tool, write_pairs


@pytest.fixture(scope="session")
def trained(tmp_path_factory):
    """A 4-iteration tiny DBGAN run (checkpoints at 2 and 4); copy before modifying."""
    root = tmp_path_factory.mktemp("trained")
    data = write_pairs(root / "data")
    work = root / "work"
    config = tiny_dbgan_config(data, work, max_iters=4)
    res = tool("train").main([config, "--cfg-options", "default_hooks.checkpoint.interval=2",
                              "default_hooks.checkpoint.max_keep_ckpts=2",
                              "log_level=WARNING"])
    assert res is None
    assert (work / "iter_2.pth").is_file() and (work / "iter_4.pth").is_file()
    return {"root": root, "data": data, "work": work, "config": config}


@pytest.fixture
def work_copy(trained, tmp_path):
    """A private copy of the trained work dir (last_checkpoint rewritten to point into it)."""
    work = tmp_path / "work"
    shutil.copytree(trained["work"], work, ignore=shutil.ignore_patterns("2*", "vis"))
    (work / "last_checkpoint").write_text(str(work / "iter_4.pth"))
    return work


@pytest.fixture(scope="session")
def plain_config(tmp_path_factory) -> str:
    """A bare RRDBNet config for tools/deblur.py (random weights with checkpoint 'none')."""
    path = tmp_path_factory.mktemp("cfg") / "rrdb.py"
    path.write_text("model = dict(type='RRDBNet', mid_channels=8, num_blocks=1, "
                    "growth_channels=4)\n")
    return str(path)
