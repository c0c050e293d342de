"""The realistic-blur study: does DBGAN trained on BGAN's blur deblur real blur better?

    python tools/study_realistic_blur.py [--arms A0,A1,A2,A3,A4,A5,B2B] [--seeds 0,1,2] [--jobs 1]
        [--threads 1] [--iters N] [--work-dir work_dirs/study_realistic_blur]
        [--out docs/experiments] [--force] [--report-only]

Arms, seeds, metrics and the verdict rules: docs/experiments/realistic_blur.md (logic in
restorekit/demo/study.py; every arm is a config in configs/demo/study/). Each (arm, seed) is
trained with its config's own schedule (``--iters`` overrides it, for tests) and its result is
saved under the work dir, so an interrupted study resumes where it stopped (``--force``
retrains). Prints the Markdown tables and the verdict; writes
``<out>/realistic_blur_results.json`` and ``<out>/realistic_blur_grid.png``.
Precondition P2 reads the gate run from ``<work-dir>/gate.json``
(``python tools/bgan_gate.py configs/demo/bgan_kernel_demo.py --work-dir <work-dir>``) unless
``--gate-passed yes|no`` is given.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a source checkout

from restorekit.demo.study import run_study


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--arms", default="A0,A1,A2,A3,A4,A5,B2B", help="comma-separated arms")
    p.add_argument("--seeds", default="0,1,2", help="comma-separated seeds")
    p.add_argument("--iters", type=int, help="override every schedule (tests); default: "
                   "each config's own")
    p.add_argument("--jobs", type=int, default=1, help="(arm, seed) units run in parallel")
    p.add_argument("--threads", type=int, default=1, help="torch threads per unit")
    p.add_argument("--data-root", default="data/demo")
    p.add_argument("--work-dir", default="work_dirs/study_realistic_blur")
    p.add_argument("--out", help="where JSON and grid go (default: the work dir)")
    p.add_argument("--gate-passed", choices=("yes", "no"), help="gate result for P2")
    p.add_argument("--force", action="store_true", help="retrain units with saved results")
    p.add_argument("--report-only", action="store_true",
                   help="aggregate the saved results, train nothing")
    return p.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    start = time.perf_counter()
    gate = None if args.gate_passed is None else args.gate_passed == "yes"
    result = run_study(args.work_dir, args.data_root,
                       [a.strip() for a in args.arms.split(",") if a.strip()],
                       [int(s) for s in args.seeds.split(",") if s.strip()], args.iters,
                       args.jobs, args.threads, args.force, gate, args.out,
                       train=not args.report_only)
    print(result["table"])
    print(f"\ngrid: {result['grid']}")
    print(f"study wall time: {time.perf_counter() - start:.0f} s")
    return result


if __name__ == "__main__":
    main()
    sys.exit(0)
