"""run_realistic_blur_demo: two joint iterations on a tiny fake demo folder -> grid + scores."""

from pathlib import Path

import cv2
import numpy as np

from restorekit.demo.data import DEMO_VERSION
from restorekit.demo.grid import save_grid
from restorekit.demo.realistic_blur import run_realistic_blur_demo


def fake_demo(root: Path) -> Path:
    rng = np.random.default_rng(0)
    for sub in ("train/blur", "train/sharp", "train/real_blur", "test/blur", "test/sharp",
                "test_realblur/blur", "test_realblur/sharp"):
        (root / sub).mkdir(parents=True)
        for i in range(2):
            cv2.imwrite(str(root / sub / f"x_{i:02d}.png"),
                        rng.integers(0, 256, (72, 72, 3), dtype=np.uint8))
    (root / ".complete").write_text(f"version={DEMO_VERSION}\n")  # up to date: no rebuild
    return root


def test_run_realistic_blur_demo(tmp_path):
    root = fake_demo(tmp_path / "demo")
    result = run_realistic_blur_demo(tmp_path / "work", data_root=str(root), num_images=2,
                                     cfg_options={"train_cfg.max_iters": 2})
    grid = cv2.imread(str(result["grid"]))
    assert grid is not None and grid.shape[0] > 2 * 64 and grid.shape[1] > 4 * 64
    for key in ("deblurred", "input"):
        assert set(result[key]) == {"psnr", "ssim"} and np.isfinite(result[key]["psnr"])
    assert (tmp_path / "work" / "iter_2.pth").is_file()
    assert {"MeanRatioVsRef", "BandLogDist_max", "EdgeWidthRatio"} <= set(result["blur"])


def test_make_demo_prints_blur_realism(tmp_path, capsys):
    from restorekit.demo.run import main

    root = fake_demo(tmp_path / "demo")
    main(["--methods", "realistic", "--work-dir", str(tmp_path / "w"), "--data-root",
          str(root), "--cfg-options", "train_cfg.max_iters=2"])
    out = capsys.readouterr().out
    assert "BGAN blur vs real blur: mean ratio" in out and "edge-width ratio" in out


def test_save_grid_crops_and_labels(tmp_path):
    import torch

    rows = [[torch.rand(3, 40, 50), torch.zeros(3, 40, 50)]] * 3
    path = save_grid(rows, ["a", "b"], tmp_path / "g.png", crop=32, gap=2)
    img = cv2.imread(str(path))
    assert img.shape == (16 + 3 * (32 + 2), 2 * (32 + 2), 3)
