"""Per-sub-module DDP that also runs on CPU (gloo)."""

from __future__ import annotations

import torch.nn as nn
from mmengine.device import get_device
from mmengine.model import MMSeparateDistributedDataParallel

from restorekit.registry import MODEL_WRAPPERS


@MODEL_WRAPPERS.register_module()
class SeparateDistributedDataParallel(MMSeparateDistributedDataParallel):
    """mmengine's ``MMSeparateDistributedDataParallel`` (one DDP per trainable sub-module:
    generator and discriminator are reduced in their own backward passes), made CPU-safe.

    The Runner passes ``device_ids=[LOCAL_RANK]`` to every DDP-derived wrapper; on CPU, DDP
    rejects device ids, so they are dropped there (each process is one CPU "device").
    """

    def __init__(
        self,
        module: nn.Module,
        broadcast_buffers: bool = False,
        find_unused_parameters: bool = False,
        **kwargs,
    ) -> None:
        if get_device() == "cpu":
            kwargs.pop("device_ids", None)
            kwargs.pop("output_device", None)
        super().__init__(module, broadcast_buffers, find_unused_parameters, **kwargs)
