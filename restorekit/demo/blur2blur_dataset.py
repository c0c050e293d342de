"""The demo's Blur2Blur folders (A/B/C/D) as a dataset that builds the demo data on first use."""

from __future__ import annotations

from mmengine.dist import barrier, get_dist_info, is_distributed

from restorekit.datasets.blur2blur_dataset import Blur2BlurDataset
from restorekit.registry import DATASETS

from .data import build_demo_dataset

#: unknown domain = the "real blur" images (A) and sharp crops (B); known domain = the
#: synthetic camera-shake pairs (C blurry, D sharp)
DEFAULT_FOLDERS = dict(A="train/real_blur", B="train/sharp", C="train/blur", D="train/sharp")


@DATASETS.register_module()
class DemoBlur2BlurDataset(Blur2BlurDataset):
    """:class:`Blur2BlurDataset` over the demo data (``restorekit.demo.data``), built on first use.

    A = ``train/real_blur`` (the unknown blur: spatially varying kernels in linear light,
    noise, JPEG), B = ``train/sharp``, C/D = ``train/blur`` / ``train/sharp`` (the known blur:
    synthetic camera shake). The real-blur images are blurred copies of the sharp crops (same
    names), so ``split_ratio=0.5`` (default) keeps the first half of the sorted names for A and
    the second half for B: A and B then come from different photos (astronaut, brick, coffee,
    coins vs grass, hubble, motorcycle), i.e. truly unpaired. C/D use all 64 pairs.

    Args:
        root: where the demo data live (default ``data/demo``).
        folders: per-role overrides of :data:`DEFAULT_FOLDERS`.
        split_ratio: see :class:`Blur2BlurDataset` (default 0.5).
        **kwargs: passed to :class:`Blur2BlurDataset` (``pipeline``, ``seed``, ...).
    """

    def __init__(self, root: str = "data/demo", folders: dict | None = None,
                 split_ratio: float | None = 0.5, **kwargs) -> None:
        rank, _ = get_dist_info()
        if rank == 0:
            build_demo_dataset(root)
        if is_distributed():
            barrier()
        super().__init__(data_root=root, folders=DEFAULT_FOLDERS | dict(folders or {}),
                         split_ratio=split_ratio, **kwargs)
