"""CPU inference levers per generator and size vs plain eager fp32 with the official padding.

    python benchmarks/cpu_inference.py [--models rrdb16 unet256 fpn_mobilenet ...]
        [--sizes 256 720p] [--levers fast compile onnxruntime openvino bf16] [--rounds 5]
        [--pair-budget 60] [--threads 2] [--include-slow] [--cache-dir DIR]
        [--out work_dirs/cpu_inference.json]
    python benchmarks/cpu_inference.py --report work_dirs/cpu_inference.json  # tables again

Per generator (paper configuration, random weights, eval mode, batch 1) and input size
(256×256, 720×1280), in one process:

* **baseline**: the generator's eager fp32 forward (``torch.inference_mode``, NCHW) on the
  input padded by its official policy (:func:`restorekit.models.padding.get_pad_policy`:
  DeblurGAN-v2 adds a 32-px grey block, 256 -> 288, 720×1280 -> 736×1312; U-Net pads to
  multiples of 256; NAFNet zeros to 16; MIMO reflect to 4), the output cropped back — the
  official code's arithmetic;
* **auto**: the default path (``deblur(..., backend='auto')``: the
  :class:`~restorekit.apis.auto_backend.AutoNetwork` decides on its first call, measuring its
  candidates with a fresh cache dir unless ``--cache-dir`` is given; that call is reported as
  "auto decision s" and excluded from the timing);
* each lever: ``fast`` (Conv→BN folding + channels-last), ``compile`` (the same under
  ``torch.compile`` with Inductor freezing), ``onnxruntime`` (static export for the padded
  shape, ``ORT_ENABLE_ALL``, ``--threads`` intra-op threads), ``openvino`` (the same ONNX file
  compiled by OpenVINO for the CPU in fp32, ``--threads`` threads), ``bf16`` (fast under CPU
  autocast to bfloat16; its speed depends on the CPU's bf16 units, error ~1e-2 with random weights).

One warm-up call per variant (its output gives the max abs difference vs the baseline), then
``rounds`` interleaved rounds (the variant order rotates every round; the baseline is timed in
every round, so at the start and the end); the median is reported. ``rounds`` adapts to the
model: ``min(--rounds, --pair-budget / (variants × baseline s))``, at least 1. ``×peak`` =
achieved GFLOP/s (2 × MACs of the padded input from ``torch.utils.flop_counter`` ÷ median) ÷
the fp32 GEMM peak (the larger of a 4096² ``torch.mm`` and the same-size GEMM in oneDNN,
:func:`gemm_peaks`; measured at the start and the end of the run, mean).
RRDB-16 at 720p (~3–4 min per forward) is skipped unless ``--include-slow``.
Prints progress and a Markdown table; writes JSON (after every model and size; with one peak
only until the end).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time

import torch

from restorekit.apis import prepare_fast_generator
from restorekit.apis.benchmarking import flop_counter_macs
from restorekit.apis.inference import get_network
from restorekit.apis.tiling import run_padded
from restorekit.models.padding import get_pad_policy, padded_size
from restorekit.registry import MODELS

_FPN = dict(type="FPNGenerator", norm="instance", inference_norm="batch_stats")
# name -> (generator config, note)
MODEL_ZOO = {
    "rrdb16": (dict(type="RRDBNet"), "DBGAN RRDBNet nb16 nf64 gc32"),
    "unet256": (dict(type="UNetGenerator"), "pix2pix unet_256, BatchNorm"),
    "fpn_mobilenet": (dict(_FPN, backbone="mobilenet_v2"),
                      "DeblurGAN-v2 FPN-MobileNetV2, official train-mode norms"),
    "fpn_inception": (dict(_FPN, backbone="inception_resnet_v2"),
                      "DeblurGAN-v2 FPN-InceptionResNetV2, official train-mode norms"),
    "nafnet": (dict(type="NAFNet", width=64), "NAFNet-width64 (GoPro)"),
    "nafnet_w32": (dict(type="NAFNet", width=32), "NAFNet-width32 (GoPro)"),
    "mimo_unet": (dict(type="MIMOUNet"), "MIMO-UNet"),
    "mimo_unet_plus": (dict(type="MIMOUNetPlus"), "MIMO-UNet+"),
}
DEFAULT_MODELS = ["rrdb16", "unet256", "fpn_mobilenet", "fpn_inception", "nafnet",
                  "mimo_unet", "mimo_unet_plus"]
SIZES = {"256": (256, 256), "720p": (720, 1280)}
LEVERS = ("fast", "compile", "onnxruntime", "openvino", "bf16")
SLOW = {("rrdb16", "720p")}


def _median_gflops(fn, flops: float, min_time: float) -> float:
    fn()
    times, start = [], time.perf_counter()
    while len(times) < 3 or time.perf_counter() - start < min_time:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return flops / statistics.median(times) / 1e9


def gemm_peaks(threads: int, n: int = 4096, min_time: float = 1.5) -> dict:
    """fp32 GEMM GFLOP/s two ways: ``mm`` = ``torch.mm`` (n × n, MKL/OpenBLAS) and ``onednn``
    = the same-size GEMM as a 1×1 channels-last convolution (oneDNN, the library the
    networks' convolutions run in: (1, 1024, 64, 64) × (1024, 1024, 1, 1)). On AMD CPUs MKL
    dispatches AVX2 code, so ``mm`` can be half of what oneDNN reaches with AVX-512; the
    peak used for ×peak is the larger of the two."""
    torch.set_num_threads(threads)
    a, b, c = torch.rand(n, n), torch.rand(n, n), torch.empty(n, n)
    mm = _median_gflops(lambda: torch.mm(a, b, out=c), 2 * n**3, min_time)
    ch, hw = 1024, 64
    x = torch.rand(1, ch, hw, hw).contiguous(memory_format=torch.channels_last)
    w = torch.rand(ch, ch, 1, 1).contiguous(memory_format=torch.channels_last)
    with torch.inference_mode():
        onednn = _median_gflops(lambda: torch.nn.functional.conv2d(x, w), 2 * ch * ch * hw * hw,
                                min_time)
    return {"mm": mm, "onednn": onednn, "peak": max(mm, onednn)}


def gemm_peak(threads: int, n: int = 4096, min_time: float = 1.5) -> float:
    """The fp32 GEMM peak used for ×peak (see :func:`gemm_peaks`)."""
    return gemm_peaks(threads, n, min_time)["peak"]


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


def _eager(gen: torch.nn.Module):
    def run(x: torch.Tensor) -> torch.Tensor:
        with torch.inference_mode():
            return gen(x)
    return run


def build_lever(name: str, gen: torch.nn.Module, padded: tuple[int, int], threads: int,
                workdir: str, model_key: str):
    """The network of one lever (padded input -> output). ``onnxruntime`` and ``openvino``
    share one export per model key and padded shape (FPN-MobileNet and FPN-Inception are
    both ``FPNGenerator``: the key, not the class, names the file)."""
    if name == "fast":
        return prepare_fast_generator(gen, "fp32")
    if name == "compile":
        return prepare_fast_generator(gen, "fp32", compile=True, freezing=True)
    if name == "bf16":
        return prepare_fast_generator(gen, "bf16")
    if name in ("onnxruntime", "openvino"):
        from dataclasses import replace

        from restorekit.apis.onnx_export import export_onnx
        from restorekit.apis.onnx_runtime import OnnxRuntimeGenerator
        from restorekit.apis.openvino_runtime import OpenVinoGenerator

        path = os.path.join(workdir, f"{model_key}_{padded[0]}x{padded[1]}.onnx")
        if not os.path.isfile(path):
            policy = replace(get_pad_policy(gen), extra_block=False)
            export_onnx(gen, path, shape=padded, padding=policy, exporter="torchscript")
        runtime = OnnxRuntimeGenerator if name == "onnxruntime" else OpenVinoGenerator
        return runtime(path, threads)
    raise ValueError(name)


def bench_pair(name: str, size_key: str, levers: list[str], args, workdir: str) -> dict:
    cfg, note = MODEL_ZOO[name]
    torch.manual_seed(0)
    gen = MODELS.build(dict(cfg)).eval()
    policy = get_pad_policy(gen)
    size = SIZES[size_key]
    padded = padded_size(*size, policy)
    x = torch.rand(1, 3, *size, generator=torch.Generator().manual_seed(0))
    rec: dict = {"model": name, "note": note, "size": size_key, "input": f"{size[0]}x{size[1]}",
                 "padded": f"{padded[0]}x{padded[1]}",
                 "params_M": sum(p.numel() for p in gen.parameters()) / 1e6,
                 "gmacs": flop_counter_macs(gen, padded) / 1e9, "setup_s": {}, "failed": {}}
    nets = {"baseline": _eager(gen)}
    t0 = time.perf_counter()
    outputs = {"baseline": run_padded(nets["baseline"], x, policy)}
    first = time.perf_counter() - t0
    rec["setup_s"]["baseline"] = first
    if first < args.pair_budget / 10:  # the first call pays one-time costs: time a second
        t0 = time.perf_counter()
        run_padded(nets["baseline"], x, policy)
        first = time.perf_counter() - t0
    print(f"  baseline call {first:.2f} s", flush=True)
    auto, _ = get_network(gen, "auto", num_threads=args.threads)
    t0 = time.perf_counter()
    outputs["auto"] = run_padded(auto, x, policy)
    rec["auto_decision_s"] = time.perf_counter() - t0
    rec["auto"] = {k: v for k, v in auto.decisions[-1].items() if k != "machine"}
    nets["auto"] = auto
    print(f"  auto: {rec['auto']['backend']} ({rec['auto']['source']}, "
          f"{rec['auto_decision_s']:.1f} s)", flush=True)
    for lever in levers:
        try:
            t0 = time.perf_counter()
            net = build_lever(lever, gen, padded, args.threads, workdir, name)
            outputs[lever] = run_padded(net, x, policy)
            nets[lever] = net
            rec["setup_s"][lever] = time.perf_counter() - t0
            print(f"  {lever}: set-up + first call {rec['setup_s'][lever]:.1f} s", flush=True)
        except Exception as err:  # a lever that does not work here is reported, not fatal
            rec["failed"][lever] = f"{type(err).__name__}: {str(err).splitlines()[0][:200]}"
            print(f"  {lever}: FAILED {rec['failed'][lever]}", flush=True)
    rounds = max(1, min(args.rounds, int(args.pair_budget / (len(nets) * max(first, 1e-3)))))
    print(f"  {rounds} round(s) of {len(nets)} variants, ~{rounds * len(nets) * first:.0f} s",
          flush=True)
    times: dict[str, list[float]] = {k: [] for k in nets}
    order = list(nets)
    for r in range(rounds):
        rot = order[r % len(order):] + order[:r % len(order)]
        if "baseline" in rot[1:]:  # baseline first in every round: start and end covered
            rot.remove("baseline")
            rot.insert(0, "baseline")
        for key in rot:
            t0 = time.perf_counter()
            run_padded(nets[key], x, policy)
            times[key].append(time.perf_counter() - t0)
    rec["rounds"] = rounds
    base = outputs["baseline"]
    rec["variants"] = {}
    for key, ts in times.items():
        med = statistics.median(ts)
        rec["variants"][key] = {
            "median_s": med, "min_s": min(ts), "max_s": max(ts),
            "ratio": med / statistics.median(times["baseline"]),
            "gflops": 2 * rec["gmacs"] / med,
            "max_abs_diff": float((outputs[key] - base).abs().max())}
    return rec


def add_peak(records: list[dict], peak: float) -> None:
    for r in records:
        for v in r["variants"].values():
            v["x_peak"] = v["gflops"] / peak


def best_exact_lever(record: dict) -> str:
    """The fastest lever (not baseline / auto / bf16) within the auto path's exactness
    tolerance for this model and size (1e-5 when auto did not need a wider one), else
    ``'baseline'``."""
    tolerance = record["auto"].get("tolerance") or 1e-5
    levers = {k: x for k, x in record["variants"].items()
              if k not in ("baseline", "auto", "bf16") and x["max_abs_diff"] <= tolerance}
    return min(levers, key=lambda k: levers[k]["median_s"]) if levers else "baseline"


def markdown(records: list[dict], peaks: list[float]) -> str:
    peak = sum(peaks) / len(peaks)
    lines = [f"fp32 GEMM peak (larger of torch.mm and oneDNN, this run): start {peaks[0]:.0f}, "
             f"end {peaks[-1]:.0f} GFLOP/s, mean {peak:.0f} (used for ×peak)", "",
             "| model | input (padded) | GMAC | variant | median s | ÷ baseline | "
             "max abs diff | ×peak |", "|---|---|---|---|---|---|---|---|"]
    for r in records:
        for key, v in r["variants"].items():
            label = f"auto → {r['auto']['backend']}" if key == "auto" else key
            lines.append(f"| {r['model']} | {r['input']} ({r['padded']}) | {r['gmacs']:.1f} | "
                         f"{label} | {v['median_s']:.4g} | {v['ratio']:.2f} | "
                         f"{v['max_abs_diff']:.1e} | {v['x_peak']:.2f} |")
        for lever, why in r["failed"].items():
            lines.append(f"| {r['model']} | {r['input']} | | {lever} | failed: {why[:60]} "
                         f"| | | |")
    lines += ["", "| model | input | auto backend | auto ÷ baseline | ≥ 2× | "
              "best exact lever (÷ baseline) | baseline ×peak | auto ×peak | best ×peak | "
              "fp32 ceiling ÷ baseline |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in records:
        v = r["variants"]
        best = best_exact_lever(r)
        lines.append(f"| {r['model']} | {r['input']} | {r['auto']['backend']} | "
                     f"{v['auto']['ratio']:.2f} | {'yes' if v['auto']['ratio'] <= 0.5 else 'no'} "
                     f"| {best} ({v[best]['ratio']:.2f}) | "
                     f"{v['baseline']['x_peak']:.2f} | {v['auto']['x_peak']:.2f} | "
                     f"{v[best]['x_peak']:.2f} | {v['baseline']['x_peak']:.2f} |")
    return "\n".join(lines)


def _dump(path: str, result: dict) -> None:
    """Write the JSON (after every model and size, so an interrupted run keeps its rows)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(result, f, indent=1)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="CPU inference levers per generator and size")
    p.add_argument("--models", nargs="+", default=DEFAULT_MODELS, choices=list(MODEL_ZOO))
    p.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    p.add_argument("--levers", nargs="*", default=list(LEVERS), choices=list(LEVERS))
    p.add_argument("--rounds", type=int, default=5, help="timed rounds at most")
    p.add_argument("--pair-budget", type=float, default=60.0,
                   help="seconds of timed rounds per model and size (fewer rounds when slow)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--include-slow", action="store_true", help="also RRDB-16 at 720p")
    p.add_argument("--cache-dir", default=None,
                   help="auto-backend cache dir (default: a fresh one, so auto measures)")
    p.add_argument("--out", default="work_dirs/cpu_inference.json")
    p.add_argument("--report", metavar="JSON", help="only print the tables of a (partial) run")
    args = p.parse_args(argv)
    if args.report:
        with open(args.report) as f:
            done = json.load(f)
        peaks = done["gemm_peak_gflops"]
        add_peak(done["records"], sum(peaks) / len(peaks))
        print(markdown(done["records"], peaks))
        return 0
    torch.set_num_threads(args.threads)
    workdir = tempfile.mkdtemp(prefix="cpu_inference_")
    os.environ["RESTOREKIT_CACHE_DIR"] = args.cache_dir or os.path.join(workdir, "cache")
    pairs = [(m, s) for s in args.sizes for m in args.models
             if args.include_slow or (m, s) not in SLOW]
    skipped = [f"{m}@{s}" for s in args.sizes for m in args.models if (m, s) in SLOW
               and not args.include_slow]
    if skipped:
        print(f"skipping {', '.join(skipped)} (use --include-slow)")
    start = time.perf_counter()
    peak_parts = [gemm_peaks(args.threads)]
    peaks = [peak_parts[0]["peak"]]
    print(f"fp32 GEMM peak at start: {peaks[0]:.0f} GFLOP/s (torch.mm "
          f"{peak_parts[0]['mm']:.0f}, oneDNN 1x1 conv {peak_parts[0]['onednn']:.0f})", flush=True)
    records = []
    for i, (name, size_key) in enumerate(pairs):
        print(f"[{i + 1}/{len(pairs)}] {name} @ {size_key} "
              f"(elapsed {time.perf_counter() - start:.0f} s)", flush=True)
        records.append(bench_pair(name, size_key, args.levers, args, workdir))
        _dump(args.out, {"partial": True, "gemm_peak_gflops": peaks, "records": records})
    peak_parts.append(gemm_peaks(args.threads))
    peaks.append(peak_parts[-1]["peak"])
    add_peak(records, sum(peaks) / len(peaks))
    result = {"command": "python benchmarks/cpu_inference.py " + " ".join(
                  sys.argv[1:] if argv is None else argv),
              "date": time.strftime("%Y-%m-%d %H:%M"), "threads": args.threads,
              "gemm_peak_gflops": peaks, "gemm_peak_parts": peak_parts,
              "torch": torch.__version__, "cpu": cpu_info(),
              "elapsed_s": time.perf_counter() - start, "records": records}
    for runtime in ("onnxruntime", "openvino"):
        with contextlib.suppress(ImportError):
            result[runtime] = __import__(runtime).__version__
    _dump(args.out, result)
    print(f"\nCPU: {result['cpu']}, torch {torch.__version__}, "
          f"onnxruntime {result.get('onnxruntime')}, openvino {result.get('openvino')}, "
          f"{args.threads} threads, "
          f"{result['elapsed_s'] / 60:.1f} min")
    print(markdown(records, peaks))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
