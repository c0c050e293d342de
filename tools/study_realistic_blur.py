"""Does training DBGAN on BGAN's realistic blur help on blur unlike the training synthesis?

    python tools/study_realistic_blur.py [--iters 450] [--threads 1] [--out docs/experiments]

On the demo data (restorekit.demo.data) three DBGANs of the same size and schedule are
trained and evaluated on the held-out "real blur" test pairs (a blur process that differs from
the demo's synthetic training pairs, restorekit.demo.realblur):

  (i)   naive:   DBGAN on the demo's synthetic training pairs (configs/demo/dbgan_demo.py);
  (ii)  scheme 1: BGAN trained on sharp crops + unpaired real blur (configs/demo/bgan_demo.py),
                 then DBGAN on the frozen BGAN's blur
                 (configs/demo/realistic_blur_separate_demo.py);
  (iii) scheme 2: BGAN and DBGAN trained jointly (configs/demo/realistic_blur_joint_demo.py).

Writes ``<out>/realistic_blur_results<tag>.json``, ``<out>/realistic_blur_grid<tag>.png`` and
prints a Markdown table (PSNR/SSIM on test_realblur and on the in-domain synthetic test split, the
blurry-input baseline, BGAN's blur-vs-real-blur closeness, wall times). See
docs/experiments/realistic_blur.md for the numbers of a full run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a source checkout

from restorekit.demo.data import build_demo_dataset
from restorekit.demo.grid import save_grid
from restorekit.demo.training import predict_split, scores, train_config

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "configs" / "demo"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iters", type=int, default=450, help="iterations of every training")
    parser.add_argument("--data-root", default="data/demo")
    parser.add_argument("--work-dir", default="work_dirs/study_realistic_blur")
    parser.add_argument("--out", default="docs/experiments", help="where JSON and grid go")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch CPU threads (1 is fastest when the cores are shared)")
    parser.add_argument("--width", type=int, default=24, help="DBGAN RRDB width (nf)")
    parser.add_argument("--blocks", type=int, default=1, help="DBGAN RRDB blocks (nb)")
    parser.add_argument("--amp", action="store_true", help="bf16 autocast on CPU")
    parser.add_argument("--bgan-l1", type=float, default=None,
                        help="override the BGAN L1 content weight (demo configs: 1.0)")
    parser.add_argument("--grid-crop", type=int, default=80, help="grid tile size (px)")
    parser.add_argument("--tag", default="", help="suffix of the output file names")
    return parser.parse_args(argv)


def evaluate(model, root: str) -> dict:
    real = predict_split(model, root, "test_realblur")
    synth = predict_split(model, root, "test")
    return dict(real=scores(real), synthetic=scores(synth), samples=real)


def fmt(s: dict) -> str:
    return f"{s['psnr']:.2f} / {s['ssim']:.4f}"


def main(argv=None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    start = time.perf_counter()
    root = args.data_root
    build_demo_dataset(root)
    work = Path(args.work_dir)
    gen = dict(type="RRDBNet", mid_channels=args.width, num_blocks=args.blocks,
               growth_channels=args.width // 2, init="kaiming_scaled")
    schedule = {"train_cfg.max_iters": args.iters, "train_cfg.val_interval": args.iters + 1,
                "param_scheduler.T_max": args.iters,
                "default_hooks.checkpoint.interval": args.iters}
    common = dict(data_root=root, amp=args.amp)
    bgan_over, joint_over = dict(schedule), {**schedule, "model.generator": gen}
    if args.bgan_l1 is not None:
        bgan_over["model.pixel_loss"] = dict(type="L1Loss", loss_weight=args.bgan_l1)
        joint_over["model.blur_pixel_loss"] = dict(type="L1Loss", loss_weight=args.bgan_l1)
    results, times = {}, {}

    naive_over = {**schedule, "model.generator": gen}
    model, _, times["naive"] = train_config(DEMO / "dbgan_demo.py", work / "naive",
                                            cfg_options=naive_over, **common)
    results["naive"] = evaluate(model, root)

    bgan, bgan_ckpt, times["bgan"] = train_config(DEMO / "bgan_demo.py", work / "bgan",
                                                  cfg_options=bgan_over, **common)
    bgan_samples = predict_split(bgan, root, "test_realblur")  # pred = BGAN(sharp), gt = real
    model, _, times["scheme1"] = train_config(
        DEMO / "realistic_blur_separate_demo.py", work / "scheme1",
        cfg_options={**schedule, "model.generator": gen,
                     "model.blur_generator_ckpt": str(bgan_ckpt)}, **common)
    results["scheme1"] = evaluate(model, root)

    model, _, times["joint"] = train_config(DEMO / "realistic_blur_joint_demo.py", work / "joint",
                                            cfg_options=joint_over, **common)
    results["joint"] = evaluate(model, root)
    joint_blur = scores(results["joint"]["samples"], "synthetic_blur_img", "input_img")

    real = results["naive"]["samples"]
    summary = dict(
        command=" ".join([Path(sys.executable).name, *sys.argv]),
        iters=args.iters, threads=args.threads, dbgan_generator=gen, amp=args.amp,
        bgan_l1=args.bgan_l1,
        wall_seconds=round(time.perf_counter() - start, 1),
        train_seconds={k: round(v, 1) for k, v in times.items()},
        input=dict(real=scores(real, "input_img"),
                   synthetic=scores(predict_split(bgan, root, "test"), "gt_img", "input_img")),
        dbgan={k: dict(real=v["real"], synthetic=v["synthetic"]) for k, v in results.items()},
        blur_closeness=dict(sharp=scores(bgan_samples, "input_img"),
                            bgan_scheme1=scores(bgan_samples), bgan_joint=joint_blur),
    )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = [[r.gt_img, r.input_img, b.pred_img, j.synthetic_blur_img, n.pred_img, s.pred_img,
             j.pred_img]
            for r, b, n, s, j in zip(real, bgan_samples, results["naive"]["samples"],
                                     results["scheme1"]["samples"], results["joint"]["samples"])]
    pick = [0, 3, 6] if len(rows) > 6 else list(range(min(3, len(rows))))
    save_grid([rows[i] for i in pick], ["sharp", "real blur", "BGAN sch.1", "BGAN joint",
                                        "DBGAN naive", "DBGAN sch.1", "DBGAN joint"],
              out / f"realistic_blur_grid{args.tag}.png", crop=args.grid_crop)
    (out / f"realistic_blur_results{args.tag}.json").write_text(
        json.dumps(summary, indent=2) + "\n")

    print("| DBGAN trained on | real-blur test PSNR / SSIM | synthetic test PSNR / SSIM | "
          "train s |")
    print("|---|---|---|---|")
    print(f"| (blurry input) | {fmt(summary['input']['real'])} | "
          f"{fmt(summary['input']['synthetic'])} | - |")
    names = dict(naive="(i) naive synthetic pairs", scheme1="(ii) frozen BGAN blur (scheme 1)",
                 joint="(iii) joint BGAN+DBGAN (scheme 2)")
    for key, label in names.items():
        d = summary["dbgan"][key]
        extra = f" (+{times['bgan']:.0f} BGAN)" if key == "scheme1" else ""
        print(f"| {label} | {fmt(d['real'])} | {fmt(d['synthetic'])} | "
              f"{times[key]:.0f}{extra} |")
    c = summary["blur_closeness"]
    print(f"\nblur vs real blur on test_realblur: sharp {fmt(c['sharp'])}, "
          f"BGAN {fmt(c['bgan_scheme1'])}, joint BGAN {fmt(c['bgan_joint'])}")
    print(f"wall time {summary['wall_seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
