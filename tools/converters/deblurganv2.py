"""Convert an official DeblurGAN-v2 generator checkpoint to a restorekit checkpoint.

Usage::

    python tools/converters/deblurganv2.py fpn_mobilenet.h5 fpn_mobilenet_restorekit.pth \\
        --backbone mobilenet_v2
    python tools/converters/deblurganv2.py fpn_inception.h5 out.pth --backbone inception_resnet_v2
    # a bare generator state dict instead of {'state_dict': {'generator.*'}, 'meta': ...}:
    python tools/converters/deblurganv2.py fpn_mobilenet.h5 out.pth --raw

The input (``torch.save({'model': state_dict})`` of an ``nn.DataParallel`` FPN) is read with
``torch.load(..., weights_only=True)``. The key mapping lives in
``restorekit/models/generators/fpn_checkpoint.py``. The tool prints every unmatched source key,
every missing target key and every alias mismatch, and exits with status 1 unless the problem is
allowed (``--allow-unexpected`` for unmatched source keys and alias mismatches,
``--allow-missing`` for missing target keys). The converted tensors are loaded strictly into a
freshly built ``FPNGenerator`` before anything is written; the output is written atomically.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from restorekit.models.generators.fpn_checkpoint import (
    build_target_generator,
    convert_official_fpn_state_dict,
)


def _guess_backbone(sd: dict[str, torch.Tensor]) -> str:
    if any(".inception." in k for k in sd):
        return "inception_resnet_v2"
    if any(".features." in k for k in sd):
        return "mobilenet_v2"
    raise SystemExit("cannot tell the backbone from the keys; pass --backbone")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("src", help="official fpn_mobilenet.h5 / fpn_inception.h5")
    p.add_argument("dst", help="output .pth")
    p.add_argument("--backbone", choices=("mobilenet_v2", "inception_resnet_v2"),
                   help="default: guessed from the keys")
    p.add_argument("--raw", action="store_true", help="write a bare generator state dict")
    p.add_argument("--prefix", default="generator.",
                   help="key prefix in the restorekit checkpoint (default 'generator.')")
    p.add_argument("--keep-instance-norm-stats", action="store_true",
                   help="keep InstanceNorm running stats (load with legacy_running_stats=True)")
    p.add_argument("--allow-missing", action="store_true",
                   help="do not fail on target keys the source does not provide")
    p.add_argument("--allow-unexpected", action="store_true",
                   help="do not fail on unmatched source keys or alias mismatches")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the conversion; returns the process exit status (0 ok, 1 strict-check failure)."""
    args = parse_args(argv)
    obj = torch.load(args.src, map_location="cpu", weights_only=True)
    sd = obj["model"] if isinstance(obj, dict) and isinstance(obj.get("model"), dict) else obj
    if not isinstance(sd, dict):
        raise SystemExit(f"{args.src} does not hold a state dict")
    backbone = args.backbone or _guess_backbone(sd)
    model = build_target_generator(sd, backbone, args.keep_instance_norm_stats)
    target = model.state_dict()
    new_sd, report = convert_official_fpn_state_dict(
        sd, backbone, list(target), keep_instance_norm_stats=args.keep_instance_norm_stats)
    shape_errors = [f"{k}: {tuple(v.shape)} vs {tuple(target[k].shape)}"
                    for k, v in new_sd.items() if v.shape != target[k].shape]

    print(f"{args.src}: {len(sd)} source keys, backbone {backbone}, {len(new_sd)} of "
          f"{len(target)} target keys set")
    print(f"dropped on purpose: {len(report['dropped'])}; filled counters: "
          f"{len(report['filled'])}")
    for title, items in (("unexpected source key", report["unexpected"]),
                         ("alias mismatch", report["alias_mismatch"]),
                         ("missing target key", report["missing"]),
                         ("shape mismatch", shape_errors)):
        for item in items:
            print(f"  {title}: {item}")
    failed = bool(shape_errors)
    if (report["unexpected"] or report["alias_mismatch"]) and not args.allow_unexpected:
        failed = True
    if report["missing"] and not args.allow_missing:
        failed = True
    if failed:
        print("conversion FAILED the strict check (see above); nothing written", file=sys.stderr)
        return 1
    model.load_state_dict(new_sd, strict=not report["missing"])
    out = new_sd if args.raw else {
        "state_dict": {args.prefix + k: v for k, v in new_sd.items()},
        "meta": {"source": os.path.basename(args.src), "converter": "deblurganv2",
                 "generator": {"type": "FPNGenerator", **_generator_cfg(model)}},
    }
    dst = Path(args.dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=dst.parent, delete=False, suffix=".tmp") as f:
        tmp = f.name
    try:
        torch.save(out, tmp)
        os.replace(tmp, dst)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    print(f"wrote {dst} ({'raw state dict' if args.raw else 'restorekit checkpoint'})")
    return 0


def _generator_cfg(model) -> dict:
    return {"backbone": model.backbone_name, "num_filters": model.num_filters,
            "num_filters_fpn": model.num_filters_fpn, "norm": model.norm,
            "legacy_running_stats": any(k.endswith("running_mean") and not k.startswith(
                "backbone.") and model.norm == "instance" for k in model.state_dict()),
            "inference_norm": "batch_stats"}


if __name__ == "__main__":
    sys.exit(main())
