"""High-level inference: :func:`deblur` one image of any size, whole or in tiles.

``deblur(model, image)`` returns a uint8 (H, W, 3) RGB array of the input's size. The image is
padded by the generator's declared policy (:func:`restorekit.models.padding.get_pad_policy`,
e.g. DeblurGAN-v2's official extra 32-px grey block) and the output cropped back; with
``tile=`` it is processed in overlapping tiles blended by
:func:`restorekit.apis.tiling.run_tiled`. Backends: ``'auto'`` (default: the fastest path
that is exact within 1e-5 / eager's own float64 distance, measured once per model, size class
and machine and cached, :mod:`restorekit.apis.auto_backend`), ``'torch'`` (eager, or the fast
CPU path with ``fast=True`` / ``'bf16'``) and ``'onnxruntime'`` (a file from
``tools/export_onnx.py``).

Memory: with ``tile=None`` (default) the activation memory of whole-image inference is
estimated first (:mod:`restorekit.apis.memory_plan`); above ``max_memory_mb`` (default 2048,
or ``RESTOREKIT_MAX_INFERENCE_MB``) the image is tiled automatically with the largest tile that
fits. ``tile=0`` forces whole-image inference; ``tile=N`` always tiles with N.

Results: a NaN or infinite output (e.g. weights of a diverged run) raises
:class:`~restorekit.engine.errors.InferenceError` instead of becoming a black image.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Union

import numpy as np
import torch
from torch import nn

from restorekit.datasets.transforms.loading import read_image
from restorekit.models.padding import PadPolicy, get_pad_policy
from restorekit.utils.image import float_to_uint8, tensor_to_uint8

from .auto_backend import AutoNetwork
from .fast_inference import prepare_fast_generator
from .memory_plan import plan_tile
from .onnx_runtime import OnnxRuntimeGenerator
from .tiling import run_padded, run_tiled

ImageInput = Union[str, os.PathLike, np.ndarray]
#: images up to this many pixels are never tiled automatically (no memory probe)
AUTO_TILE_MIN_PIXELS = 512 * 512
_ONNX_CACHE: dict[tuple[str, int | None], OnnxRuntimeGenerator] = {}
BACKENDS = ("auto", "torch", "onnxruntime")


def load_image(image: ImageInput) -> np.ndarray:
    """A path (any format OpenCV reads) or an array -> uint8 (H, W, 3) RGB.

    Arrays: uint8 (H, W, 3) RGB or (H, W) gray; float arrays must be in [0, 1].
    Raises FileNotFoundError for a missing path and ImageReadError for an unreadable file.
    """
    if isinstance(image, (str, os.PathLike)):
        path = Path(image)
        if not path.is_file():
            raise FileNotFoundError(f"Input image '{path}' does not exist.")
        return read_image(str(path))
    if not isinstance(image, np.ndarray):
        raise TypeError(f"deblur expects a path or a numpy array, got {type(image).__name__}")
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"Expected an (H, W, 3) RGB or (H, W) gray array, got {image.shape}")
    if image.dtype != np.uint8:
        image = float_to_uint8(image.astype(np.float64))
    return image


def to_uint8(img: torch.Tensor) -> np.ndarray:
    """(1, 3, H, W) or (3, H, W) float in [0, 1] -> uint8 (H, W, 3) (clamped, rounded)."""
    return tensor_to_uint8(img.reshape(-1, *img.shape[-2:]))


def get_network(model: nn.Module | OnnxRuntimeGenerator | None, backend: str = "auto",
                fast: bool | str = False, onnx: str | None = None,
                num_threads: int | None = None, precision: str = "fp32"
                ) -> tuple[Callable, PadPolicy]:
    """Resolve ``(network, padding policy)`` for :func:`deblur`.

    The network maps float32 (1, 3, h, w) [0, 1] -> (1, 3, h, w) [0, 1]. Prepared fast
    networks, auto networks and onnxruntime sessions are cached (on the model / by file path).
    ``backend='auto'`` with ``onnx=`` or an ONNX session means onnxruntime, with ``fast``
    set it means the torch fast path; otherwise an
    :class:`~restorekit.apis.auto_backend.AutoNetwork` (``precision`` = its autocast option).
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if backend == "auto" and (onnx is not None or isinstance(model, OnnxRuntimeGenerator)):
        backend = "onnxruntime"
    if backend == "onnxruntime" or isinstance(model, OnnxRuntimeGenerator):
        if isinstance(model, OnnxRuntimeGenerator):
            session = model
        else:
            if onnx is None:
                raise ValueError("backend='onnxruntime' needs onnx='model.onnx' (see "
                                 "tools/export_onnx.py)")
            key = (os.path.abspath(onnx), num_threads)
            if key not in _ONNX_CACHE:
                _ONNX_CACHE[key] = OnnxRuntimeGenerator(onnx, num_threads)
            session = _ONNX_CACHE[key]
        return session, session.padding
    if model is None:
        raise ValueError(f"backend={backend!r} needs a model (see restorekit.apis.init_model)")
    policy = get_pad_policy(model)
    if fast:
        precision = fast if isinstance(fast, str) else "fp32"
        cache = model.__dict__.setdefault("_restorekit_fast", {})
        if precision not in cache:
            cache[precision] = prepare_fast_generator(model, precision, num_threads=num_threads)
        return cache[precision], policy
    if num_threads is not None:
        torch.set_num_threads(int(num_threads))
    eager = _eager_network(model)
    if backend == "auto":
        cache = model.__dict__.setdefault("_restorekit_auto", {})
        key = (precision, num_threads, os.environ.get("RESTOREKIT_AUTO_CANDIDATES"),
               os.environ.get("RESTOREKIT_CACHE_DIR"))
        if key not in cache:
            cache[key] = AutoNetwork(model, eager, num_threads, precision)
        return cache[key], policy
    return eager, policy


def _eager_network(model: nn.Module) -> Callable:
    """The model's plain forward under ``torch.inference_mode`` (methods: ``mode='tensor'``)."""
    if hasattr(model, "generator"):
        def network(x: torch.Tensor) -> torch.Tensor:
            with torch.inference_mode():
                return model(x, mode="tensor")
    else:
        def network(x: torch.Tensor) -> torch.Tensor:
            with torch.inference_mode():
                return model(x)
    return network


def model_device(model: object) -> torch.device:
    """Device of the first parameter (CPU for parameter-free models and ONNX sessions)."""
    if isinstance(model, nn.Module):
        for p in model.parameters():
            return p.device
    return torch.device("cpu")


def deblur_tensor(model: nn.Module | OnnxRuntimeGenerator | None, image: ImageInput,
                  tile: int | None = None, tile_overlap: int = 32, backend: str = "auto",
                  fast: bool | str = False, onnx: str | None = None,
                  num_threads: int | None = None,
                  progress: Callable[[int, int], None] | None = None,
                  max_memory_mb: float | None = None, precision: str = "fp32"
                  ) -> torch.Tensor:
    """As :func:`deblur` but returns the float32 (1, 3, H, W) CPU output in [0, 1], unrounded."""
    img = load_image(image)
    network, policy = get_network(model, backend, fast, onnx, num_threads, precision)
    on_torch = isinstance(model, nn.Module) and not isinstance(network, OnnxRuntimeGenerator)
    backend = "torch" if on_torch else "onnxruntime"
    device = model_device(model) if on_torch else torch.device("cpu")
    if tile is None:
        tile = auto_tile(model, backend, img.shape[0], img.shape[1], policy.divisor,
                         tile_overlap, max_memory_mb)
    x = torch.from_numpy(img).permute(2, 0, 1).unsqueeze(0).float().div_(255.0)
    with torch.inference_mode():
        if tile:
            out = run_tiled(network, x, policy, tile, tile_overlap, device=device,
                            progress=progress)
        else:
            out = run_padded(network, x, policy, device=device)
    if not bool(torch.isfinite(out).all()):
        from restorekit.engine.errors import InferenceError

        name = f"'{image}'" if isinstance(image, (str, os.PathLike)) else "the input array"
        bad = int((~torch.isfinite(out)).sum())
        raise InferenceError(
            f"The model's output for {name} has {bad} NaN / infinite value(s) out of "
            f"{out.numel()}: its weights are probably from a diverged run (or the input is "
            f"far outside [0, 1]). Use an earlier checkpoint; nothing was written.")
    return out.clamp(0, 1)  # out of place: a normal tensor, usable outside inference mode


def auto_tile(model, backend: str, height: int, width: int, divisor: int, overlap: int,
              max_memory_mb: float | None = None) -> int | None:
    """The tile :func:`deblur_tensor` uses for ``tile=None``: ``None`` (whole image) when the
    estimate fits ``max_memory_mb``, else the largest tile that fits (torch backend only)."""
    if backend != "torch" or height * width <= AUTO_TILE_MIN_PIXELS:
        return None
    module = getattr(model, "generator", model)
    return plan_tile(module, height, width, divisor, overlap, max_memory_mb)


def deblur(model: nn.Module | OnnxRuntimeGenerator | None, image_or_path: ImageInput,
           tile: int | None = None, tile_overlap: int = 32, backend: str = "auto",
           fast: bool | str = False, onnx: str | None = None, num_threads: int | None = None,
           progress: Callable[[int, int], None] | None = None,
           max_memory_mb: float | None = None, precision: str = "fp32") -> np.ndarray:
    """Deblur one image of any size.

    Args:
        model: a model from :func:`restorekit.apis.init_model` (or any generator module);
            may be ``None`` with ``backend='onnxruntime'``.
        image_or_path: image file path, or uint8 (H, W, 3) RGB / (H, W) gray array.
        tile: tile side in pixels (rounded up to the network stride); ``None`` = whole image
            unless its estimated memory exceeds ``max_memory_mb`` (then tiled automatically);
            ``0`` = whole image always.
        tile_overlap: minimum overlap of neighbouring tiles (pixels).
        backend: ``'auto'`` (default: the fastest exact path, measured once and cached, see
            :mod:`restorekit.apis.auto_backend`), ``'torch'`` or ``'onnxruntime'`` (then pass
            ``onnx=``; ``'auto'`` with ``onnx=`` also runs that file).
        fast: ``False`` (eager), ``True`` / ``'fp32'`` (BN folding + channels-last, equal to
            eager within ~1e-5) or ``'bf16'`` (autocast, see ``docs/inference.md``); with
            ``backend='auto'`` a set ``fast`` forces that torch path.
        precision: ``backend='auto'`` only: ``'fp32'`` (default, exact), ``'bf16'`` or
            ``'fp16'`` (autocast on the model's device; fp16 is for CUDA).
        onnx: path of an exported model for ``backend='onnxruntime'``.
        num_threads: CPU threads (torch: process-wide; onnxruntime: per session).
        progress: ``callback(done, total)`` called after each tile.
        max_memory_mb: activation budget for ``tile=None`` (see the module docstring).

    Returns:
        uint8 (H, W, 3) RGB array, same H, W as the input.
    """
    out = deblur_tensor(model, image_or_path, tile, tile_overlap, backend, fast, onnx,
                        num_threads, progress, max_memory_mb, precision)
    return to_uint8(out)
