"""The realistic-blur section of ``make demo``: the joint BGAN + DBGAN demo config with the
gated BGAN (KernelBlurGenerator + LowPassLoss + RBL, docs/methods/bgan.md "Gate")."""

from __future__ import annotations

import os
from pathlib import Path

from .blur_gate import blur_realism
from .configs import find_config
from .grid import save_grid
from .training import predict_split, scores, train_config

CONFIG = "demo/realistic_blur_joint_kernel_demo.py"


def run_realistic_blur_demo(
    work_dir: str | os.PathLike = "work_dirs/realistic_blur_demo",
    data_root: str = "data/demo",
    config: str | os.PathLike | None = None,
    cfg_options: dict | None = None,
    out_png: str | os.PathLike | None = None,
    num_images: int = 3,
) -> dict:
    """Train the joint BGAN + DBGAN demo config with its own schedule and save
    ``sharp | real blur | BGAN blur | deblurred`` for held-out "real blur" test images.

    Returns ``dict(grid=path, seconds=..., deblurred=dict(psnr, ssim), input=dict(psnr, ssim),
    blur=blur-realism numbers of BGAN(sharp) vs the real blur)`` measured on the
    ``test_realblur`` pairs (``blur`` keys as :func:`restorekit.demo.blur_gate.blur_realism`:
    ``MeanRatioVsRef``, ``BandLogDist_max`` / ``_mean``, ``EdgeWidthRatio``, ...).
    """
    config = config or find_config(CONFIG)
    model, _, seconds = train_config(config, work_dir, data_root, cfg_options)
    samples = predict_split(model, data_root)
    rows = [[s.gt_img, s.input_img, s.synthetic_blur_img, s.pred_img]
            for s in samples[:: max(1, len(samples) // num_images)][:num_images]]
    out_png = out_png or Path(work_dir) / "realistic_blur_demo.png"
    grid = save_grid(rows, ["sharp", "real blur", "BGAN blur", "deblurred"], out_png)
    blur = blur_realism([dict(pred_img=s.synthetic_blur_img, input_img=s.gt_img,
                              gt_img=s.input_img) for s in samples])
    return dict(grid=grid, seconds=seconds, deblurred=scores(samples),
                input=scores(samples, "input_img"), blur=blur)
