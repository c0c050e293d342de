"""The CPU demo and the realistic-blur study: demo data builders, demo datasets, drivers.

Beside the library, not part of it: ``restorekit.apis`` never imports this package. The demo
datasets (``DemoPairedDataset``, ``DemoUnpairedDataset``, ``DemoBlur2BlurDataset``) are
registered in ``DATASETS``, whose lazy ``locations`` include this package, so demo configs find
them by name.
"""

from .blur2blur_dataset import DemoBlur2BlurDataset
from .paired_dataset import DemoPairedDataset
from .unpaired_dataset import DemoUnpairedDataset

__all__ = ["DemoBlur2BlurDataset", "DemoPairedDataset", "DemoUnpairedDataset"]
