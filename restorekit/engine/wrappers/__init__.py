"""Model wrappers for distributed training."""

from .separate_ddp import SeparateDistributedDataParallel

__all__ = ["SeparateDistributedDataParallel"]
