"""Convert the official DBGAN generator (``G.pth``, HDCVLab/Deblurring-by-Realistic-Blurring)
into a restorekit checkpoint for ``configs/dbgan_gopro.py``.

    python tools/converters/dbgan.py G.pth dbgan_gopro_official.pth [--raw]
        [--nf 64 --nb 16 --gc 32] [--allow-missing] [--allow-unexpected]

Every key of the file must map onto an RRDBNet key and every RRDBNet key must be filled,
otherwise the report is printed and nothing is written (exit status 1).
"""

from __future__ import annotations

import argparse
import sys

import torch

from restorekit.models.generators.checkpoint_report import blocks_writing, save_converted
from restorekit.models.generators.rrdb_checkpoint import convert_official_dbgan_state_dict
from restorekit.models.generators.rrdbnet import RRDBNet


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src", help="official G.pth")
    parser.add_argument("dst", help="output checkpoint")
    parser.add_argument("--raw", action="store_true", help="write a bare generator state dict")
    parser.add_argument("--nf", type=int, default=64)
    parser.add_argument("--nb", type=int, default=16)
    parser.add_argument("--gc", type=int, default=32)
    parser.add_argument("--allow-missing", action="store_true")
    parser.add_argument("--allow-unexpected", action="store_true")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    official = torch.load(args.src, map_location="cpu", weights_only=True)
    if isinstance(official, dict) and isinstance(official.get("state_dict"), dict):
        official = official["state_dict"]
    target = RRDBNet(mid_channels=args.nf, num_blocks=args.nb, growth_channels=args.gc)
    converted, report = convert_official_dbgan_state_dict(official, target.state_dict())
    print(report)
    if blocks_writing(report, args.allow_missing, args.allow_unexpected):
        print("not written: fix the architecture flags or pass --allow-missing/--allow-unexpected")
        return 1
    target.load_state_dict(converted, strict=not args.allow_missing)
    meta = {"source": args.src, "converter": "tools/converters/dbgan.py"}
    save_converted(target.state_dict(), args.dst, meta, raw=args.raw)
    print(f"wrote {args.dst}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
