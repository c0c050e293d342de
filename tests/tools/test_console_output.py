"""What train / test print: dumps to the log file only, progress bars, --show-dir grids,
--auto-scale-lr applied to every optimizer."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import cv2
import pytest
import torch

from restorekit.engine.console import DumpFilter, configure_console

REPO = Path(__file__).resolve().parents[2]


def load_tool(relative: str):
    path = REPO / relative
    spec = importlib.util.spec_from_file_location(f"rk_tool_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dump_filter_drops_only_the_dumps():
    def record(msg: str) -> logging.LogRecord:
        return logging.LogRecord("x", logging.INFO, __file__, 1, msg, None, None)

    keep = DumpFilter()
    assert not keep.filter(record("\n" + "-" * 60 + "\nSystem environment:\n    sys.platform"))
    assert not keep.filter(record("Config:\nmodel = dict(...)"))
    assert not keep.filter(record("Hooks will be executed in the following order:\n(VERY_HIGH)"))
    assert not keep.filter(record('"FileClient" will be deprecated in future. Please use ...'))
    assert keep.filter(record("Iter(train) [2/2]  lr: 1e-3  loss: 0.5"))
    assert keep.filter(record("The model and loaded state dict do not match exactly"))


def test_quiet_console_keeps_file_handler_at_info(tmp_path):
    logger = logging.getLogger("rk_console_test")
    console, file = logging.StreamHandler(), logging.FileHandler(tmp_path / "x.log")
    for h in (console, file):
        h.setLevel(logging.INFO)
        logger.addHandler(h)
    try:
        configure_console(logger, "quiet")
        assert console.level == logging.WARNING and file.level == logging.INFO
        assert any(isinstance(f, DumpFilter) for f in console.filters) and not file.filters
        with pytest.raises(ValueError, match="console mode"):
            configure_console(logger, "loud")
    finally:
        for h in (console, file):
            logger.removeHandler(h)
            h.close()


def test_train_scales_lr_and_test_shows_grids_and_progress(tmp_path, tiny_config, capsys):
    work = tmp_path / "work"
    load_tool("tools/train.py").main([
        tiny_config, "--work-dir", str(work), "--auto-scale-lr",
        "--cfg-options", "auto_scale_lr.base_batch_size=1"])  # batch 2 on 1 process: x2
    out = capsys.readouterr().out
    assert "System environment" not in out and "Config:\n" not in out
    assert "Iter(train)" in out  # training log lines stay on the console
    log = next(work.glob("*/*.log")).read_text()
    assert "System environment" in log and "Scaling the original LR by 2.0" in log
    ckpt = torch.load(work / "iter_2.pth", map_location="cpu", weights_only=False)
    for name in ("generator", "discriminator"):  # every optimizer of the OptimWrapperDict
        assert ckpt["optimizer"][name]["param_groups"][0]["initial_lr"] == pytest.approx(2e-3)

    shows = tmp_path / "grids"
    load_tool("tools/test.py").main([tiny_config, str(work / "iter_2.pth"),
                                     "--show-dir", str(shows)])
    captured = capsys.readouterr()
    assert "System environment" not in captured.out
    assert "test: 100%" in captured.err and "4/4" in captured.err  # the progress bar
    grids = sorted(p.name for p in shows.glob("*.png"))
    assert grids == [f"img_{i}.png" for i in range(4)]  # every image, not max_samples
    grid = cv2.imread(str(shows / "img_0.png"))
    assert grid.shape[1] > 3 * 48  # input | restored | sharp side by side


def test_auto_scale_lr_without_base_batch_is_a_one_line_error(tiny_config, capsys):
    with pytest.raises(SystemExit) as exit_info:
        load_tool("tools/train.py").main([tiny_config, "--auto-scale-lr"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and "base_batch_size" in err and len(err.splitlines()) == 1
