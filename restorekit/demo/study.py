"""The realistic-blur study (docs/experiments/realistic_blur.md): arms, seeds, verdict.

Each arm is a config (``configs/demo/study/``) registered in :data:`ARMS` with a kind that says
how it trains (``dbgan``, ``separate``, ``joint``, ``blur2blur``: the Blur2Blur arm in
:mod:`restorekit.demo.study_blur2blur`, which deblurs with arm A1's checkpoint of the same
seed, so A1 units are scheduled first). Every (arm, seed) unit trains with the config's own
schedule (or ``iters`` for tiny test budgets), is evaluated on the held-out ``test_realblur``
pairs and the synthetic ``test`` split, and writes ``<work>/<arm>/seed<k>/result.json``; an
existing result is reused (``force=False``), so a study can be resumed or split over processes
(``arms=``/``seeds=``) and aggregated afterwards. Units run in ``jobs`` spawned processes.

The verdict (:func:`verdict`) applies the rules written in the study doc before the run.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from pathlib import Path

import torch

from .blur_gate import blur_realism, gate_checks
from .configs import find_config
from .data import build_demo_dataset
from .grid import save_grid
from .study_arms import ARMS, CANDIDATES
from .study_blur2blur import run_blur2blur_unit
from .study_report import load_results, report, summarize, verdict
from .training import load_demo_config, predict_split, scores, train_config

__all__ = ["ARMS", "CANDIDATES", "load_results", "report", "run_study", "summarize",
           "verdict"]

BGAN_CONFIG = "demo/bgan_kernel_demo.py"
WIENER_CONFIG = "demo/study/a0_wiener.py"
GRID_IMAGES = (0, 9, 18)  # one crop of each test photo


def schedule_options(iters: int | None) -> dict:
    """cfg_options that replace a config's schedule by ``iters`` iterations (None: none)."""
    if iters is None:
        return {}
    return {"train_cfg.max_iters": iters, "train_cfg.val_interval": iters + 1,
            "param_scheduler.T_max": iters, "default_hooks.checkpoint.interval": iters}


def bgan_options(kind: str) -> dict:
    """cfg_options that copy the gated BGAN (:data:`BGAN_CONFIG`) into a scheme-1 arm (its
    generator) or a joint arm (generator, content loss, RBL), so the arms always use the
    gated BGAN even if their own copies drift."""
    from mmengine.config import Config

    bgan = Config.fromfile(str(find_config(BGAN_CONFIG))).model
    opts = {"model.blur_generator": dict(bgan.generator.to_dict(), _delete_=True)}
    if kind == "joint":
        opts["model.blur_pixel_loss"] = dict(bgan.pixel_loss.to_dict(), _delete_=True)
        opts["model.blur_gan_loss"] = dict(bgan.gan_loss.to_dict(), _delete_=True)
    return opts


def _bgan_samples_from_joint(samples: list) -> list[dict]:
    """Joint-scheme samples -> BGAN-style (pred = BGAN(sharp), input = sharp, gt = real)."""
    return [dict(pred_img=s.synthetic_blur_img, input_img=s.gt_img, gt_img=s.input_img)
            for s in samples]


def _tiles(samples: list, field: str) -> torch.Tensor:
    return torch.stack([getattr(samples[i], field) if not isinstance(samples[i], dict)
                        else samples[i][field] for i in GRID_IMAGES if i < len(samples)])


def run_wiener(work: Path, data_root: str) -> dict:
    """A0: the blurry input and the Wiener baseline fitted on the naive training pairs."""
    from mmengine.registry import init_default_scope

    from restorekit.models.methods.classical.fit import grid_search
    from restorekit.registry import DATASETS, MODELS

    start = time.perf_counter()
    cfg = load_demo_config(find_config(WIENER_CONFIG), work / "A0", data_root)
    init_default_scope("restorekit")
    model = MODELS.build(cfg.model)
    fit = cfg.fit_cfg
    dataset = DATASETS.build(dict(fit.dataset, root=data_root))
    crop = fit.get("crop")
    pairs = []
    for i in range(min(fit.num_images, len(dataset))):
        item = dataset[i]
        b, s = item["inputs"].float() / 255.0, item["gt"].float() / 255.0
        if crop:
            h, w = b.shape[-2:]
            t, left = max(0, (h - crop) // 2), max(0, (w - crop) // 2)
            b, s = b[..., t:t + crop, left:left + crop], s[..., t:t + crop, left:left + crop]
        pairs.append((b, s))
    best = grid_search(model, pairs, dict(fit.grid))
    real = predict_split(model, data_root, "test_realblur")
    synth = predict_split(model, data_root, "test")
    return dict(arm="A0", wiener=dict(real=scores(real), synthetic=scores(synth)),
                wiener_params=best["best"],
                input=dict(real=scores(real, "input_img"), synthetic=scores(synth, "input_img")),
                seconds=time.perf_counter() - start,
                tiles=dict(sharp=_tiles(real, "gt_img"), real_blur=_tiles(real, "input_img"),
                           wiener=_tiles(real, "pred_img")))


def run_unit(arm: str, seed: int, work: str | os.PathLike, data_root: str = "data/demo",
             iters: int | None = None, threads: int = 1) -> dict:
    """Train and evaluate one (arm, seed); returns (and saves) its result dict."""
    torch.set_num_threads(threads)
    work = Path(work)
    out_dir = work / arm / f"seed{seed}"
    out_dir.mkdir(parents=True, exist_ok=True)
    marker = out_dir / "running"  # another unit (Blur2Blur's) may wait for this one
    marker.write_text(str(os.getpid()))
    try:
        return _run_unit(arm, seed, work, out_dir, data_root, iters, threads)
    finally:
        marker.unlink(missing_ok=True)


def _run_unit(arm: str, seed: int, work: Path, out_dir: Path, data_root: str,
              iters: int | None, threads: int) -> dict:
    start = time.perf_counter()
    if arm == "A0":
        result = run_wiener(work, data_root)
    elif ARMS[arm]["kind"] == "blur2blur":
        result = _run_blur2blur(arm, seed, work, out_dir, data_root, iters, threads)
    else:
        spec = ARMS[arm]
        opts = schedule_options(iters)
        result = dict(arm=arm, seed=seed)
        if spec["kind"] == "separate":
            bgan_cfg = find_config(BGAN_CONFIG)
            bgan_dir = work / "BGAN" / f"seed{seed}"
            n_iters = iters or load_demo_config(bgan_cfg, bgan_dir, data_root).train_cfg.max_iters
            ckpt = bgan_dir / f"iter_{n_iters}.pth"
            if ckpt.is_file():  # a finished BGAN of this seed (resumed study): reuse it
                from .blur_gate import load_model

                bgan, result["bgan_seconds"] = load_model(bgan_cfg, ckpt, data_root), 0.0
                result["bgan_reused"] = str(ckpt)
            else:
                bgan, ckpt, result["bgan_seconds"] = train_config(bgan_cfg, bgan_dir, data_root,
                                                                  opts, seed=seed)
            bgan_samples = predict_split(bgan, data_root, "test_realblur")
            result["bgan"] = blur_realism(bgan_samples)
            result["bgan_checks"] = gate_checks(result["bgan"])
            result["bgan_passed"] = all(c["passed"] for c in result["bgan_checks"])
            opts = {**opts, **bgan_options("separate"), "model.blur_generator_ckpt": str(ckpt)}
            bgan_tiles = _tiles(bgan_samples, "pred_img")
        if spec["kind"] == "joint":
            opts = {**opts, **bgan_options("joint")}
        model, _, result["train_seconds"] = train_config(
            find_config(spec["config"]), out_dir, data_root, opts, seed=seed)
        real = predict_split(model, data_root, "test_realblur")
        synth = predict_split(model, data_root, "test")
        result.update(real=scores(real), synthetic=scores(synth))
        tiles = dict(deblurred=_tiles(real, "pred_img"))
        if spec["kind"] == "joint":
            joint = _bgan_samples_from_joint(real)
            result["bgan"] = blur_realism(joint)
            result["bgan_checks"] = gate_checks(result["bgan"])
            result["bgan_passed"] = all(c["passed"] for c in result["bgan_checks"])
            tiles["bgan"] = _tiles(joint, "pred_img")
        elif spec["kind"] == "separate":
            tiles["bgan"] = bgan_tiles
        result["tiles"] = tiles
    result["seconds"] = time.perf_counter() - start
    torch.save(result.pop("tiles"), out_dir / "tiles.pt")
    (out_dir / "result.json").write_text(json.dumps(result, indent=2, default=float) + "\n")
    return result


def _run_blur2blur(arm: str, seed: int, work: Path, out_dir: Path, data_root: str,
                   iters: int | None, threads: int) -> dict:
    """A Blur2Blur arm: its stages trained for this seed, the deblurrer arm's checkpoint."""
    from mmengine.config import Config

    config = ARMS[arm]["config"]
    deblurrer_arm = Config.fromfile(str(find_config(config))).study_stages.deblurrer_arm
    model, info = run_blur2blur_unit(
        config, seed, work, out_dir, data_root, iters, ARMS[deblurrer_arm]["config"],
        lambda: run_unit(deblurrer_arm, seed, work, data_root, iters, threads))
    real = predict_split(model, data_root, "test_realblur")
    synth = predict_split(model, data_root, "test")
    return dict(arm=arm, seed=seed, **info, real=scores(real), synthetic=scores(synth),
                translated_vs_input=scores(real, "translated_img", "input_img"),
                tiles=dict(deblurred=_tiles(real, "pred_img"),
                           translated=_tiles(real, "translated_img")))


def _unit_entry(args: tuple) -> dict:
    arm, seed, work = args[0], args[1], Path(args[2])
    saved = work / arm / f"seed{seed}" / "result.json"
    if saved.is_file() and not args[-1]:  # finished meanwhile (another study process)
        return json.loads(saved.read_text())
    return run_unit(*args[:-1])


def run_units(units: Sequence[tuple[str, int]], work: Path, data_root: str, iters: int | None,
              jobs: int = 1, threads: int = 1, force: bool = False) -> None:
    """Run every (arm, seed) without a saved result (all with ``force``), ``jobs`` at once."""
    todo = [(a, s) for a, s in units
            if force or not (work / a / f"seed{s}" / "result.json").is_file()]
    args = [(a, s, str(work), data_root, iters, threads, force) for a, s in todo]
    if jobs <= 1 or len(args) <= 1:
        for a in args:
            print(f"== study unit {a[0]} seed {a[1]}", flush=True)
            _unit_entry(a)
        return
    import multiprocessing as mp

    with mp.get_context("spawn").Pool(jobs) as pool:
        for r in pool.imap_unordered(_unit_entry, args):
            print(f"== study unit {r['arm']} seed {r.get('seed', 0)} done in "
                  f"{r['seconds']:.0f} s", flush=True)


def save_study_grid(work: Path, results: dict, path: Path, seed: int = 0) -> Path | None:
    """sharp | real blur | BGAN (A2) | Wiener | A1 | A2 | A3 | A4 for seed ``seed``."""
    def load(arm: str, s: int = seed):
        p = work / arm / f"seed{s}" / "tiles.pt"
        return torch.load(p, weights_only=True) if p.is_file() else None

    a0 = load("A0", 0)
    if a0 is None:
        return None
    cols, labels = [a0["sharp"], a0["real_blur"]], ["sharp", "real blur"]
    a2 = load("A2")
    if a2 is not None:
        cols.append(a2["bgan"])
        labels.append("BGAN(sharp)")
    cols.append(a0["wiener"])
    labels.append("Wiener")
    for arm in ARMS:
        t = load(arm)
        if t is not None:
            cols.append(t["deblurred"])
            labels.append(arm)
    rows = [[c[i] for c in cols] for i in range(len(cols[0]))]
    return save_grid(rows, labels, path, crop=96)


def run_study(work_dir: str | os.PathLike = "work_dirs/study_realistic_blur",
              data_root: str = "data/demo", arms: Sequence[str] | None = None,
              seeds: Sequence[int] = (0, 1, 2), iters: int | None = None, jobs: int = 1,
              threads: int = 1, force: bool = False, gate_passed: bool | None = None,
              out: str | os.PathLike | None = None, train: bool = True) -> dict:
    """Run (or resume) the study and return ``dict(results, summary, verdict, table, ...)``.

    ``gate_passed``: the gate run's result for precondition P2 (None: read
    ``<work>/gate.json`` if present, written by ``tools/bgan_gate.py --work-dir``).
    ``train=False`` only aggregates the saved results (missing units are reported as not run).
    """
    start = time.perf_counter()
    work = Path(work_dir)
    build_demo_dataset(data_root)
    arms = list(arms or ["A0", *ARMS])
    units = [("A0", 0)] if "A0" in arms else []
    # A1 first (Blur2Blur deblurs with A1's checkpoints), then the longest units, so that
    # parallel jobs finish together
    first = ("A1", "B2B", "A3", "A2")
    order = sorted((a for a in arms if a != "A0"),
                   key=lambda a: first.index(a) if a in first else len(first))
    units += [(a, s) for a in order for s in seeds]
    if train:
        run_units(units, work, data_root, iters, jobs, threads, force)
    results = load_results(work, arms, seeds)
    summary = summarize(results)
    if gate_passed is None and (work / "gate.json").is_file():
        gate_passed = json.loads((work / "gate.json").read_text())["passed"]
    decision = verdict(summary, gate_passed)
    table = report(results, summary, decision)
    out = Path(out) if out else work
    out.mkdir(parents=True, exist_ok=True)
    grid = save_study_grid(work, results, out / "realistic_blur_grid.png")
    seconds = time.perf_counter() - start
    (out / "realistic_blur_results.json").write_text(json.dumps(
        dict(results=results, summary=summary, verdict=decision, seeds=list(seeds),
             iters=iters, jobs=jobs, threads=threads, wall_seconds=seconds),
        indent=2, default=float) + "\n")
    return dict(results=results, summary=summary, verdict=decision, table=table, grid=grid,
                seconds=seconds)
