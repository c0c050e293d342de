"""The comparison table of ``tools/benchmark.py``: columns, Markdown/CSV/JSON files and the
PSNR-vs-latency plot (docs/benchmark.md explains every column)."""

from __future__ import annotations

import csv
import json
import math
import os
from pathlib import Path

COLUMNS = ["method", "weights", "params_M", "gflops_720p", "latency_s", "latency_s_per_MP",
           "peak_rss_MiB", "inference_mem_MiB", "psnr", "ssim", "lpips", "niqe", "device"]
SCORES = ("psnr", "ssim", "lpips", "niqe")


def _fmt(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def write_outputs(rows: list[dict], meta: dict, out_dir: str) -> dict[str, str]:
    """Write benchmark.{md,csv,json} and psnr_vs_latency.png; returns the paths."""
    os.makedirs(out_dir, exist_ok=True)
    paths = {k: os.path.join(out_dir, f"benchmark.{k}") for k in ("md", "csv", "json")}
    paths["png"] = os.path.join(out_dir, "psnr_vs_latency.png")
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        lines.append("| " + " | ".join(_fmt(r.get(c)) for c in COLUMNS) + " |")
    notes = [f"- {k}: {v}" for k, v in meta.items()]
    Path(paths["md"]).write_text("\n".join([*lines, "", *notes]) + "\n")
    with open(paths["csv"], "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows({c: ("n/a" if r.get(c) is None else r.get(c)) for c in COLUMNS}
                         for r in rows)
    Path(paths["json"]).write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    from restorekit.utils.optional import require

    require("matplotlib", "The PSNR-vs-latency plot (tables already written)")
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for r in rows:
        if r.get("latency_s") is not None and r.get("psnr") is not None:
            ax.scatter(r["latency_s"], r["psnr"])
            ax.annotate(r["method"].split(" (")[0], (r["latency_s"], r["psnr"]), fontsize=7)
    base = [r for r in rows if r.get("latency_s") is None and r.get("psnr") is not None]
    for r in base:
        ax.axhline(r["psnr"], ls="--", c="grey", label="blurry input")
    ax.set_xlabel("latency per image (s, median)")
    ax.set_ylabel("PSNR (dB)")
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    if base:
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(paths["png"], dpi=120)
    plt.close(fig)
    return paths


