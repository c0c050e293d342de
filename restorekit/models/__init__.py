"""Models: generators, discriminators, losses, the data preprocessor and methods.

Importing this package registers every model component in ``restorekit.registry.MODELS``.
"""

from . import discriminators, generators, losses, methods  # noqa: F401
from .data_preprocessor import DeblurDataPreprocessor

__all__ = ["DeblurDataPreprocessor"]
