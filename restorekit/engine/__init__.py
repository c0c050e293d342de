"""Engine pieces: hooks, optimizer wrappers, atomic checkpoint writes, safe loading."""

from . import atomic_backend, hooks, optimizers, wrappers  # noqa: F401
from .safe_checkpoint import allow_mmengine_checkpoint_globals, install_safe_checkpoint_loader

allow_mmengine_checkpoint_globals()
install_safe_checkpoint_loader()
