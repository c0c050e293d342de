"""restorekit: a PyTorch toolkit for learned image deblurring.

Importing the package is cheap on purpose: it only exposes the version. Components are
imported lazily through the registries in :mod:`restorekit.registry`.
"""

from .version import __version__

__all__ = ["__version__"]
