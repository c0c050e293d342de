"""Convert an official MIMO-UNet / MIMO-UNet+ checkpoint into a restorekit checkpoint.

    python tools/converters/mimo_unet.py MIMO-UNet.pkl mimo_unet_gopro.pth [--raw]
        [--base-channels 32 --num-blocks 8] [--allow-missing] [--allow-unexpected]

Reads ``{'model': state_dict}`` (chosj95/MIMO-UNet) or a bare state dict (Blur2Blur
``<epoch>_net_G.pth``) with ``torch.load(weights_only=True)``. The width and block count are
read from the file unless given (8 blocks = MIMO-UNet, 20 = MIMO-UNet+). The key mapping is in
``restorekit/models/generators/mimo_checkpoint.py``. Every official key must map onto a
``MIMOUNet`` key and every ``MIMOUNet`` key must be filled; otherwise the report is printed and
nothing is written (exit status 1). The output is written atomically: by default
``{'state_dict': {'generator.<key>': ...}, 'meta': {...}}``, with ``--raw`` the bare generator
state dict.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from restorekit.models.generators.checkpoint_report import blocks_writing, save_converted
from restorekit.models.generators.mimo_checkpoint import (
    convert_official_mimo_state_dict,
    infer_mimo_config,
    unwrap_official_checkpoint,
)
from restorekit.models.generators.mimo_unet import MIMOUNet


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src", help="official MIMO-UNet.pkl / MIMO-UNetPlus.pkl / net_G.pth")
    parser.add_argument("dst", help="output checkpoint")
    parser.add_argument("--raw", action="store_true", help="write a bare generator state dict")
    parser.add_argument("--base-channels", type=int, default=None, help="default: from the file")
    parser.add_argument("--num-blocks", type=int, default=None, help="default: from the file")
    parser.add_argument("--allow-missing", action="store_true")
    parser.add_argument("--allow-unexpected", action="store_true")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the conversion; returns the exit status (0 written, 1 strict check failed)."""
    args = parse_args(argv)
    official = unwrap_official_checkpoint(
        torch.load(args.src, map_location="cpu", weights_only=True))
    cfg = infer_mimo_config(official)
    if args.base_channels is not None:
        cfg["base_channels"] = args.base_channels
    if args.num_blocks is not None:
        cfg["num_blocks"] = args.num_blocks
    target = MIMOUNet(**cfg)
    converted, report = convert_official_mimo_state_dict(official, target.state_dict())
    print(f"{args.src}: MIMOUNet({', '.join(f'{k}={v}' for k, v in cfg.items())})")
    print(report)
    if blocks_writing(report, args.allow_missing, args.allow_unexpected):
        print("not written: fix --base-channels/--num-blocks or pass "
              "--allow-missing/--allow-unexpected", file=sys.stderr)
        return 1
    target.load_state_dict(converted, strict=not args.allow_missing)
    meta = {"source": Path(args.src).name, "converter": "tools/converters/mimo_unet.py",
            "generator": {"type": "MIMOUNet", **cfg}}
    save_converted(target.state_dict(), args.dst, meta, raw=args.raw)
    print(f"wrote {args.dst}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
