"""Output differences (not timings) of every inference path, per generator at paper widths.

    python benchmarks/exactness.py [--models fpn_mobilenet fpn_inception rrdb16 unet256]
        [--size 256 256] [--odd 75 141] [--out work_dirs/exactness.json]

Random weights (seed 0; BatchNorm running statistics randomised), random uint8 images. Per
generator and image size, max |difference| on the [0, 1] output scale of:

* ``official`` -- :func:`restorekit.apis.deblur_tensor` vs an independent reproduction of the
  official inference script (DeblurGAN-v2 ``predict.py``: ``x / 127.5 - 1``, zero pad to
  ``(s // 32 + 1) * 32``, network in train mode, crop; DBGAN ``DB_model.test``: eval, no pad;
  pix2pix: eval on the unpadded image, only for sizes that are multiples of ``2 ** depth``);
* ``f64`` -- eager fp32 vs the same model in float64 (the network's own rounding noise);
* ``fast`` -- the fast CPU fp32 path vs eager; ``onnx`` -- onnxruntime vs eager (TorchScript
  exporter, static export at that size); ``fast_f64`` / ``onnx_f64`` -- the same vs float64.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import tempfile

import numpy as np
import torch

from restorekit.apis import deblur_tensor, init_model
from restorekit.apis.onnx_export import export_onnx
from restorekit.apis.tiling import run_padded
from restorekit.models.padding import get_pad_policy, padded_size

MODELS = {
    "fpn_mobilenet": dict(type="FPNGenerator", backbone="mobilenet_v2",
                          inference_norm="batch_stats"),
    "fpn_inception": dict(type="FPNGenerator", backbone="inception_resnet_v2",
                          inference_norm="batch_stats"),
    "rrdb16": dict(type="RRDBNet"),
    "unet256": dict(type="UNetGenerator", norm="batch", dropout=False),
}


def official_reference(name: str, gen: torch.nn.Module, img: np.ndarray) -> torch.Tensor | None:
    """The official script's float output in [0, 1] (None where it is not defined)."""
    h, w, _ = img.shape
    if name.startswith("fpn"):
        if min(h, w) // 32 * 32 + 32 < gen.backbone.min_size:
            return None  # the official network fails on a 1x1 enc4 map
        x = img.astype(np.float32) / np.float32(127.5) - np.float32(1)
        x = np.pad(x, ((0, (h // 32 + 1) * 32 - h), (0, (w // 32 + 1) * 32 - w), (0, 0)))
        net = copy.deepcopy(gen).train()
        with torch.no_grad():
            y = net.forward_normalized(torch.from_numpy(x.transpose(2, 0, 1).copy())[None])
        return (y[..., :h, :w] + 1) / 2
    x = torch.from_numpy(img).permute(2, 0, 1)[None].float() / 255
    if name == "unet256" and (h % gen.size_divisor or w % gen.size_divisor):
        return None
    with torch.no_grad():
        return gen.eval()(x)


def _randomise_bn(net: torch.nn.Module) -> None:
    g = torch.Generator().manual_seed(0)
    for m in net.modules():
        if isinstance(m, torch.nn.BatchNorm2d) and m.running_mean is not None:
            m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)


def measure(name: str, size: tuple[int, int]) -> dict[str, object]:
    """One row: the four differences for generator ``name`` at ``size``."""
    torch.manual_seed(0)
    model = init_model(dict(model=MODELS[name]))
    _randomise_bn(model)
    img = np.random.default_rng(0).integers(0, 256, (*size, 3), dtype=np.uint8)
    policy = get_pad_policy(model)
    eager = deblur_tensor(model, img)
    row: dict[str, object] = {"model": name, "size": f"{size[0]}x{size[1]}",
                              "padded": "x".join(map(str, padded_size(*size, policy)))}
    ref = official_reference(name, model, img)
    row["official"] = None if ref is None else float((eager - ref).abs().max())
    x = torch.from_numpy(img).permute(2, 0, 1)[None].double() / 255
    with torch.inference_mode():
        exact = run_padded(copy.deepcopy(model).double(), x, policy).double()
    row["f64"] = float((eager.double() - exact).abs().max())
    fast = deblur_tensor(model, img, fast=True)
    row["fast"] = float((fast - eager).abs().max())
    row["fast_f64"] = float((fast.double() - exact).abs().max())
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.onnx")
        export_onnx(model, path, size, exporter="torchscript")
        onnx = deblur_tensor(None, img, backend="onnxruntime", onnx=path)
    row["onnx"] = float((onnx - eager).abs().max())
    row["onnx_f64"] = float((onnx.double() - exact).abs().max())
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--size", nargs=2, type=int, default=(256, 256))
    parser.add_argument("--odd", nargs=2, type=int, default=(75, 141))
    parser.add_argument("--out", default=None, help="JSON lines output")
    args = parser.parse_args()
    keys = ("official", "f64", "fast", "onnx", "fast_f64", "onnx_f64")
    print("| model | image | padded | deblur vs official | eager vs fp64 | fast vs eager | "
          "ONNX vs eager | fast vs fp64 | ONNX vs fp64 |\n|---|---|---|---|---|---|---|---|---|")
    for name in args.models:
        for size in (tuple(args.size), tuple(args.odd)):
            row = measure(name, size)
            cells = ["n/a" if row[k] is None else f"{row[k]:.1e}"
                     for k in keys]
            print(f"| {name} | {row['size']} | {row['padded']} | " + " | ".join(cells) + " |",
                  flush=True)
            if args.out:
                with open(args.out, "a") as f:
                    f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
