"""`make demo`: train small deblurring GANs on CPU on the embedded demo data and compare them.

    python tools/demo.py [--work-dir work_dirs/demo] [--methods dbgan,unet,fpn,realistic]
                         [--scale 1.0] [--amp]

1. builds the demo data from scikit-image's photos (data/demo, seconds, once);
2. trains each demo config (configs/demo/) for a fixed number of iterations;
3. evaluates on the held-out test photos (never seen in training) and prints a table
   (blurry input vs each method: PSNR, SSIM);
4. writes ``<work-dir>/demo_grid.png`` (blurred | restored by each method | sharp),
   ``<work-dir>/results.md`` and, for the realistic-blur pipeline,
   ``<work-dir>/realistic_blur/realistic_blur_demo.png`` (sharp | real blur | BGAN blur |
   deblurred on the held-out "real blur" images).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

from restorekit.apis.realistic_blur_demo import (
    predict_split,
    run_realistic_blur_demo,
    save_grid,
    scores,
    train_config,
)
from restorekit.datasets.demo import build_demo_dataset

REPO = Path(__file__).resolve().parents[1]
# name -> (label, config, training iterations at --scale 1)
METHODS = {
    "dbgan": ("DBGAN (RRDBNet + RDBL)", "configs/demo/dbgan_demo.py", 300),
    "unet": ("DBGAN U-Net + PatchGAN", "configs/demo/dbgan_unet_demo.py", 300),
    "fpn": ("DeblurGAN-v2 FPN-MobileNet", "configs/demo/deblurganv2_demo.py", 300),
}
REALISTIC_ITERS = 150


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work-dir", default="work_dirs/demo")
    parser.add_argument("--data-root", default="data/demo")
    parser.add_argument(
        "--methods", default="dbgan,unet,fpn,realistic", help="comma-separated subset"
    )
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every iteration count")
    parser.add_argument("--amp", action="store_true", help="bf16 autocast + channels_last on CPU")
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
    torch.set_num_threads(max(1, torch.get_num_threads()))
    start = time.perf_counter()
    work = Path(args.work_dir)
    build_demo_dataset(args.data_root)
    wanted = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = sorted(set(wanted) - set(METHODS) - {"realistic"})
    if unknown:
        raise SystemExit(f"unknown --methods {unknown}; choose from {[*METHODS, 'realistic']}")
    rows, restored, baseline, reference = [], [], None, None
    for name in (m for m in METHODS if m in wanted):
        label, config, iters = METHODS[name]
        iters = max(1, round(iters * args.scale))
        print(f"== training {label}: {config}, {iters} iterations", flush=True)
        model, _, seconds = train_config(
            REPO / config, work / name, iters, args.data_root, amp=args.amp
        )
        samples = predict_split(model, args.data_root, split="test")
        rows.append(dict(label=label, iters=iters, seconds=seconds, **scores(samples)))
        restored.append(samples)
        if baseline is None:
            baseline, reference = scores(samples, "input_img"), samples
    lines = []
    if rows:
        table = markdown_table(rows, baseline)
        grid_rows = [
            [reference[i].input_img, *(s[i].pred_img for s in restored), reference[i].gt_img]
            for i in range(min(4, len(reference)))
        ]
        labels = ["blurred", *(name for name in wanted if name in METHODS), "sharp"]
        grid = save_grid(grid_rows, labels, work / "demo_grid.png", crop=160)
        lines += [
            "Held-out demo test images (never used for training):",
            "",
            table,
            "",
            f"Sample grid: {grid}",
        ]
    if "realistic" in wanted:
        iters = max(1, round(REALISTIC_ITERS * args.scale))
        print(f"== training the joint BGAN + DBGAN pipeline, {iters} iterations", flush=True)
        result = run_realistic_blur_demo(work / "realistic_blur", args.data_root, iters)
        lines += [
            "",
            "Realistic-blur pipeline (BGAN + DBGAN, joint) on held-out 'real blur' images:",
            f"blurry input {result['input']['psnr']:.2f} dB / {result['input']['ssim']:.4f}, "
            f"deblurred {result['deblurred']['psnr']:.2f} dB / "
            f"{result['deblurred']['ssim']:.4f} ({result['seconds']:.0f} s of training)",
            f"Grid (sharp | real blur | BGAN blur | deblurred): {result['grid']}",
        ]
    lines.append(f"\nTotal demo time: {time.perf_counter() - start:.0f} s")
    report = "\n".join(lines)
    print("\n" + report)
    work.mkdir(parents=True, exist_ok=True)
    (work / "results.md").write_text(report + "\n")
    return rows


if __name__ == "__main__":
    main()
