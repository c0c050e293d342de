"""Can a fewer-multiplication convolution beat oneDNN here? 3×3 convolutions of the paper
networks, three ways, in one process.

    python benchmarks/conv_algorithms.py [--threads 2] [--repeats 5] [--out FILE.json]

Per layer shape (batch 1, stride 1, padding 1; the channel counts of RRDB-16, MIMO-UNet and
U-Net at 256² and 720p):

* ``onednn_nchw``: ``F.conv2d`` on NCHW tensors (what plain eager runs);
* ``onednn_cl``: the same on channels-last tensors (what the fast path, compile and the
  runtimes reach: direct convolution close to the fp32 GEMM peak);
* ``nnpack_winograd``: ``torch._nnpack_spatial_convolution`` (NNPACK's Winograd F(6×6, 3×3),
  5.06× fewer multiplications than direct; AVX2 kernels), the one fewer-multiplication
  convolution available to PyTorch on the CPU.

Reported: median seconds, "effective" GFLOP/s (2 × the direct MACs ÷ time, so a faster
algorithm shows above the peak), and the max abs error relative to the output's max abs
value, against a float64 direct convolution. Variants are interleaved per repeat.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import torch
import torch.nn.functional as F

#: (label, in channels, out channels, height, width)
SHAPES = [
    ("rrdb16 first RDB conv", 64, 32, 256, 256),
    ("rrdb16 last RDB conv", 192, 64, 256, 256),
    ("mimo level-1 resblock", 32, 32, 720, 1280),
    ("mimo level-2 resblock", 64, 64, 360, 640),
    ("mimo level-3 resblock", 128, 128, 180, 320),
    ("unet256 level-3", 128, 128, 64, 64),
]


def _variants(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> dict:
    xc = x.contiguous(memory_format=torch.channels_last)
    wc = w.contiguous(memory_format=torch.channels_last)
    return {
        "onednn_nchw": lambda: F.conv2d(x, w, b, padding=1),
        "onednn_cl": lambda: F.conv2d(xc, wc, b, padding=1),
        "nnpack_winograd": lambda: torch._nnpack_spatial_convolution(x, w, b, [1, 1]),
    }


def bench_shape(cin: int, cout: int, h: int, w_: int, repeats: int) -> dict:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(1, cin, h, w_, generator=g)
    w = torch.randn(cout, cin, 3, 3, generator=g) / (3 * cin ** 0.5)
    b = torch.randn(cout, generator=g) * 0.1
    ref = F.conv2d(x.double(), w.double(), b.double(), padding=1)
    scale = float(ref.abs().max())
    flops = 2 * cin * cout * 9 * h * w_
    fns = _variants(x, w, b)
    rec = {}
    times: dict[str, list[float]] = {k: [] for k in fns}
    for name, fn in fns.items():
        with torch.inference_mode():
            out = fn()
        rec[name] = {"rel_err": float((out.double() - ref).abs().max()) / scale}
    for _ in range(repeats):
        for name, fn in fns.items():
            with torch.inference_mode():
                t0 = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t0)
    for name, ts in times.items():
        med = statistics.median(ts)
        rec[name].update(median_s=med, effective_gflops=flops / med / 1e9)
    return rec


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--out", default=None)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    if not torch._nnpack_available():
        print("NNPACK is not available in this torch build")
        return 1
    rows = []
    print("| layer | shape | variant | median ms | effective GFLOP/s | rel. error vs float64 |")
    print("|---|---|---|---|---|---|")
    for label, cin, cout, h, w in SHAPES:
        rec = bench_shape(cin, cout, h, w, args.repeats)
        rows.append({"layer": label, "shape": [cin, cout, h, w], "variants": rec})
        for name, v in rec.items():
            print(f"| {label} | {cin}→{cout}, {h}×{w} | {name} | {v['median_s'] * 1e3:.1f} | "
                  f"{v['effective_gflops']:.0f} | {v['rel_err']:.1e} |", flush=True)
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            json.dump({"threads": args.threads, "torch": torch.__version__, "rows": rows}, f,
                      indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
