"""The realistic-blur study's statistics, verdict rules and report tables
(docs/experiments/realistic_blur.md)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .study_arms import ARMS, CANDIDATES, HANDMADE

#: two-sided 95 % Student-t quantiles by degrees of freedom
T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
        9: 2.262, 10: 2.228}


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
        for ref, prefix in (("A1", "diff"), (HANDMADE, "vs_handmade")):
            if arm == ref or ref not in results or (ref == HANDMADE and arm not in CANDIDATES):
                continue
            common = sorted(set(by_seed) & set(results[ref]))
            for m in ("psnr", "ssim"):
                diffs = [by_seed[s]["real"][m] - results[ref][s]["real"][m] for s in common]
                if diffs:
                    entry[f"{prefix}_{m}"] = dict(zip(("mean", "low", "high"), _interval(diffs)),
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


def handmade_lines(summary: dict) -> list[str]:
    """Learned blur vs the hand-made broad synthesis (A5): paired real-blur differences."""
    rows = [(arm, summary[arm]) for arm in CANDIDATES
            if arm in summary and "vs_handmade_psnr" in summary[arm]]
    if not rows:
        return []
    lines = ["", f"Learned blur vs hand-made broad synthesis ({HANDMADE}), paired over seeds on "
             "test_realblur (reported, not a verdict rule):", "",
             f"| arm | Δ PSNR vs {HANDMADE} [95 % CI] | Δ SSIM vs {HANDMADE} [95 % CI] | "
             "learned blur better? |", "|---|---|---|---|"]
    for arm, e in rows:
        p, s = e["vs_handmade_psnr"], e["vs_handmade_ssim"]
        better = "yes" if p["low"] > 0 and s["low"] > 0 else (
            "no, worse" if p["high"] < 0 and s["high"] < 0 else "not shown")
        lines.append(f"| {ARMS[arm]['label']} | {p['mean']:+.2f} [{p['low']:+.2f}, "
                     f"{p['high']:+.2f}] | {s['mean']:+.4f} [{s['low']:+.4f}, {s['high']:+.4f}] "
                     f"| {better} |")
    return lines


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
    lines += handmade_lines(summary)
    lines += ["", f"**Verdict (rules of the study doc): {decision['verdict']}**", ""]
    lines += [f"* {r}" for r in decision["reasons"]]
    return "\n".join(lines)


