"""The demo's unpaired domains (sharp training crops + "real blur") as a self-building dataset."""

from __future__ import annotations

from mmengine.dist import barrier, get_dist_info, is_distributed

from restorekit.datasets.unpaired_image_dataset import UnpairedImageDataset
from restorekit.registry import DATASETS

from .data import build_demo_dataset

#: the realistic-blur study's default: sharp training crops + the unpaired real-blur domain
DEFAULT_DOMAINS = dict(gt="train/sharp", real_blur="train/real_blur")


@DATASETS.register_module()
class DemoUnpairedDataset(UnpairedImageDataset):
    """:class:`UnpairedImageDataset` over folders of the demo data, built on first use.

    The default ``domains`` index the 64 sharp training crops (``gt``) and draw a partner from
    the 64 unpaired "real blur" images (``real_blur``, a different blur process, see
    :mod:`restorekit.demo.realblur`). Rank 0 builds the data, the other ranks wait.

    Args:
        root: where the demo data live (default ``data/demo``).
        domains: ``{result_key: folder relative to root}`` (see the parent class).
        **kwargs: passed to :class:`UnpairedImageDataset` (``pipeline``, ``seed``, ...).
    """

    def __init__(self, root: str = "data/demo", domains: dict | None = None, **kwargs) -> None:
        rank, _ = get_dist_info()
        if rank == 0:
            build_demo_dataset(root)
        if is_distributed():
            barrier()
        super().__init__(domains=dict(domains or DEFAULT_DOMAINS), data_root=root, **kwargs)
