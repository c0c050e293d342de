"""tools/demo.py end to end at a tiny iteration budget (the real run is `make demo`)."""

from __future__ import annotations

import cv2
from kit import load_tool


def test_demo_trains_evaluates_and_writes_table_and_grid(tmp_path):
    demo = load_tool("demo")
    work, data = tmp_path / "work", tmp_path / "demo_data"
    rows = demo.main(
        [
            "--work-dir",
            str(work),
            "--data-root",
            str(data),
            "--methods",
            "dbgan",
            "--cfg-options",
            "train_cfg.max_iters=2",
        ]
    )
    assert [r["label"] for r in rows] == ["DBGAN (RRDBNet + RDBL)"]
    assert rows[0]["iters"] == 2 and 10 < rows[0]["psnr"] < 50 and 0 < rows[0]["ssim"] <= 1
    report = (work / "results.md").read_text()
    assert "| blurry input |" in report and "| DBGAN (RRDBNet + RDBL) | 2 |" in report
    grid = cv2.imread(str(work / "demo_grid.png"))
    assert grid is not None and grid.shape[0] > 160 and grid.shape[1] > 3 * 160
    # the held-out test photos were generated next to the training ones
    assert (data / "test" / "blur").is_dir() and (data / "train" / "sharp").is_dir()
