"""The Blur2Blur demo: three short trainings, then two-stage deblurring of the "real blur" images.

``python tools/demo.py --methods blur2blur`` (not in the default ``make demo`` set: it adds
minutes). On the embedded demo data (:mod:`restorekit.demo.data`):

1. the known-blur deblurrer: a narrow MIMO-UNet ``Restorer`` on the synthetic camera-shake
   pairs (``configs/demo/mimo_unet_demo.py``);
2. the kernel encoder: a narrow KernelWizard re-blurring the same pairs
   (``configs/demo/kernel_wizard_demo.py``);
3. the translator: ``Blur2Blur`` from the "real blur" images (A) towards camera shake, with
   targets made by the frozen encoder of step 2 from B = sharp crops of other photos
   (``configs/demo/blur2blur_demo.py``);
4. the two-stage model (``configs/demo/blur2blur_two_stage_demo.py``: translator, then the
   deblurrer of step 1) on the held-out ``test_realblur`` pairs, compared with the deblurrer
   applied directly to the real blur; a grid ``real blur | translated | two-stage deblurred |
   deblurred directly | sharp`` and a combined checkpoint for the tools.

Each stage uses its config's own schedule; ``cfg_options`` is merged into every one of them
(tests use ``train_cfg.max_iters=2``).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import torch
from mmengine.registry import init_default_scope

from restorekit.registry import MODELS

from .configs import find_config
from .grid import save_grid
from .training import load_demo_config, predict_split, scores, train_config

DEBLURRER = "demo/mimo_unet_demo.py"
KERNEL_ENCODER = "demo/kernel_wizard_demo.py"
TRANSLATOR = "demo/blur2blur_demo.py"
TWO_STAGE = "demo/blur2blur_two_stage_demo.py"


def _merged(base: dict, extra: dict | None) -> dict:
    return dict(base) | dict(extra or {})


def run_blur2blur_demo(work_dir: str | os.PathLike = "work_dirs/demo/blur2blur",
                       data_root: str = "data/demo", cfg_options: dict | None = None,
                       num_images: int = 4) -> dict:
    """Run the four steps of the module docstring.

    Returns ``dict(grid, checkpoint, seconds=dict(deblurrer, kernel_encoder, translator,
    total), input, direct, two_stage, translated_input_psnr, deblurrer_on_known,
    reblur)``: PSNR/SSIM dicts on ``test_realblur`` (``input`` = the real blur itself,
    ``direct`` = the deblurrer applied to it, ``two_stage`` = Blur2Blur), on the synthetic
    test pairs for the deblurrer (``deblurrer_on_known``) and the encoder's re-blur fidelity
    (``reblur``: re-blurred sharp vs real blurry test image, and ``reblur_baseline``: sharp vs
    blurry).
    """
    start = time.perf_counter()
    work = Path(work_dir)
    seconds = {}
    print("== Blur2Blur 1/3: known-blur deblurrer (MIMO-UNet on camera-shake pairs)", flush=True)
    deblurrer, deblurrer_ckpt, seconds["deblurrer"] = train_config(
        find_config(DEBLURRER), work / "deblurrer", data_root, cfg_options)
    print("== Blur2Blur 2/3: kernel encoder (KernelWizard re-blur)", flush=True)
    encoder, encoder_ckpt, seconds["kernel_encoder"] = train_config(
        find_config(KERNEL_ENCODER), work / "kernel_encoder", data_root, cfg_options)
    print("== Blur2Blur 3/3: translator (real blur -> camera shake)", flush=True)
    _, translator_ckpt, seconds["translator"] = train_config(
        find_config(TRANSLATOR), work / "translator", data_root,
        _merged({"model.kernel_encoder_ckpt": str(encoder_ckpt)}, cfg_options))

    init_default_scope("restorekit")
    cfg = load_demo_config(find_config(TWO_STAGE), work / "two_stage", data_root, {
        "model.translator_ckpt": str(translator_ckpt),
        "model.deblurrer_ckpt": str(deblurrer_ckpt)})
    model = MODELS.build(cfg.model).eval()
    combined = work / "two_stage.pth"
    torch.save({"state_dict": model.state_dict()}, combined)

    two_stage = predict_split(model, data_root, "test_realblur")
    direct = predict_split(deblurrer, data_root, "test_realblur")
    known = predict_split(deblurrer, data_root, "test")
    reblurred = predict_split(encoder, data_root, "test")
    rows = [[s.input_img, s.translated_img, s.pred_img, d.pred_img, s.gt_img]
            for s, d in zip(two_stage[:num_images], direct[:num_images])]
    grid = save_grid(rows, ["real blur", "translated", "Blur2Blur", "direct", "sharp"],
                     work / "blur2blur_demo.png")
    seconds["total"] = time.perf_counter() - start
    return dict(
        grid=grid, checkpoint=combined, seconds=seconds,
        input=scores(two_stage, "input_img"), direct=scores(direct),
        two_stage=scores(two_stage), translated_vs_input=scores(two_stage, "translated_img",
                                                                 "input_img"),
        deblurrer_on_known=scores(known), deblurrer_known_input=scores(known, "input_img"),
        reblur=scores(reblurred), reblur_baseline=scores(reblurred, "input_img"),
    )


def report_lines(result: dict) -> list[str]:
    """Markdown lines summarising :func:`run_blur2blur_demo`'s result."""
    s = result["seconds"]

    def row(label: str, r: dict) -> str:
        return f"| {label} | {r['psnr']:.2f} | {r['ssim']:.4f} |"

    return [
        "Blur2Blur on the held-out 'real blur' pairs (test_realblur):", "",
        "| | PSNR (dB) | SSIM |", "|---|---|---|",
        row("real blur (input)", result["input"]),
        row("known-blur deblurrer applied directly", result["direct"]),
        row("Blur2Blur: translator -> same deblurrer", result["two_stage"]), "",
        f"Known-blur deblurrer on its own (synthetic camera-shake) test pairs: "
        f"{result['deblurrer_on_known']['psnr']:.2f} dB "
        f"(input {result['deblurrer_known_input']['psnr']:.2f} dB); kernel-encoder re-blur "
        f"PSNR {result['reblur']['psnr']:.2f} dB (sharp vs blurry "
        f"{result['reblur_baseline']['psnr']:.2f} dB); translated vs its input "
        f"{result['translated_vs_input']['psnr']:.2f} dB.",
        f"Training time: deblurrer {s['deblurrer']:.0f} s, kernel encoder "
        f"{s['kernel_encoder']:.0f} s, translator {s['translator']:.0f} s; Blur2Blur total "
        f"{s['total']:.0f} s.",
        f"Grid (real blur | translated | Blur2Blur | direct | sharp): {result['grid']}",
        f"Two-stage checkpoint for the tools: {result['checkpoint']}",
    ]


__all__ = ["report_lines", "run_blur2blur_demo"]
