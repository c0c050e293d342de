"""Check and convert the official BKSE KernelWizard weights (``GOPRO_woVAE.pth``).

    python tools/converters/kernel_wizard.py GOPRO_woVAE.pth kernel_wizard_gopro.pth
        [--prefix kernel_encoder.] [--allow-missing] [--allow-unexpected]

The file is read with ``torch.load(weights_only=True)``; the architecture (widths, block
counts) is read from its shapes. restorekit's ``KernelWizard`` keeps the official key names,
so conversion is a strict key-by-key check (``restorekit/models/generators/
kernel_wizard_checkpoint.py``): every key of the file must exist in the model with the same
shape and every model key must be filled, otherwise the report is printed and nothing is
written (exit status 1). Output (written atomically): the bare state dict, or with
``--prefix`` every key prefixed (to drop it into a method checkpoint's ``state_dict``) plus a
``meta`` entry with the constructor arguments.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from restorekit.models.generators.checkpoint_report import blocks_writing, save_converted
from restorekit.models.generators.kernel_wizard import KernelWizard
from restorekit.models.generators.kernel_wizard_checkpoint import (
    convert_official_kernel_wizard_state_dict,
    infer_kernel_wizard_config,
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src", help="official GOPRO_woVAE.pth")
    parser.add_argument("dst", help="output .pth")
    parser.add_argument("--prefix", default="",
                        help="key prefix, e.g. 'kernel_encoder.' (default: bare state dict)")
    parser.add_argument("--allow-missing", action="store_true")
    parser.add_argument("--allow-unexpected", action="store_true")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the check / conversion; returns the exit status (0 written, 1 strict check failed)."""
    args = parse_args(argv)
    obj = torch.load(args.src, map_location="cpu", weights_only=True)
    official = obj.get("state_dict", obj) if isinstance(obj, dict) else obj
    if not isinstance(official, dict):
        print(f"{args.src} does not hold a state dict", file=sys.stderr)
        return 1
    cfg = infer_kernel_wizard_config(official)
    model = KernelWizard(**cfg)
    converted, report = convert_official_kernel_wizard_state_dict(official, model.state_dict())
    print(f"{args.src}: KernelWizard({', '.join(f'{k}={v}' for k, v in cfg.items())})")
    print(report)
    if blocks_writing(report, args.allow_missing, args.allow_unexpected):
        print("not written: the file does not match KernelWizard (see above)", file=sys.stderr)
        return 1
    model.load_state_dict(converted, strict=not args.allow_missing)
    save_converted(model.state_dict(), args.dst, {
        "source": Path(args.src).name, "converter": "tools/converters/kernel_wizard.py",
        "kernel_encoder": {"type": "KernelWizard", **cfg}}, prefix=args.prefix,
        raw=not args.prefix)
    print(f"wrote {args.dst}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
