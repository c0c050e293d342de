"""The classical row of ``make demo``: Wiener deconvolution fitted on the demo training pairs.

It is ``configs/demo/classical_wiener_demo.py`` run exactly as
``tools/fit_classical.py`` + ``tools/test.py`` would: the two parameters (Gaussian PSF
``sigma``, ``nsr``) are chosen by mean PSNR over the config's grid on its ``fit_cfg`` pairs
(the first 8 demo **training** images, whole), then the fitted filter restores the held-out
test images. No training, no test image seen by the fit.
"""

from __future__ import annotations

import time

from mmengine.config import Config

from restorekit.apis.classical_baseline import training_dataset_cfg, training_pairs
from restorekit.models.methods.classical.fit import grid_search

from .configs import find_config
from .training import predict_split, scores

CONFIG = "demo/classical_wiener_demo.py"


def run_classical_demo(data_root: str = "data/demo", cfg_options: dict | None = None
                       ) -> tuple[dict, list]:
    """Fit and evaluate the demo Wiener baseline (``cfg_options`` merged into its config, e.g.
    ``{'fit_cfg.num_images': 1}`` for a quick test).

    Returns ``(row, samples)``: ``row`` has ``label``, ``iters`` ('-'), ``seconds`` (fit wall
    time), ``psnr``, ``ssim``, ``params`` and ``fit_psnr`` (on the training pairs); ``samples``
    are the test :class:`DataSample` list (``pred_img``, ``input_img``, ``gt_img``).
    """
    from mmengine.registry import init_default_scope

    from restorekit.registry import MODELS

    cfg = Config.fromfile(str(find_config(CONFIG)))
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    init_default_scope(cfg.get("default_scope", "restorekit"))
    dataset = training_dataset_cfg(cfg)
    dataset["root"] = data_root
    fit_cfg = cfg.get("fit_cfg") or {}
    pairs = training_pairs(dataset, fit_cfg.get("num_images", 8), crop=fit_cfg.get("crop"))
    model = MODELS.build(cfg.model).eval()
    start = time.perf_counter()
    fit = grid_search(model, pairs, fit_cfg.get("grid"))
    seconds = time.perf_counter() - start
    samples = predict_split(model, data_root, split="test")
    params = ", ".join(f"{k} {v:g}" for k, v in fit["best"].items())
    row = dict(label=f"classical: Wiener ({params}; fitted on {len(pairs)} training images)",
               iters="-", seconds=seconds, params=fit["best"], fit_psnr=fit["psnr"],
               **scores(samples))
    return row, samples
