"""Optimizer wrappers and constructors."""

from .bf16_optim_wrapper import CPUBf16OptimWrapper
from .multi_optim_constructor import MultiOptimWrapperConstructor

__all__ = ["CPUBf16OptimWrapper", "MultiOptimWrapperConstructor"]
