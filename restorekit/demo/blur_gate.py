"""The BGAN gate: does a learned blur generator produce blur like the demo's real-blur domain?

``docs/methods/bgan.md`` ("Gate"). A BGAN config is trained with its own demo schedule (or a
checkpoint is loaded), then BGAN(sharp) is computed for the sharp images of the held-out
``test_realblur`` pairs (noise seeded by the model's ``test_noise_seed``) and compared with
the real blur of the same sharp images by the blur-realism metrics
(:mod:`restorekit.evaluation.metrics.blur_realism`). Three criteria, each PASS / FAIL:

(i)   tone: ``MeanRatio / RefMeanRatio`` within ``1 +- mean_tol`` (0.03);
(ii)  spectrum: in every band, ``BandRatio_i / RefBandRatio_i`` within a factor
      ``band_factor`` (2) either way, i.e. ``BandLogDist_max <= log2(band_factor)``;
(iii) smear: ``EdgeWidthRatio = EdgeWidth / RefEdgeWidth`` within ``1 +- edge_tol`` (0.30).

The test images are used only to measure these three numbers; nothing is fitted on them.
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

import torch

from restorekit.evaluation.metrics.blur_realism import (
    BandEnergyProfile,
    EdgeWidth,
    MeanIntensityRatio,
)

from .data import build_demo_dataset
from .grid import save_grid
from .training import load_demo_config, predict_split, train_config

__all__ = ["GATE", "blur_realism", "gate_checks", "gate_table", "load_model", "run_gate"]

#: the gate's tolerances (docs/methods/bgan.md)
GATE = dict(mean_tol=0.03, band_factor=2.0, edge_tol=0.30)


def blur_realism(samples: list) -> dict[str, float]:
    """Blur-realism numbers of BGAN samples (``pred_img`` = BGAN(sharp), ``input_img`` =
    sharp, ``gt_img`` = real blur): the keys of MeanIntensityRatio, BandEnergyProfile and
    EdgeWidth."""
    out: dict[str, float] = {}
    for metric in (MeanIntensityRatio(), BandEnergyProfile(), EdgeWidth()):
        metric.process({}, samples)
        out.update(metric.compute_metrics(metric.results))
    return out


def gate_checks(m: dict[str, float], mean_tol: float = GATE["mean_tol"],
                band_factor: float = GATE["band_factor"],
                edge_tol: float = GATE["edge_tol"]) -> list[dict]:
    """The three criteria as rows ``dict(criterion, value, target, passed)``."""
    mean = m["MeanRatioVsRef"]
    bands = sorted(int(k.split("_")[1]) for k in m if k.startswith("BandRatio_"))
    factors = [m[f"BandRatio_{i}"] / m[f"RefBandRatio_{i}"] for i in bands]
    worst = max(factors, key=lambda f: abs(math.log2(max(f, 1e-12))))
    edge = m["EdgeWidthRatio"]
    return [
        dict(criterion="(i) mean ratio vs real", value=f"{mean:.3f}",
             target=f"{1 - mean_tol:.2f}-{1 + mean_tol:.2f}", passed=abs(mean - 1) <= mean_tol),
        dict(criterion=f"(ii) band ratio vs real, worst of {len(bands)} bands",
             value=f"x{worst:.2f}", target=f"x{1 / band_factor:.2f}-x{band_factor:.2f}",
             passed=all(1 / band_factor <= f <= band_factor for f in factors)),
        dict(criterion="(iii) edge width vs real", value=f"{edge:.2f}",
             target=f"{1 - edge_tol:.2f}-{1 + edge_tol:.2f}", passed=abs(edge - 1) <= edge_tol),
    ]


def gate_table(m: dict[str, float], checks: list[dict]) -> str:
    """Markdown: the three criteria (PASS / FAIL), then the band profiles and edge widths."""
    bands = sorted(int(k.split("_")[1]) for k in m if k.startswith("BandRatio_"))
    lines = ["| criterion | BGAN | target | result |", "|---|---|---|---|"]
    lines += [f"| {c['criterion']} | {c['value']} | {c['target']} | "
              f"{'PASS' if c['passed'] else 'FAIL'} |" for c in checks]
    lines += ["", "| | mean ratio | " + " | ".join(f"band {i}" for i in bands)
              + " | edge width (px) |", "|---|---|" + "---|" * len(bands) + "---|"]
    for name, pre, mean, edge in (("BGAN(sharp)", "", "MeanRatio", "EdgeWidth"),
                                  ("real blur", "Ref", "RefMeanRatio", "RefEdgeWidth")):
        lines.append(f"| {name} | {m[mean]:.3f} | "
                     + " | ".join(f"{m[f'{pre}BandRatio_{i}']:.3f}" for i in bands)
                     + f" | {m[edge]:.2f} |")
    lines.append("| sharp input | 1.000 | " + " | ".join("1.000" for _ in bands)
                 + f" | {m['InputEdgeWidth']:.2f} |")
    return "\n".join(lines)


def load_model(config: str | os.PathLike, checkpoint: str | os.PathLike,
               data_root: str = "data/demo") -> torch.nn.Module:
    """Build ``config``'s model and load ``checkpoint`` (safe loading) -> eval mode."""
    from mmengine.registry import init_default_scope
    from mmengine.runner import load_checkpoint

    from restorekit.engine.safe_checkpoint import allow_mmengine_checkpoint_globals
    from restorekit.registry import MODELS

    cfg = load_demo_config(config, "work_dirs/unused", data_root)
    init_default_scope("restorekit")
    allow_mmengine_checkpoint_globals()
    model = MODELS.build(cfg.model)
    load_checkpoint(model, str(checkpoint), map_location="cpu")
    return model.eval()


def run_gate(config: str | os.PathLike, checkpoint: str | os.PathLike | None = None,
             work_dir: str | os.PathLike = "work_dirs/bgan_gate", data_root: str = "data/demo",
             cfg_options: dict | None = None, seed: int = 0, num_images: int = 4) -> dict:
    """Train ``config`` (its own schedule; ``cfg_options`` merged) or load ``checkpoint``,
    measure the gate on ``test_realblur`` and save ``sharp | real blur | BGAN blur``.

    Returns ``dict(metrics, checks, passed, table, grid, seconds, checkpoint)``.
    """
    build_demo_dataset(data_root)
    start = time.perf_counter()
    if checkpoint is None:
        model, checkpoint, _ = train_config(config, work_dir, data_root, cfg_options, seed=seed)
    else:
        model = load_model(config, checkpoint, data_root)
    samples = predict_split(model, data_root, "test_realblur")
    metrics = blur_realism(samples)
    checks = gate_checks(metrics)
    step = max(1, len(samples) // num_images)
    rows = [[s.input_img, s.gt_img, s.pred_img] for s in samples[::step][:num_images]]
    grid = save_grid(rows, ["sharp", "real blur", "BGAN(sharp)"],
                     Path(work_dir) / "gate_grid.png", crop=None)
    return dict(metrics=metrics, checks=checks, passed=all(c["passed"] for c in checks),
                table=gate_table(metrics, checks), grid=grid,
                seconds=time.perf_counter() - start, checkpoint=str(checkpoint))
