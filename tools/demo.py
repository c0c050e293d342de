"""`make demo`: train small deblurring models on CPU on the embedded demo data and compare them.

    python tools/demo.py [--work-dir work_dirs/demo] [--methods dbgan,unet,fpn,realistic]
                         [--cfg-options train_cfg.max_iters=2]

A thin wrapper of :mod:`restorekit.demo.run` (see there).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a source checkout

from restorekit.demo.run import main

if __name__ == "__main__":
    main()
