"""Registered hooks."""
from .checkpoint_hook import SafeCheckpointHook  # noqa: F401
from .non_finite_guard_hook import NonFiniteGuardHook  # noqa: F401
from .progress_bar_hook import ProgressBarHook  # noqa: F401
from .save_images_hook import SaveRestoredImagesHook  # noqa: F401
from .visualization_hook import DeblurVisualizationHook  # noqa: F401
