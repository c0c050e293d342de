"""`make demo`: train small deblurring models on CPU on the embedded demo data and compare them.

1. builds the demo data from scikit-image's photos (data/demo, seconds, once);
2. fits the classical baseline (Wiener deconvolution, two parameters chosen on the training
   pairs) and trains each demo config (configs/demo/) with the config's own schedule;
3. evaluates on the held-out test photos (never seen in training) and prints a table
   (blurry input vs each method: PSNR, SSIM);
4. writes ``<work-dir>/demo_grid.png`` (blurred | restored by each method | sharp),
   ``<work-dir>/results.md`` and, for the realistic-blur pipeline,
   ``<work-dir>/realistic_blur/realistic_blur_demo.png`` (sharp | real blur | BGAN blur |
   deblurred on the held-out "real blur" images).

``--methods blur2blur`` (not in the default set, it adds about 5 minutes) also trains the
Blur2Blur demo (:mod:`restorekit.demo.blur2blur`: known-blur deblurrer, kernel encoder,
translator) and writes ``<work-dir>/blur2blur/blur2blur_demo.png``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch
from mmengine.config import DictAction

from .blur2blur import report_lines as blur2blur_report
from .blur2blur import run_blur2blur_demo
from .classical import run_classical_demo
from .configs import find_config
from .data import build_demo_dataset
from .grid import save_grid
from .realistic_blur import run_realistic_blur_demo
from .training import predict_split, scores, train_config

#: name -> (label, shipped config); iterations and schedules come from each config
METHODS = {
    "dbgan": ("DBGAN (RRDBNet + RDBL)", "demo/dbgan_demo.py"),
    "unet": ("DBGAN U-Net + PatchGAN", "demo/dbgan_unet_demo.py"),
    "fpn": ("DeblurGAN-v2 FPN-MobileNet", "demo/deblurganv2_demo.py"),
    "nafnet": ("NAFNet (width 16, PSNRLoss)", "demo/nafnet_demo.py"),
}
REALISTIC = "realistic"
BLUR2BLUR = "blur2blur"  # optional: not in the default set (``make demo`` has a 10-min budget)
CLASSICAL = "wiener"  # training-free baseline, restorekit/demo/classical.py


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work-dir", default="work_dirs/demo")
    parser.add_argument("--data-root", default="data/demo")
    parser.add_argument("--methods", default=",".join([CLASSICAL, *METHODS, REALISTIC]),
                        help="comma-separated subset; 'blur2blur' adds the Blur2Blur demo")
    parser.add_argument("--amp", action="store_true", help="bf16 autocast on CPU (no gain "
                        "without AMX)")
    parser.add_argument("--cfg-options", nargs="+", action=DictAction, default=None,
                        help="merged into every demo config (the classical baseline's too: "
                        "fit_cfg.num_images=1), e.g. train_cfg.max_iters=2 "
                        "(the shipped schedules are what the README's numbers used)")
    return parser.parse_args(argv)


def markdown_table(rows: list[dict], baseline: dict) -> str:
    lines = [
        "| method | iterations | train time (s) | PSNR (dB) | SSIM | gain (dB) |",
        "|---|---|---|---|---|---|",
        f"| blurry input | - | - | {baseline['psnr']:.2f} | {baseline['ssim']:.4f} | 0.00 |",
    ]
    for r in rows:
        gain = r["psnr"] - baseline["psnr"]
        lines.append(
            f"| {r['label']} | {r['iters']} | {r['seconds']:.0f} | {r['psnr']:.2f} | "
            f"{r['ssim']:.4f} | {gain:+.2f} |"
        )
    return "\n".join(lines)


def main(argv=None) -> list[dict]:
    args = parse_args(argv)
    start = time.perf_counter()
    work = Path(args.work_dir)
    build_demo_dataset(args.data_root)
    wanted = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = sorted(set(wanted) - set(METHODS) - {REALISTIC, CLASSICAL, BLUR2BLUR})
    if unknown:
        raise SystemExit(f"unknown --methods {unknown}; choose from "
                         f"{[CLASSICAL, *METHODS, REALISTIC, BLUR2BLUR]}")
    rows, restored, names, baseline, reference = [], [], [], None, None
    times: dict[str, tuple[float, float]] = {}  # section -> (wall s, CPU s of this process)
    if CLASSICAL in wanted:
        print("== fitting the classical baseline (Wiener) on the training pairs", flush=True)
        wall, cpu = time.perf_counter(), time.process_time()
        row, samples = run_classical_demo(args.data_root, args.cfg_options)
        times[CLASSICAL] = (time.perf_counter() - wall, time.process_time() - cpu)
        rows.append(row)
        restored.append(samples)
        names.append(CLASSICAL)
        baseline, reference = scores(samples, "input_img"), samples
    for name in (m for m in METHODS if m in wanted):
        label, config = METHODS[name]
        print(f"== training {label}: configs/{config}", flush=True)
        wall, cpu = time.perf_counter(), time.process_time()
        model, ckpt, seconds = train_config(find_config(config), work / name, args.data_root,
                                            args.cfg_options, amp=args.amp)
        samples = predict_split(model, args.data_root, split="test")
        iters = int(ckpt.stem.split("_")[-1])
        rows.append(dict(label=label, iters=iters, seconds=seconds, **scores(samples)))
        restored.append(samples)
        names.append(name)
        times[name] = (time.perf_counter() - wall, time.process_time() - cpu)
        if baseline is None:
            baseline, reference = scores(samples, "input_img"), samples
    lines = []
    if rows:
        grid_rows = [
            [reference[i].input_img, *(s[i].pred_img for s in restored), reference[i].gt_img]
            for i in range(min(4, len(reference)))
        ]
        labels = ["blurred", *names, "sharp"]
        grid = save_grid(grid_rows, labels, work / "demo_grid.png", crop=160)
        lines += ["Held-out demo test images (never used for training):", "",
                  markdown_table(rows, baseline), "", f"Sample grid: {grid}"]
    if REALISTIC in wanted:
        print("== training the joint BGAN + DBGAN pipeline (gated kernel BGAN)", flush=True)
        wall, cpu = time.perf_counter(), time.process_time()
        result = run_realistic_blur_demo(work / "realistic_blur", args.data_root,
                                         cfg_options=args.cfg_options)
        times[REALISTIC] = (time.perf_counter() - wall, time.process_time() - cpu)
        b = result["blur"]
        lines += [
            "",
            "Realistic-blur pipeline (BGAN + DBGAN, joint) on held-out 'real blur' images:",
            f"blurry input {result['input']['psnr']:.2f} dB / {result['input']['ssim']:.4f}, "
            f"deblurred {result['deblurred']['psnr']:.2f} dB / "
            f"{result['deblurred']['ssim']:.4f} ({result['seconds']:.0f} s of training)",
            f"BGAN blur vs real blur: mean ratio {b['MeanRatioVsRef']:.3f} (1 = same tone), "
            f"band log2-distance max {b['BandLogDist_max']:.2f} / mean "
            f"{b['BandLogDist_mean']:.2f} (0 = same spectrum, 1 = x2), edge-width ratio "
            f"{b['EdgeWidthRatio']:.2f} (1 = same smear; sharp input "
            f"{b['InputEdgeWidth'] / b['RefEdgeWidth']:.2f})",
            f"Grid (sharp | real blur | BGAN blur | deblurred): {result['grid']}",
        ]
    if BLUR2BLUR in wanted:
        print("== training the Blur2Blur demo (deblurrer, kernel encoder, translator)",
              flush=True)
        result = run_blur2blur_demo(work / "blur2blur", args.data_root,
                                    cfg_options=args.cfg_options)
        lines += ["", *blur2blur_report(result)]
    if times:
        lines.append("\nTime per section (wall s / CPU s of this process): " + ", ".join(
            f"{name} {wall:.0f} / {cpu:.0f}" for name, (wall, cpu) in times.items()))
    lines.append(f"\nTotal demo time: {time.perf_counter() - start:.0f} s")
    report = "\n".join(lines)
    print("\n" + report)
    work.mkdir(parents=True, exist_ok=True)
    (work / "results.md").write_text(report + "\n")
    return rows


if __name__ == "__main__":
    torch.set_num_threads(max(1, torch.get_num_threads()))
    main()
