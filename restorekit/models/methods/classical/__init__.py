"""Training-free deblurring baselines (identity, unsharp mask, Wiener, Richardson–Lucy).

Each is a registered :class:`ClassicalRestorer` whose few parameters are buffers chosen by
``tools/fit_classical.py`` (grid search, :mod:`.fit`); see ``docs/methods/classical.md``.
"""

from .base import ClassicalRestorer
from .identity import IdentityRestorer
from .richardson_lucy import RichardsonLucy
from .unsharp_mask import UnsharpMask
from .wiener import WienerDeconvolution

__all__ = ["ClassicalRestorer", "IdentityRestorer", "RichardsonLucy", "UnsharpMask",
           "WienerDeconvolution"]
