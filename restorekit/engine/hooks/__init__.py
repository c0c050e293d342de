"""Registered hooks."""
from .visualization_hook import DeblurVisualizationHook  # noqa: F401
