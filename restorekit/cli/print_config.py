"""Print a config after inheritance and overrides (what the Runner will see).

    restorekit print-config CONFIG [--cfg-options key=value ...] [--out FILE]
    restorekit print-config --list

CONFIG is a file or a shipped config named ``restorekit::<path under configs/>``
(``restorekit::demo/dbgan_demo.py``). ``--list`` prints the shipped configs' names.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from restorekit.utils.cli import CfgOptionsAction, ToolError, load_config_checked, run_tool


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Print a fully resolved restorekit config")
    parser.add_argument("config", nargs="?", help="config file or restorekit::<name>")
    parser.add_argument("--cfg-options", nargs="+", action=CfgOptionsAction,
                        help="key=value overrides, as for train/test")
    parser.add_argument("--out", help="also write the resolved config to this .py file")
    parser.add_argument("--list", action="store_true", help="list the shipped configs")
    parser.add_argument("--debug", action="store_true", help="full tracebacks for errors")
    return parser.parse_args(argv)


def _print_config(argv: list[str], ctx: dict) -> int:
    args = parse_args(argv)
    if args.list:
        from restorekit.utils.config_refs import list_configs

        print("\n".join(list_configs()))
        return 0
    if not args.config:
        raise ToolError("give a CONFIG (a file or restorekit::<name>) or --list")
    cfg = ctx["cfg"] = load_config_checked(args.config, args.cfg_options)
    print(f"# {args.config} ({cfg.filename})")
    print(cfg.pretty_text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        cfg.dump(args.out)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command; user errors print one line and exit with status 2."""
    ctx: dict = {}
    return run_tool(lambda a: _print_config(a, ctx), argv, "print-config", ctx)
