"""Optional dependencies (setup.py extras) with a one-line install hint when missing.

``require("onnxruntime", "ONNX verification")`` imports and returns the module, or raises
:class:`MissingDependencyError`::

    ONNX verification needs the 'onnxruntime' package: pip install "restorekit[onnx]"

which the tools print as one line with exit status 2 (:func:`restorekit.utils.cli.run_tool`).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .cli import ToolError

#: importable module -> the restorekit extra that installs it (setup.py extras_require)
EXTRAS = {
    "onnx": "onnx",
    "onnxruntime": "onnx",
    "openvino": "openvino",
    "lmdb": "lmdb",
    "tensorboard": "tensorboard",
    "matplotlib": "plot",
    "wandb": "wandb",
}
#: mmengine visualization backends -> the module they need
VIS_BACKEND_MODULES = {"TensorboardVisBackend": "tensorboard", "WandbVisBackend": "wandb"}


class MissingDependencyError(ToolError, ImportError):
    """An optional package is not installed; the message names the extra to install."""


def install_hint(module: str) -> str:
    """``pip install "restorekit[<extra>]"`` for ``module`` (``pip install <module>`` if it
    belongs to no extra)."""
    extra = EXTRAS.get(module.split(".")[0])
    return f'pip install "restorekit[{extra}]"' if extra else f"pip install {module}"


def require(module: str, feature: str) -> ModuleType:
    """Import ``module`` for ``feature`` or raise :class:`MissingDependencyError`."""
    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise MissingDependencyError(
            f"{feature} needs the '{module.split('.')[0]}' package: {install_hint(module)}"
        ) from err


def check_vis_backends(cfg) -> None:
    """Fail before training starts if a configured vis backend's package is missing
    (mmengine would only fail at the first logged image)."""
    visualizer = cfg.get("visualizer") or {}
    for backend in visualizer.get("vis_backends") or cfg.get("vis_backends") or []:
        name = str(backend.get("type", "")).split(".")[-1]
        if name in VIS_BACKEND_MODULES:
            require(VIS_BACKEND_MODULES[name], f"the config's {name}")
