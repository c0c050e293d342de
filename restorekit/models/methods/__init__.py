"""Registered methods."""
from .dbgan import DBGAN  # noqa: F401
from .deblurganv2 import DeblurGANv2  # noqa: F401
