"""Registered hooks."""
from .visualization_hook import DeblurVisualizationHook  # noqa: F401
from .save_images_hook import SaveRestoredImagesHook  # noqa: F401
