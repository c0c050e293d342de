"""restorekit's registries: children of mmengine's root registries.

Every registry is a child of the mmengine root of the same kind (``parent=``) so that the
Runner, which builds through the roots, finds restorekit's components when the config sets
``default_scope = 'restorekit'``. ``locations=`` names the package that is imported the first
time a registry is searched, so ``import restorekit`` stays cheap.

An unknown ``type=`` raises :class:`UnknownTypeError`, which names the registry and the closest
registered names, instead of mmengine's bare "not in the registry" message.
"""

from __future__ import annotations

import difflib

from mmengine.registry import DATA_SAMPLERS as MMENGINE_DATA_SAMPLERS
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import EVALUATOR as MMENGINE_EVALUATOR
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import LOG_PROCESSORS as MMENGINE_LOG_PROCESSORS
from mmengine.registry import LOOPS as MMENGINE_LOOPS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODEL_WRAPPERS as MMENGINE_MODEL_WRAPPERS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import OPTIM_WRAPPER_CONSTRUCTORS as MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.registry import OPTIM_WRAPPERS as MMENGINE_OPTIM_WRAPPERS
from mmengine.registry import OPTIMIZERS as MMENGINE_OPTIMIZERS
from mmengine.registry import PARAM_SCHEDULERS as MMENGINE_PARAM_SCHEDULERS
from mmengine.registry import RUNNERS as MMENGINE_RUNNERS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import VISBACKENDS as MMENGINE_VISBACKENDS
from mmengine.registry import VISUALIZERS as MMENGINE_VISUALIZERS
from mmengine.registry import WEIGHT_INITIALIZERS as MMENGINE_WEIGHT_INITIALIZERS
from mmengine.registry import Registry

SCOPE = "restorekit"


class UnknownTypeError(KeyError):
    """A config named a ``type`` that no registry in the search path knows."""

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0])


class SuggestingRegistry(Registry):
    """An mmengine :class:`Registry` whose failed lookups suggest close names.

    ``get`` behaves as in mmengine for every found key. For a key that is found nowhere (this
    registry, its ancestors, or a dotted import path) it raises :class:`UnknownTypeError`
    instead of returning ``None``; ``in`` still answers ``False`` without raising.
    """

    def _lookup(self, key: str):
        return super().get(key)

    def __contains__(self, key) -> bool:
        return self._lookup(key) is not None

    def known_names(self) -> list[str]:
        """All names visible from this registry: its own and its ancestors'."""
        self.import_from_location()
        names: set[str] = set()
        node: Registry | None = self
        while node is not None:
            names.update(node.module_dict)
            node = node.parent
        return sorted(names)

    def get(self, key: str):
        found = self._lookup(key)
        if found is not None:
            return found
        names = self.known_names()
        close = difflib.get_close_matches(key.split(".")[-1], names, n=5, cutoff=0.5)
        if not close:  # fall back to a case-insensitive substring match
            close = [n for n in names if key.lower() in n.lower()][:5]
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise UnknownTypeError(
            f"'{key}' is not registered in the {self.scope}::{self.name} registry "
            f"(searched it and its parents).{hint} If it lives in your own package, add "
            f"custom_imports=dict(imports=['your_module']) to the config."
        )


def _child(name: str, parent: Registry, location: str | list[str]) -> SuggestingRegistry:
    locations = [location] if isinstance(location, str) else location
    return SuggestingRegistry(name, parent=parent, scope=SCOPE, locations=locations)


# runtime
RUNNERS = _child("runner", MMENGINE_RUNNERS, "restorekit.engine")
LOOPS = _child("loop", MMENGINE_LOOPS, "restorekit.engine")
HOOKS = _child("hook", MMENGINE_HOOKS, "restorekit.engine")
LOG_PROCESSORS = _child("log_processor", MMENGINE_LOG_PROCESSORS, "restorekit.engine")
OPTIMIZERS = _child("optimizer", MMENGINE_OPTIMIZERS, "restorekit.engine")
OPTIM_WRAPPERS = _child("optim_wrapper", MMENGINE_OPTIM_WRAPPERS, "restorekit.engine")
OPTIM_WRAPPER_CONSTRUCTORS = _child(
    "optimizer wrapper constructor", MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS, "restorekit.engine"
)
PARAM_SCHEDULERS = _child("parameter scheduler", MMENGINE_PARAM_SCHEDULERS, "restorekit.engine")

# data
DATASETS = _child("dataset", MMENGINE_DATASETS, ["restorekit.datasets", "restorekit.demo"])
DATA_SAMPLERS = _child("data sampler", MMENGINE_DATA_SAMPLERS, "restorekit.datasets")
TRANSFORMS = _child("transform", MMENGINE_TRANSFORMS, "restorekit.datasets.transforms")

# models: generators, discriminators, losses, preprocessors and methods share one registry
MODELS = _child("model", MMENGINE_MODELS, "restorekit.models")
MODEL_WRAPPERS = _child("model_wrapper", MMENGINE_MODEL_WRAPPERS, "restorekit.engine")
WEIGHT_INITIALIZERS = _child(
    "weight initializer", MMENGINE_WEIGHT_INITIALIZERS, "restorekit.models"
)

# evaluation
METRICS = _child("metric", MMENGINE_METRICS, "restorekit.evaluation")
EVALUATORS = _child("evaluator", MMENGINE_EVALUATOR, "restorekit.evaluation")

# visualisation
VISUALIZERS = _child("visualizer", MMENGINE_VISUALIZERS, "restorekit.engine")
VISBACKENDS = _child("vis_backend", MMENGINE_VISBACKENDS, "restorekit.engine")

__all__ = [
    "DATASETS",
    "DATA_SAMPLERS",
    "EVALUATORS",
    "HOOKS",
    "LOG_PROCESSORS",
    "LOOPS",
    "METRICS",
    "MODELS",
    "MODEL_WRAPPERS",
    "OPTIMIZERS",
    "OPTIM_WRAPPERS",
    "OPTIM_WRAPPER_CONSTRUCTORS",
    "PARAM_SCHEDULERS",
    "RUNNERS",
    "SCOPE",
    "TRANSFORMS",
    "VISBACKENDS",
    "VISUALIZERS",
    "WEIGHT_INITIALIZERS",
    "SuggestingRegistry",
    "UnknownTypeError",
]
