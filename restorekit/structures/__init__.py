"""Data structures passed between datasets, models and metrics."""

from .data_sample import DataSample

__all__ = ["DataSample"]
