"""Datasets and data transforms (registered in DATASETS and TRANSFORMS)."""

from . import transforms  # noqa: F401
