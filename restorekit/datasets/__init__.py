"""Datasets and data transforms (registered in DATASETS and TRANSFORMS)."""

from . import transforms  # noqa: F401
from .blur2blur_dataset import Blur2BlurDataset  # noqa: F401
from .paired_image_dataset import PairedImageDataset  # noqa: F401
from .unpaired_image_dataset import UnpairedImageDataset  # noqa: F401
