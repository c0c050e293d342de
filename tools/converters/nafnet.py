"""Convert an official NAFNet checkpoint (megvii-research/NAFNet, BasicSR ``{'params': ...}``)
into a restorekit checkpoint of :class:`restorekit.models.generators.NAFNet`.

    python tools/converters/nafnet.py NAFNet-GoPro-width32.pth nafnet_w32_gopro.pth [--raw]
        [--param-key params] [--width 32 --enc-blk-nums 1 1 1 28 --middle-blk-num 1
         --dec-blk-nums 1 1 1 1] [--allow-missing] [--allow-unexpected]

The architecture is read from the file unless given. Every key of the file must map onto a
NAFNet key and every NAFNet key must be filled, otherwise the report is printed and nothing is
written (exit status 1). Output: ``{'state_dict': {'generator.<key>': ...}, 'meta': ...}``
(an mmengine-style checkpoint of a method with a ``generator``), or the bare generator state
dict with ``--raw``; written atomically.
"""

from __future__ import annotations

import argparse
import sys

import torch

from restorekit.models.generators.checkpoint_report import blocks_writing, save_converted
from restorekit.models.generators.nafnet import NAFNet
from restorekit.models.generators.nafnet_checkpoint import (
    convert_official_nafnet_state_dict,
    infer_nafnet_config,
    official_state_dict,
)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src", help="official NAFNet .pth")
    parser.add_argument("dst", help="output checkpoint")
    parser.add_argument("--raw", action="store_true", help="write a bare generator state dict")
    parser.add_argument("--param-key", default="params", help="BasicSR key (params/params_ema)")
    parser.add_argument("--width", type=int, help="default: read from the file")
    parser.add_argument("--enc-blk-nums", type=int, nargs="+")
    parser.add_argument("--middle-blk-num", type=int)
    parser.add_argument("--dec-blk-nums", type=int, nargs="+")
    parser.add_argument("--allow-missing", action="store_true")
    parser.add_argument("--allow-unexpected", action="store_true")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    official = official_state_dict(
        torch.load(args.src, map_location="cpu", weights_only=True), args.param_key)
    arch = infer_nafnet_config(official)
    for name in ("width", "enc_blk_nums", "middle_blk_num", "dec_blk_nums"):
        if getattr(args, name) is not None:
            arch[name] = getattr(args, name)
    print(f"architecture: {arch}")
    target = NAFNet(**arch)
    converted, report = convert_official_nafnet_state_dict(official, target.state_dict())
    print(report)
    if blocks_writing(report, args.allow_missing, args.allow_unexpected):
        print("not written: fix the architecture flags or pass --allow-missing/--allow-unexpected")
        return 1
    target.load_state_dict(converted, strict=not args.allow_missing)
    meta = {"source": args.src, "converter": "tools/converters/nafnet.py",
            "generator": dict(type="NAFNet", **arch)}
    save_converted(target.state_dict(), args.dst, meta, raw=args.raw)
    print(f"wrote {args.dst}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
