"""Registered hooks."""
from .save_images_hook import SaveRestoredImagesHook  # noqa: F401
from .visualization_hook import DeblurVisualizationHook  # noqa: F401
