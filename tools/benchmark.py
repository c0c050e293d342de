"""Compare several configs / checkpoints on one test set: quality, size, speed, memory.

    python tools/benchmark.py --models CFG[:CKPT] [CFG[:CKPT] ...] [--data-root DIR]
        [--max-images N] [--repeats 3] [--warmup 1] [--device cpu] [--fast fp32|bf16]
        [--tile T] [--threads N] [--out-dir work_dirs/benchmark] [--lpips-net alex]
        [--protocol basicsr|matlab|realblur|niqe]
        [--classical fit|none|WIENER_CKPT]

A model without ``:CKPT`` runs with random weights (``weights`` column ``random`` and the
method marked ``[RANDOM WEIGHTS]``: its quality columns are meaningless; use it for speed).
Next to the blurry-input row the table shows a classical baseline (``--classical``, default
``fit``): Wiener deconvolution whose two parameters are fitted on the first 8 training pairs
(centre 256x256 crops) of the first config, never on the test images
(:mod:`restorekit.apis.classical_baseline`); or a checkpoint of ``tools/fit_classical.py``.
All models are loaded first; latency passes are
interleaved (each image through every model in turn) so load on a shared machine hits all
models alike. The test set is the first config's ``test_dataloader``
(the demo test set for the demo configs) or ``--data-root`` with ``blur/`` and ``sharp/``.
Each image is deblurred with :func:`restorekit.apis.deblur_tensor` (pad-to-stride, optional
tiles / fast path). Written to ``--out-dir``: ``benchmark.md``, ``benchmark.csv``,
``benchmark.json`` and ``psnr_vs_latency.png``. Column definitions: docs/benchmark.md.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from pathlib import Path

import torch
from tqdm import tqdm

from restorekit.apis import deblur_tensor, init_model
from restorekit.apis.benchmark_report import COLUMNS, SCORES, write_outputs
from restorekit.apis.benchmarking import (
    PeakRSS,
    complexity,
    load_config_pairs,
    load_folder_pairs,
    median,
)
from restorekit.apis.classical_baseline import classical_baseline
from restorekit.apis.model_loading import load_config
from restorekit.evaluation.metrics import build_lpips_model, lpips_unavailable_reason, psnr, ssim
from restorekit.evaluation.protocols import PROTOCOLS, ProtocolScorer
from restorekit.utils.cli import run_tool


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Benchmark restorekit models on a test set")
    p.add_argument("--models", nargs="+", required=True, metavar="CFG[:CKPT]")
    p.add_argument("--data-root", help="folder with blur/ and sharp/ (default: the first "
                                       "config's test_dataloader)")
    p.add_argument("--max-images", type=int, default=None)
    p.add_argument("--repeats", type=int, default=3, help="timed passes over the test set")
    p.add_argument("--warmup", type=int, default=1, help="untimed runs before timing")
    p.add_argument("--device", default="cpu")
    p.add_argument("--fast", choices=["fp32", "bf16"], default=None, help="fast CPU path")
    p.add_argument("--tile", type=int, default=None)
    p.add_argument("--tile-overlap", type=int, default=32)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--complexity-size", nargs=2, type=int, default=(720, 1280),
                   metavar=("H", "W"))
    p.add_argument("--lpips-net", default="alex", choices=["alex", "vgg", "squeeze"])
    p.add_argument("--out-dir", default="work_dirs/benchmark")
    p.add_argument("--debug", action="store_true", help="full tracebacks for errors")
    p.add_argument("--protocol", choices=sorted(PROTOCOLS), default=None,
                   help="psnr/ssim (or niqe) columns by a named protocol (docs/metrics.md)")
    p.add_argument("--classical", default="fit", metavar="fit|none|CKPT",
                   help="classical-baseline row: fit Wiener on the first config's training "
                        "pairs (default), none, or a tools/fit_classical.py checkpoint")
    return p.parse_args(argv)


def split_spec(spec: str) -> tuple[str, str | None]:
    """``'cfg.py:ckpt.pth'`` -> (cfg, ckpt); ``'cfg.py'`` -> (cfg, None)."""
    head, sep, tail = spec.rpartition(":")
    if sep and head.endswith(".py"):
        return head, tail or None
    return spec, None


class Metrics:
    """PSNR / SSIM (RGB, no crop, mmagic conventions) and LPIPS when its weights exist."""

    def __init__(self, net: str, protocol: str | None = None) -> None:
        self.scorer = ProtocolScorer(protocol) if protocol else None
        self.lpips_reason = lpips_unavailable_reason(net)
        self.net = net
        self._lpips = None

    def __call__(self, pred: torch.Tensor, gt: torch.Tensor) -> dict[str, float | None]:
        """pred, gt: float (3, H, W) in [0, 1]."""
        out: dict[str, float | None] = (
            self.scorer.headline(self.scorer(pred, gt)) if self.scorer else
            {"psnr": psnr(pred, gt), "ssim": ssim(pred, gt), "niqe": None})
        out["lpips"] = None
        if self.lpips_reason is None:
            if self._lpips is None:
                self._lpips = build_lpips_model(self.net)
            with torch.no_grad():
                out["lpips"] = float(self._lpips(pred[None] * 2 - 1, gt[None] * 2 - 1))
        return out


def _to_tensor(img) -> torch.Tensor:
    return torch.from_numpy(img).permute(2, 0, 1).float() / 255.0


def prepare_model(spec: str, pairs, args, metrics: Metrics, bar: tqdm) -> dict:
    """Build one model, count it, warm it up and run the quality + memory pass (untimed)."""
    cfg_path, ckpt = split_spec(spec)
    model = init_model(cfg_path, ckpt, args.device)
    has_weights = any(True for _ in model.parameters())  # classical baselines have none
    weights = Path(ckpt).name if ckpt else ("random" if has_weights else "config (no weights)")
    return prepare_entry(model, cfg_path, weights, pairs, args, metrics, bar)


def prepare_entry(model, cfg_path: str, weights: str, pairs, args, metrics: Metrics,
                  bar: tqdm, label: str | None = None) -> dict:
    """Count a loaded model, warm it up and run its quality + memory pass (untimed)."""
    gen = getattr(model, "generator", model)
    cx = complexity(gen, tuple(args.complexity_size), model.size_divisor)
    arch = type(gen).__name__ if gen is model else f"{type(model).__name__}/{type(gen).__name__}"
    run = functools.partial(deblur_tensor, model, tile=args.tile,
                            tile_overlap=args.tile_overlap, fast=args.fast or False,
                            num_threads=args.threads)
    for _ in range(args.warmup):
        run(pairs[0][1])
    scores = []
    with PeakRSS() as mem:
        for _name, blur, sharp in pairs:
            scores.append(metrics(run(blur)[0], _to_tensor(sharp)))
            bar.update(1)
    method = label or f"{Path(cfg_path).stem} ({arch})"
    if weights == "random":
        method += " [RANDOM WEIGHTS]"
    row = {
        "method": method, "config": cfg_path, "weights": weights,
        "params_M": cx["params"] / 1e6, "gflops_720p": cx.get("gflops_mmengine"),
        "gmacs_720p_flop_counter": cx.get("gmacs_flop_counter"), "complexity_input": cx["input"],
        "peak_rss_MiB": mem.peak_mib, "inference_mem_MiB": mem.delta_mib,
        "device": args.device + (f" ({args.fast})" if args.fast else "")
                  + (f" tile {args.tile}" if args.tile else ""),
    }
    for key in SCORES:
        vals = [s[key] for s in scores if s[key] is not None]
        row[key] = sum(vals) / len(vals) if vals else None
    return {"row": row, "run": run, "times": [], "per_mp": []}


def time_interleaved(entries: list[dict], pairs, repeats: int, bar: tqdm) -> None:
    """``repeats`` passes; within a pass each image goes through every model in turn, so
    load changes on a shared machine hit all models alike. Fills the latency columns."""
    for _ in range(repeats):
        for _name, blur, _sharp in pairs:
            megapixels = blur.shape[0] * blur.shape[1] / 1e6
            for entry in entries:
                t0 = time.perf_counter()
                entry["run"](blur)
                dt = time.perf_counter() - t0
                entry["times"].append(dt)
                entry["per_mp"].append(dt / megapixels)
                bar.update(1)
    for entry in entries:
        entry["row"].update(latency_s=median(entry["times"]),
                            latency_s_per_MP=median(entry["per_mp"]),
                            timed_runs=len(entry["times"]))


def baseline_row(pairs, metrics: Metrics) -> dict:
    scores = [metrics(_to_tensor(b), _to_tensor(s)) for _, b, s in pairs]
    row = {c: None for c in COLUMNS}
    row.update(method="blurry input (no restoration)", weights="-", params_M=0.0,
               gflops_720p=0.0, device="-")
    for key in SCORES:
        vals = [s[key] for s in scores if s[key] is not None]
        row[key] = sum(vals) / len(vals) if vals else None
    return row


def check_pair_sizes(pairs) -> None:
    """Every (blur, sharp) pair must have one size: scores against a padded or cropped target
    are wrong (ImageSizeError naming the pair)."""
    from restorekit.datasets.errors import ImageSizeError

    for name, blur, sharp in pairs:
        if blur.shape[:2] != sharp.shape[:2]:
            raise ImageSizeError(
                f"Test pair '{name}': blurred image is {blur.shape[0]}x{blur.shape[1]} but the "
                f"sharp one is {sharp.shape[0]}x{sharp.shape[1]} (HxW). Fix or remove the pair.")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; user errors print one line and exit with status 2."""
    return run_tool(_main, argv, "benchmark.py")


def _main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    first_cfg, _ = split_spec(args.models[0])
    pairs = (load_folder_pairs(args.data_root, args.max_images) if args.data_root
             else load_config_pairs(load_config(first_cfg), args.max_images))
    check_pair_sizes(pairs)
    metrics = Metrics(args.lpips_net, args.protocol)
    rows = [baseline_row(pairs, metrics)]
    classical, classical_note = classical_baseline(
        args.classical, None if args.data_root else load_config(first_cfg), args.device)
    total = (len(args.models) + (classical is not None)) * len(pairs) * (args.repeats + 1)
    with tqdm(total=total, desc="benchmark", unit="img") as bar:
        entries = [prepare_entry(classical, "-", "fitted" if args.classical == "fit"
                                 else Path(args.classical).name, pairs, args, metrics, bar,
                                 label=f"classical: {type(classical).__name__} "
                                       f"{classical.get_params()}")
                   ] if classical is not None else []
        if entries:  # mmengine counts no FFTs: 0 would read as "free"
            entries[0]["row"]["gflops_720p"] = None
        entries += [prepare_model(spec, pairs, args, metrics, bar) for spec in args.models]
        time_interleaved(entries, pairs, args.repeats, bar)
    rows.extend(entry["row"] for entry in entries)
    sizes = sorted({f"{b.shape[0]}x{b.shape[1]}" for _, b, _ in pairs})
    meta = {
        "test set": args.data_root or f"test_dataloader of {first_cfg}",
        "images": f"{len(pairs)} ({', '.join(sizes)})",
        "timing": f"median over {args.repeats} interleaved pass(es) x {len(pairs)} image(s) "
                  f"(each image through every model in turn), after {args.warmup} warm-up "
                  f"run(s) and the untimed quality pass; threads {torch.get_num_threads()}",
        "gflops_720p": f"mmengine get_model_complexity_info (multiply-adds) at "
                       f"{args.complexity_size[0]}x{args.complexity_size[1]} padded to the stride",
        "peak_rss_MiB": "process peak RSS during the model's quality pass (VmHWM reset and "
                        "malloc_trim before it; includes the process baseline and all loaded "
                        "models); inference_mem_MiB = that peak minus the RSS just before",
        "lpips": (f"LPIPS({args.lpips_net})" if metrics.lpips_reason is None
                  else f"n/a: {metrics.lpips_reason}"),
        "metrics": (f"protocol {args.protocol!r}: {PROTOCOLS[args.protocol]}" if args.protocol
                    else "PSNR/SSIM on RGB, no border crop, float output (not rounded)"),
        "classical": classical_note,
    }
    if any(r.get("weights") == "random" for r in rows):
        meta["random weights"] = ("rows marked [RANDOM WEIGHTS] were run without a checkpoint: "
                                  "their quality columns are meaningless, use them for speed")
    paths = write_outputs(rows, meta, args.out_dir)
    print(Path(paths["md"]).read_text())
    print("wrote " + ", ".join(paths.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
