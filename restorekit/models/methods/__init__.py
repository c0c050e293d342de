"""Registered methods."""
from .dbgan import DBGAN  # noqa: F401
