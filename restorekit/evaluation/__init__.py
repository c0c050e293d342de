"""Evaluation: metrics registered in METRICS."""

from . import functional, metrics  # noqa: F401
