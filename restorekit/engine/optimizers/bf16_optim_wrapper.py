"""bf16 autocast on CPU as an optimizer wrapper (mmengine's AmpOptimWrapper is CUDA-only)."""

from __future__ import annotations

from contextlib import contextmanager

import torch
import torch.nn as nn
from mmengine.optim import OptimWrapper

from restorekit.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class CPUBf16OptimWrapper(OptimWrapper):
    """Run the forward pass under ``torch.autocast('cpu', dtype=torch.bfloat16)``.

    bf16 has fp32's exponent range, so no loss scaling is needed; parameters, gradients and
    optimizer state stay fp32. ``tools/train.py --amp`` selects this wrapper when CUDA is not
    available (and mmengine's ``AmpOptimWrapper`` when it is). On CPUs with AMX/AVX512-bf16
    units convolutions run several times faster (reference/perf.md), best with
    ``channels_last`` models.
    """

    @contextmanager
    def optim_context(self, model: nn.Module):
        with super().optim_context(model), torch.autocast("cpu", dtype=torch.bfloat16):
            yield
