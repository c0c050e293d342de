"""Train (or load) a BGAN demo config and print its blur-realism gate (PASS / FAIL).

    python tools/bgan_gate.py CONFIG [CKPT] [--work-dir DIR] [--seed 0] [--threads 1]
        [--cfg-options key=value ...]

Without CKPT the config is trained with its own demo schedule on the demo data (built on
first use), then BGAN(sharp) on the held-out real-blur test pairs is compared with their real
blur (restorekit.demo.blur_gate; criteria in docs/methods/bgan.md, "Gate"). Writes
``<work-dir>/gate_grid.png`` (sharp | real blur | BGAN blur) and ``<work-dir>/gate.json``.
Exit status 0 when all three criteria pass, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch
from mmengine.config import DictAction

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a source checkout

from restorekit.demo.blur_gate import run_gate


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("config")
    p.add_argument("checkpoint", nargs="?", help="evaluate this checkpoint instead of training")
    p.add_argument("--work-dir", help="default: work_dirs/bgan_gate/<config name>")
    p.add_argument("--data-root", default="data/demo")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    p.add_argument("--cfg-options", nargs="+", action=DictAction)
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    work_dir = args.work_dir or f"work_dirs/bgan_gate/{Path(args.config).stem}"
    result = run_gate(args.config, args.checkpoint, work_dir, args.data_root,
                      args.cfg_options, args.seed)
    print(f"\nBGAN gate: {args.config}"
          + (f" (checkpoint {args.checkpoint})" if args.checkpoint else "") + "\n")
    print(result["table"])
    verdict = "PASS" if result["passed"] else "FAIL"
    print(f"\ngate: {verdict}; grid {result['grid']}; {result['seconds']:.0f} s "
          f"(training + evaluation)")
    summary = {k: result[k] for k in ("metrics", "checks", "passed", "seconds", "checkpoint")}
    summary.update(config=str(args.config), grid=str(result["grid"]))
    (Path(work_dir) / "gate.json").write_text(json.dumps(summary, indent=2) + "\n")
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
