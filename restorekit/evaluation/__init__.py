"""Evaluation: metrics registered in METRICS, named protocols (ProtocolEvaluator)."""

from . import functional, metrics, protocols  # noqa: F401
