"""Small layers shared by generators and discriminators (no registry entries)."""

from .norm import NORMS, build_norm

__all__ = ["NORMS", "build_norm"]
