"""The realistic-blur study (docs/experiments/realistic_blur.md): arms, seeds, verdict.

Each arm is a config (``configs/demo/study/``) registered in :data:`ARMS`; a Blur2Blur arm is
one more entry (``kind='dbgan'`` if its config trains a deblurrer the way the others do, or
a new kind here). Every (arm, seed) unit trains with the config's own schedule (or ``iters``
for tiny test budgets), is evaluated on the held-out ``test_realblur`` pairs and the
synthetic ``test`` split, and writes ``<work>/<arm>/seed<k>/result.json``; an existing result
is reused (``force=False``), so a study can be resumed or split over processes
(``arms=``/``seeds=``) and aggregated afterwards. Units run in ``jobs`` spawned processes.

The verdict (:func:`verdict`) applies the rules written in the study doc before the run.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from .blur_gate import blur_realism, gate_checks
from .configs import find_config
from .data import build_demo_dataset
from .grid import save_grid
from .training import load_demo_config, predict_split, scores, train_config

#: arm -> label, config, kind ('dbgan': a deblurrer config; 'separate': needs the BGAN of the
#: same seed; 'joint': BGAN + DBGAN in one model)
ARMS = {
    "A1": dict(label="A1 naive synthetic pairs", config="demo/study/a1_naive.py", kind="dbgan"),
    "A2": dict(label="A2 scheme 1 (frozen gated BGAN)", config="demo/study/a2_separate.py",
               kind="separate"),
    "A3": dict(label="A3 scheme 2 (joint)", config="demo/study/a3_joint.py", kind="joint"),
    "A4": dict(label="A4 upper bound (real-process pairs)", config="demo/study/a4_realpairs.py",
               kind="dbgan"),
    # "B2B": dict(label="Blur2Blur", config="demo/study/b2b.py", kind="dbgan"),  # slot
}
#: realistic-blur arms judged by the verdict's support rule (a Blur2Blur arm joins them)
CANDIDATES = ("A2", "A3")
BGAN_CONFIG = "demo/bgan_kernel_demo.py"
WIENER_CONFIG = "demo/study/a0_wiener.py"
#: two-sided 95 % Student-t quantiles by degrees of freedom
T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
        9: 2.262, 10: 2.228}
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
    start = time.perf_counter()
    if arm == "A0":
        result = run_wiener(work, data_root)
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
    out_dir.mkdir(parents=True, exist_ok=True)
    torch.save(result.pop("tiles"), out_dir / "tiles.pt")
    (out_dir / "result.json").write_text(json.dumps(result, indent=2, default=float) + "\n")
    return result


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


def load_results(work: Path, arms: Sequence[str], seeds: Sequence[int]) -> dict:
    out: dict = {}
    for arm in arms:
        for s in ([0] if arm == "A0" else seeds):
            path = work / arm / f"seed{s}" / "result.json"
            if path.is_file():
                out.setdefault(arm, {})[s] = json.loads(path.read_text())
    return out


def _stats(values: Sequence[float]) -> dict:
    v = np.asarray(values, dtype=np.float64)
    sd = float(v.std(ddof=1)) if len(v) > 1 else float("nan")
    return dict(mean=float(v.mean()), sd=sd, min=float(v.min()), max=float(v.max()), n=len(v))


def _interval(diffs: Sequence[float]) -> tuple[float, float, float]:
    """(mean, low, high): two-sided 95 % Student-t interval of the mean of ``diffs``."""
    d = np.asarray(diffs, dtype=np.float64)
    if len(d) < 2:
        return float(d.mean()), float("nan"), float("nan")
    half = T975.get(len(d) - 1, 1.96) * d.std(ddof=1) / math.sqrt(len(d))
    return float(d.mean()), float(d.mean() - half), float(d.mean() + half)


def summarize(results: dict) -> dict:
    """Per-arm mean / sd / min / max over seeds, paired differences to A1 with intervals."""
    summary: dict = {}
    for arm, by_seed in results.items():
        if arm == "A0":
            continue
        entry = {f"{split}_{m}": _stats([r[split][m] for r in by_seed.values()])
                 for split in ("real", "synthetic") for m in ("psnr", "ssim")}
        entry["seeds"] = sorted(by_seed)
        passed = [r["bgan_passed"] for r in by_seed.values() if "bgan_passed" in r]
        if passed:
            entry["bgan_passed"] = f"{sum(passed)}/{len(passed)}"
        if arm != "A1" and "A1" in results:
            common = sorted(set(by_seed) & set(results["A1"]))
            for m in ("psnr", "ssim"):
                diffs = [by_seed[s]["real"][m] - results["A1"][s]["real"][m] for s in common]
                if diffs:
                    entry[f"diff_{m}"] = dict(zip(("mean", "low", "high"), _interval(diffs)),
                                              n=len(diffs))
        summary[arm] = entry
    return summary


def verdict(summary: dict, gate_passed: bool | None, candidates: Sequence[str] = CANDIDATES,
            gap_min: float = 1.0, closure_min: float = 0.25) -> dict:
    """The study doc's rules: preconditions P1 (A4 - A1 >= 1 dB on real blur) and P2 (the
    gated BGAN passes the gate; >= 2 of 3 study BGANs pass); support = a candidate whose PSNR
    and SSIM differences to A1 have 95 % intervals above 0 and which closes >= 25 % of the
    A1 -> A4 PSNR gap; refute otherwise; inconclusive when a precondition fails; no verdict
    when an arm is missing."""
    reasons = []
    missing = [a for a in ("A1", "A4", *candidates) if a not in summary]
    if missing:
        return dict(verdict="none (incomplete study)",
                    reasons=[f"arms missing: {missing}: no verdict is drawn from an incomplete "
                             "table (study doc)"], supported_by=[])
    gap = summary["A4"]["real_psnr"]["mean"] - summary["A1"]["real_psnr"]["mean"]
    p1 = gap >= gap_min
    reasons.append(f"P1: A4 - A1 = {gap:+.2f} dB ({'>=' if p1 else '<'} {gap_min} dB)")
    study_bgans = summary.get("A2", {}).get("bgan_passed", "0/0")
    k, n = (int(x) for x in study_bgans.split("/"))
    p2 = bool(gate_passed) and n > 0 and k >= math.ceil(2 * n / 3)
    reasons.append(f"P2: gate run {'PASS' if gate_passed else 'FAIL/unknown'}, study BGANs "
                   f"passing {study_bgans}")
    supported = []
    for arm in candidates:
        e = summary[arm]
        dp, ds = e.get("diff_psnr"), e.get("diff_ssim")
        closure = (e["real_psnr"]["mean"] - summary["A1"]["real_psnr"]["mean"]) / gap \
            if gap > 0 else float("nan")
        ok = (dp is not None and ds is not None and dp["low"] > 0 and ds["low"] > 0
              and closure >= closure_min)
        reasons.append(
            f"{arm}: dPSNR {dp['mean']:+.2f} [{dp['low']:+.2f}, {dp['high']:+.2f}] dB, dSSIM "
            f"{ds['mean']:+.4f} [{ds['low']:+.4f}, {ds['high']:+.4f}], gap closed "
            f"{closure:.0%} -> {'meets' if ok else 'does not meet'} the support rule"
            if dp and ds else f"{arm}: no paired differences")
        if ok:
            supported.append(arm)
    if not (p1 and p2):
        return dict(verdict="inconclusive", reasons=reasons, supported_by=supported)
    return dict(verdict="support" if supported else "refute", reasons=reasons,
                supported_by=supported)


def _fmt(s: dict, digits: int) -> str:
    return (f"{s['mean']:.{digits}f} ± {s['sd']:.{digits}f} "
            f"({s['min']:.{digits}f}-{s['max']:.{digits}f})")


def report(results: dict, summary: dict, decision: dict) -> str:
    """Markdown tables: deblurring per arm, BGAN blur realism, verdict."""
    lines = ["| arm | seeds | real-blur PSNR | real-blur SSIM | synthetic PSNR | "
             "synthetic SSIM | Δ PSNR vs A1 [95 % CI] | Δ SSIM vs A1 [95 % CI] |",
             "|---|---|---|---|---|---|---|---|"]
    a0 = results.get("A0", {}).get(0)
    if a0:
        for name, key in (("A0 blurry input", "input"), ("A0 Wiener (Gaussian PSF)", "wiener")):
            r, s = a0[key]["real"], a0[key]["synthetic"]
            lines.append(f"| {name} | - | {r['psnr']:.2f} | {r['ssim']:.4f} | {s['psnr']:.2f} | "
                         f"{s['ssim']:.4f} | | |")
    for arm in ARMS:
        if arm not in summary:
            lines.append(f"| {ARMS[arm]['label']} | not run | | | | | | |")
            continue
        e = summary[arm]
        cells = []
        for m, digits in (("psnr", 2), ("ssim", 4)):
            d = e.get(f"diff_{m}")
            cells.append(f"{d['mean']:+.{digits}f} [{d['low']:+.{digits}f}, "
                         f"{d['high']:+.{digits}f}]" if d else "")
        lines.append(f"| {ARMS[arm]['label']} | {len(e['seeds'])} | {_fmt(e['real_psnr'], 2)} | "
                     f"{_fmt(e['real_ssim'], 4)} | {_fmt(e['synthetic_psnr'], 2)} | "
                     f"{_fmt(e['synthetic_ssim'], 4)} | {cells[0]} | {cells[1]} |")
    lines += ["", "BGAN blur realism on test_realblur (BGAN(sharp) vs the real blur; gate: "
              "mean ratio vs real 0.97-1.03, every band within x0.5-x2, edge width ratio "
              "0.70-1.30):", "",
              "| BGAN | seed | mean ratio vs real | band ratios (BGAN / real) | worst band factor "
              "| edge width ratio | gate |", "|---|---|---|---|---|---|---|"]
    for arm in ("A2", "A3"):
        for seed, r in sorted(results.get(arm, {}).items()):
            if "bgan" not in r:
                continue
            m = r["bgan"]
            bands = sorted(int(k.split("_")[1]) for k in m if k.startswith("BandRatio_"))
            ratios = " ".join(f"{m[f'BandRatio_{i}']:.2f}/{m[f'RefBandRatio_{i}']:.2f}"
                              for i in bands)
            lines.append(f"| {'A2 (separate)' if arm == 'A2' else 'A3 (joint)'} | {seed} | "
                         f"{m['MeanRatioVsRef']:.3f} | {ratios} | {r['bgan_checks'][1]['value']} "
                         f"| {m['EdgeWidthRatio']:.2f} | "
                         f"{'PASS' if r['bgan_passed'] else 'FAIL'} |")
    lines += ["", f"**Verdict (rules of the study doc): {decision['verdict']}**", ""]
    lines += [f"* {r}" for r in decision["reasons"]]
    return "\n".join(lines)


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
    # longest units first so that parallel jobs finish together
    order = sorted((a for a in arms if a != "A0"), key=lambda a: ("A3", "A2").index(a)
                   if a in ("A3", "A2") else 2)
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
