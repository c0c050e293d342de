"""Data transforms: loading, geometric, degradation and formatting."""

from .synthetic_blur import SyntheticMotionBlur  # noqa: F401
