"""Peak memory of whole-image vs tiled inference on a large frame, in one process.

    python benchmarks/tiled_memory.py [--config configs/demo/dbgan_demo.py] [--checkpoint CKPT]
        [--size 2160 3840] [--tile 512] [--tile-overlap 32] [--threads 2] [--out result.json]

Runs :func:`restorekit.apis.deblur_tensor` on one random-texture RGB frame (default
3840×2160), tiled first and then whole, resetting the kernel's peak-RSS mark (``VmHWM`` via
``/proc/self/clear_refs``) before each phase, and prints the peak RSS of each phase, its
increase over the RSS at the start of the phase, the wall time and the max abs difference
between the two outputs. Linux only for per-phase peaks (elsewhere the numbers are
process-lifetime upper bounds).
"""

from __future__ import annotations

import argparse
import gc
import json
import time

import numpy as np
import torch

from restorekit.apis import deblur_tensor, init_model
from restorekit.apis.benchmarking import PeakRSS


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", default="configs/demo/dbgan_demo.py")
    p.add_argument("--checkpoint", default=None)
    p.add_argument("--size", nargs=2, type=int, default=(2160, 3840), metavar=("H", "W"))
    p.add_argument("--tile", type=int, default=512)
    p.add_argument("--tile-overlap", type=int, default=32)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--skip-whole", action="store_true", help="only the tiled phase")
    p.add_argument("--out", default=None, help="write the results as JSON")
    return p.parse_args(argv)


def phase(name: str, fn) -> tuple[dict, torch.Tensor]:
    gc.collect()
    with PeakRSS() as mem:
        start = time.perf_counter()
        out = fn()
        seconds = time.perf_counter() - start
    rec = {"phase": name, "peak_rss_MiB": round(mem.peak_mib, 1),
           "start_rss_MiB": round(mem.start_mib, 1), "increase_MiB": round(mem.delta_mib, 1),
           "seconds": round(seconds, 2), "per_phase_peak": mem.reset_ok}
    print(json.dumps(rec), flush=True)
    return rec, out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    model = init_model(args.config, args.checkpoint)
    h, w = args.size
    rng = np.random.default_rng(0)
    # smooth random texture (a blurred-looking frame) rather than white noise
    small = rng.integers(0, 256, (h // 8 + 1, w // 8 + 1, 3), dtype=np.uint8)
    img = np.ascontiguousarray(np.repeat(np.repeat(small, 8, 0), 8, 1)[:h, :w])
    results = {"config": args.config, "checkpoint": args.checkpoint, "size": [h, w],
               "tile": args.tile, "tile_overlap": args.tile_overlap, "threads": args.threads,
               "size_divisor": model.size_divisor}
    rec, tiled = phase("tiled", lambda: deblur_tensor(model, img, tile=args.tile,
                                                        tile_overlap=args.tile_overlap))
    results["tiled"] = rec
    if not args.skip_whole:
        rec, whole = phase("whole", lambda: deblur_tensor(model, img))
        results["whole"] = rec
        results["max_abs_diff_tiled_vs_whole"] = float((tiled - whole).abs().max())
        results["peak_ratio_whole_over_tiled"] = round(
            results["whole"]["peak_rss_MiB"] / results["tiled"]["peak_rss_MiB"], 2)
    print(json.dumps(results, indent=2))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
