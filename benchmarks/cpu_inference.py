"""Eager fp32 vs fast fp32 vs bf16 CPU inference per generator, against the fp32 GEMM peak.

    python benchmarks/cpu_inference.py [--models rrdb16 unet256 fpn_mobilenet dbgan_demo]
        [--rounds 5] [--threads 2] [--out work_dirs/cpu_inference.json]
        [--demo-checkpoint CKPT]   # + PSNR of fp32 / fast fp32 / bf16 on the demo test set

Per generator (random weights, eval mode, batch 1, input a random [0, 1] image): one warm-up
call per variant, then ``--rounds`` interleaved rounds (eager, fast fp32, bf16 in turn), so a
noisy shared machine affects all variants alike; the median per variant is reported. The fp32
GEMM peak (4096² ``torch.mm``, same threads) is measured at the start and at the end of the
same process; "×GEMM" = achieved GFLOP/s (2 × MACs / median, MACs counted with
``torch.utils.flop_counter`` on a meta copy, padding included) ÷ the mean of the two peaks.
``fast fp32`` = :func:`restorekit.apis.prepare_fast_generator` (BN folding, channels_last,
inference_mode); ``bf16`` = the same with CPU autocast to bfloat16. Writes JSON, prints Markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import torch

from restorekit.apis import deblur_tensor, init_model, prepare_fast_generator
from restorekit.apis.benchmarking import flop_counter_macs, load_config_pairs
from restorekit.evaluation.metrics import psnr
from restorekit.registry import MODELS

DEMO_CFG = "configs/demo/dbgan_demo.py"
# name -> (generator config, input H, W, note)
MODEL_ZOO = {
    "rrdb16": (dict(type="RRDBNet"), (128, 128), "DBGAN RRDBNet nb16 nf64 gc32"),
    "unet256": (dict(type="UNetGenerator"), (256, 256), "pix2pix unet_256, BatchNorm"),
    "fpn_mobilenet": (dict(type="FPNGenerator", backbone="mobilenet_v2", norm="instance",
                           inference_norm="batch_stats"), (256, 256),
                      "DeblurGAN-v2 FPN-MobileNetV2, official train-mode norms"),
    "fpn_mobilenet_eval": (dict(type="FPNGenerator", backbone="mobilenet_v2", norm="instance",
                                inference_norm="eval"), (256, 256),
                           "FPN-MobileNetV2 with eval-mode norms (configs/demo/deblurganv2_demo)"),
    "dbgan_demo": (None, (192, 192), "configs/demo/dbgan_demo.py generator (nb2 nf32)"),
}


def gemm_peak(threads: int, n: int = 4096, min_time: float = 1.5) -> float:
    """fp32 GFLOP/s of ``torch.mm`` (n × n), median of runs after a warm-up."""
    torch.set_num_threads(threads)
    a, b = torch.rand(n, n), torch.rand(n, n)
    c = torch.empty(n, n)
    torch.mm(a, b, out=c)
    times, start = [], time.perf_counter()
    while len(times) < 3 or time.perf_counter() - start < min_time:
        t0 = time.perf_counter()
        torch.mm(a, b, out=c)
        times.append(time.perf_counter() - t0)
    return 2 * n**3 / statistics.median(times) / 1e9


def cpu_info() -> dict:
    """CPU model name and the ISA flags that decide whether bf16 can pay off (AMX)."""
    info: dict = {"capability": torch.backends.cpu.get_cpu_capability()}
    try:
        with open("/proc/cpuinfo") as f:
            text = f.read()
    except OSError:
        return info
    flags = next((ln.split(":", 1)[1].split() for ln in text.splitlines()
                  if ln.startswith("flags")), [])
    info["model_name"] = next((ln.split(":", 1)[1].strip() for ln in text.splitlines()
                               if ln.startswith("model name")), "?")
    info["flags"] = sorted(f for f in flags if f.startswith("amx") or "bf16" in f)
    return info


def build(name: str) -> torch.nn.Module:
    cfg = MODEL_ZOO[name][0]
    if cfg is None:
        return init_model(DEMO_CFG).generator
    return MODELS.build(dict(cfg)).eval()


def bench_generator(name: str, rounds: int, threads: int) -> dict:
    gen = build(name).eval()
    size = MODEL_ZOO[name][1]
    x = torch.rand(1, 3, *size, generator=torch.Generator().manual_seed(0))
    variants = {"eager_fp32": lambda: _eager(gen, x)}
    fast = prepare_fast_generator(gen, "fp32", num_threads=threads)
    bf16 = prepare_fast_generator(gen, "bf16", num_threads=threads)
    variants["fast_fp32"] = lambda: fast(x)
    variants["bf16"] = lambda: bf16(x)
    outputs = {k: fn() for k, fn in variants.items()}  # warm-up
    times: dict[str, list[float]] = {k: [] for k in variants}
    for _ in range(rounds):
        for key, fn in variants.items():
            t0 = time.perf_counter()
            fn()
            times[key].append(time.perf_counter() - t0)
    macs = flop_counter_macs(gen, size)
    rec = {"model": name, "note": MODEL_ZOO[name][2], "input": f"{size[0]}x{size[1]}",
           "params_M": sum(p.numel() for p in gen.parameters()) / 1e6, "gmacs": macs / 1e9,
           "folded_conv_bn": fast.folded}
    for key, ts in times.items():
        rec[f"{key}_s"] = statistics.median(ts)
        rec[f"{key}_minmax_s"] = [min(ts), max(ts)]
        rec[f"{key}_gflops"] = 2 * macs / statistics.median(ts) / 1e9
    for key in ("fast_fp32", "bf16"):
        rec[f"{key}_speedup"] = rec["eager_fp32_s"] / rec[f"{key}_s"]
        rec[f"{key}_max_abs_diff"] = float((outputs[key] - outputs["eager_fp32"]).abs().max())
        rec[f"{key}_mean_abs_diff"] = float((outputs[key] - outputs["eager_fp32"]).abs().mean())
    return rec


def _eager(gen: torch.nn.Module, x: torch.Tensor) -> torch.Tensor:
    with torch.inference_mode():
        return gen(x)


def demo_psnr(checkpoint: str, threads: int) -> dict:
    """Mean PSNR (RGB, float outputs) of the demo model on the demo test set per variant."""
    model = init_model(DEMO_CFG, checkpoint)
    pairs = load_config_pairs(model.cfg)
    res: dict = {"checkpoint": checkpoint, "images": len(pairs)}
    base = []
    for _, blur, sharp in pairs:
        gt = torch.from_numpy(sharp).permute(2, 0, 1).float() / 255
        base.append(psnr(torch.from_numpy(blur).permute(2, 0, 1).float() / 255, gt))
    res["blurry_input"] = statistics.mean(base)
    outs = {}
    for variant in (False, "fp32", "bf16"):
        key = {False: "eager_fp32", "fp32": "fast_fp32", "bf16": "bf16"}[variant]
        scores, outs[key] = [], []
        for _, blur, sharp in pairs:
            out = deblur_tensor(model, blur, fast=variant, num_threads=threads)[0]
            outs[key].append(out)
            gt = torch.from_numpy(sharp).permute(2, 0, 1).float() / 255
            scores.append(psnr(out, gt))
        res[key] = statistics.mean(scores)
    for key in ("fast_fp32", "bf16"):
        res[f"{key}_delta_db"] = res[key] - res["eager_fp32"]
        res[f"{key}_max_abs_diff"] = max(float((a - b).abs().max())
                                         for a, b in zip(outs[key], outs["eager_fp32"]))
    return res


def markdown(records: list[dict], peaks: list[float]) -> str:
    peak = sum(peaks) / len(peaks)
    lines = [f"fp32 GEMM peak (4096², same process): start {peaks[0]:.0f}, end {peaks[-1]:.0f} "
             f"GFLOP/s -> {peak:.0f} used for ×GEMM", "",
             "| model | input | GMAC | eager fp32 s (×GEMM) | fast fp32 s (speed-up, ×GEMM) | "
             "bf16 s (speed-up, ×GEMM) | max abs diff fast / bf16 |",
             "|---|---|---|---|---|---|---|"]
    for r in records:
        cells = [r["model"], r["input"], f"{r['gmacs']:.2f}",
                 f"{r['eager_fp32_s']:.4g} ({r['eager_fp32_gflops'] / peak:.2f})"]
        for key in ("fast_fp32", "bf16"):
            cells.append(f"{r[key + '_s']:.4g} ({r[key + '_speedup']:.2f}×, "
                         f"{r[key + '_gflops'] / peak:.2f})")
        cells.append(f"{r['fast_fp32_max_abs_diff']:.1e} / {r['bf16_max_abs_diff']:.1e}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="CPU inference levers per generator")
    p.add_argument("--models", nargs="+", default=list(MODEL_ZOO), choices=list(MODEL_ZOO))
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--demo-checkpoint", default=None)
    p.add_argument("--out", default="work_dirs/cpu_inference.json")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    peaks = [gemm_peak(args.threads)]
    records = []
    for name in args.models:
        records.append(bench_generator(name, args.rounds, args.threads))
        print(json.dumps(records[-1]), flush=True)
    peaks.append(gemm_peak(args.threads))
    for r in records:
        for key in ("eager_fp32", "fast_fp32", "bf16"):
            r[f"{key}_x_gemm"] = r[f"{key}_gflops"] / (sum(peaks) / len(peaks))
    result = {"threads": args.threads, "rounds": args.rounds, "gemm_peak_gflops": peaks,
              "torch": torch.__version__, "cpu": cpu_info(), "records": records}
    if args.demo_checkpoint:
        result["demo_psnr"] = demo_psnr(args.demo_checkpoint, args.threads)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
    print(f"CPU: {result['cpu']}")
    print(markdown(records, peaks))
    if "demo_psnr" in result:
        d = result["demo_psnr"]
        print(f"\ndemo test set ({d['images']} images) PSNR: blurry {d['blurry_input']:.3f}, "
              f"eager fp32 {d['eager_fp32']:.3f}, fast fp32 {d['fast_fp32']:.3f} "
              f"({d['fast_fp32_delta_db']:+.4f} dB), bf16 {d['bf16']:.3f} "
              f"({d['bf16_delta_db']:+.4f} dB)")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
