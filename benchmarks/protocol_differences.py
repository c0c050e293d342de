"""How much the evaluation protocol moves the numbers: demo test split, identity vs Wiener.

    python tools/fit_classical.py configs/demo/classical_wiener_demo.py \\
        --out work_dirs/wiener_demo.pth                   # once (about 2 min on 2 cores)
    python benchmarks/protocol_differences.py [--checkpoint work_dirs/wiener_demo.pth]
        [--out benchmarks/results/protocols_demo.json]

For the blurry input (identity), the fitted Wiener baseline and the sharp ground truth
(NIQE only), prints the mean over the 8 demo test pairs (192 x 192) of: restorekit's default
PSNR / SSIM (float prediction, mmagic conventions) and every protocol of
:data:`restorekit.evaluation.protocols.PROTOCOLS` (docs/metrics.md).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch

from restorekit.apis import deblur_tensor, init_model
from restorekit.apis.benchmarking import load_folder_pairs
from restorekit.demo.data import build_demo_dataset
from restorekit.evaluation.metrics import psnr, ssim
from restorekit.evaluation.protocols import PROTOCOLS, ProtocolScorer


def _t(img: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(img).permute(2, 0, 1).float() / 255.0


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-root", default="data/demo")
    p.add_argument("--config", default="configs/demo/classical_wiener_demo.py")
    p.add_argument("--checkpoint", default="work_dirs/wiener_demo.pth")
    p.add_argument("--out", default=None)
    args = p.parse_args(argv)
    pairs = load_folder_pairs(str(build_demo_dataset(args.data_root) / "test"))
    gts = [_t(s) for _, _, s in pairs]
    model = init_model(args.config, args.checkpoint, "cpu")
    preds = {"identity (blurry input)": [_t(b) for _, b, _ in pairs],
             f"Wiener ({Path(args.checkpoint).name})":
                 [deblur_tensor(model, b)[0].clamp(0, 1) for _, b, _ in pairs]}
    scorers = {name: ProtocolScorer(name) for name in PROTOCOLS}
    table: dict[str, dict[str, float]] = {}
    for name, images in preds.items():
        row = {"default/PSNR": np.mean([psnr(x, y) for x, y in zip(images, gts)]),
               "default/SSIM": np.mean([ssim(x, y) for x, y in zip(images, gts)])}
        for proto, scorer in scorers.items():
            scores = [scorer(x, y) for x, y in zip(images, gts)]
            row.update({f"{proto}/{k}": np.mean([s[k] for s in scores]) for k in scores[0]})
        table[name] = {k: round(float(v), 4) for k, v in row.items()}
    table["sharp ground truth"] = {"niqe/NIQE": round(float(np.mean(
        [scorers["niqe"](y, None)["NIQE"] for y in gts])), 4)}
    print(json.dumps(table, indent=1))
    if args.out:
        Path(args.out).write_text(json.dumps(table, indent=2) + "\n")
    return table


if __name__ == "__main__":
    main()
