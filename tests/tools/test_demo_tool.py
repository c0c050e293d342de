"""tools/demo.py end to end at a tiny iteration budget (the real run is `make demo`)."""

from __future__ import annotations

import cv2
from kit import load_tool


def test_demo_trains_evaluates_and_writes_table_and_grid(tmp_path, capsys):
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
    # the console: headers, progress bars (stderr) and the final table, no mmengine log lines
    captured = capsys.readouterr()
    assert "| DBGAN (RRDBNet + RDBL) | 2 |" in captured.out
    assert " - mmengine - " not in captured.out and "System environment" not in captured.out
    assert "dbgan_demo: 100%" in captured.err


def test_demo_classical_and_nafnet_rows(tmp_path):
    demo = load_tool("demo")
    work, data = tmp_path / "work", tmp_path / "demo_data"
    rows = demo.main(["--work-dir", str(work), "--data-root", str(data),
                      "--methods", "wiener,nafnet", "--cfg-options", "train_cfg.max_iters=2",
                      "fit_cfg.num_images=2"])
    classical, nafnet = rows
    assert classical["label"].startswith("classical: Wiener (sigma ")
    assert classical["iters"] == "-" and set(classical["params"]) == {"sigma", "nsr"}
    assert classical["label"].endswith("fitted on 2 training images)")
    assert nafnet["label"] == "NAFNet (width 16, PSNRLoss)" and nafnet["iters"] == 2
    report = (work / "results.md").read_text()
    blurry = float(report.split("| blurry input | - | - | ")[1].split(" |")[0])
    # the fitted filter beats the blurry input on the held-out images (training-free)
    assert classical["psnr"] > blurry + 0.5
    assert 5 < nafnet["psnr"] < 60 and 0 < nafnet["ssim"] <= 1  # two steps: scored, finite
    assert "Time per section (wall s / CPU s of this process): wiener " in report
    assert ", nafnet " in report
