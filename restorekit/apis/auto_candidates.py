"""Candidate inference paths of the automatic backend (:mod:`restorekit.apis.auto_backend`).

Each candidate is a builder ``(BuildContext) -> network``; a network maps a padded float32
(1, 3, h, w) [0, 1] input to the generator's (1, 3, h, w) output. :data:`CANDIDATE_BUILDERS`
holds them by name in set-up cost order (tests add injected candidates to it):

* ``eager``: the model's own forward (the reference);
* ``fast``: BN folding + channels-last (:func:`~restorekit.apis.prepare_fast_generator`);
* ``onnxruntime``: a static ONNX export for the padded shape, cached under
  ``<cache dir>/onnx/`` (:func:`restorekit.apis.backend_cache.onnx_path`), run by
  :class:`~restorekit.apis.onnx_runtime.OnnxRuntimeGenerator`;
* ``openvino``: the same cached ONNX file compiled by OpenVINO for the CPU in exact fp32
  (:class:`~restorekit.apis.openvino_runtime.OpenVinoGenerator`);
* ``compile``: the fast network under ``torch.compile`` with Inductor freezing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import torch
from torch import nn

from restorekit.models.padding import get_pad_policy, padded_size

from . import backend_cache
from .fast_inference import prepare_fast_generator

Network = Callable[[torch.Tensor], torch.Tensor]
#: candidates built for one static input shape (one network per padded shape)
SHAPE_BOUND = ("onnxruntime", "openvino")
#: candidate order = set-up cost order (ties go to the earlier one)
DEFAULT_CANDIDATES = ("eager", "fast", "onnxruntime", "openvino", "compile")


@dataclass
class BuildContext:
    """What a candidate builder gets: the model, the eager network, the probe input shape."""

    model: nn.Module
    eager: Network
    shape: tuple[int, int]
    num_threads: int | None
    model_fp: Callable[[], str]
    cache_dir: Path
    extra: dict = field(default_factory=dict)


def _build_eager(ctx: BuildContext) -> Network:
    return ctx.eager


def _build_fast(ctx: BuildContext) -> Network:
    return prepare_fast_generator(ctx.model, "fp32")


def _build_compile(ctx: BuildContext) -> Network:
    return prepare_fast_generator(ctx.model, "fp32", compile=True, freezing=True)


def _cached_onnx(ctx: BuildContext, usable: Callable[[str], Network]) -> Network:
    """``usable(path)`` on the cached static ONNX export for ``ctx.shape`` (exported first
    when missing or damaged)."""
    from .onnx_export import export_onnx

    h, w = ctx.shape
    path = backend_cache.onnx_path(ctx.model_fp(), h, w, ctx.cache_dir)
    if path.is_file():
        try:
            return usable(str(path))
        except Exception:  # a damaged cached file: export again
            pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.onnx")
    # the input is already padded: record the policy without the extra block so that the
    # export shape is exactly (h, w)
    policy = replace(get_pad_policy(ctx.model), extra_block=False)
    if padded_size(h, w, policy) != (h, w):
        raise ValueError(f"input {h}x{w} is not aligned to {policy}")
    try:
        export_onnx(ctx.model, str(tmp), shape=(h, w), padding=policy, exporter="torchscript")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return usable(str(path))


def _build_onnxruntime(ctx: BuildContext) -> Network:
    from .onnx_runtime import OnnxRuntimeGenerator

    threads = ctx.num_threads or torch.get_num_threads()
    return _cached_onnx(ctx, lambda path: OnnxRuntimeGenerator(path, threads))


def _build_openvino(ctx: BuildContext) -> Network:
    from .openvino_runtime import OpenVinoGenerator

    threads = ctx.num_threads or torch.get_num_threads()
    return _cached_onnx(ctx, lambda path: OpenVinoGenerator(path, threads))


#: name -> builder(ctx) -> network; tests may add entries
CANDIDATE_BUILDERS: dict[str, Callable[[BuildContext], Network]] = {
    "eager": _build_eager,
    "fast": _build_fast,
    "onnxruntime": _build_onnxruntime,
    "openvino": _build_openvino,
    "compile": _build_compile,
}


def candidate_names(candidates: tuple[str, ...] | list[str] | str | None = None
                    ) -> tuple[str, ...]:
    """The candidates to measure: the argument, else ``$RESTOREKIT_AUTO_CANDIDATES``
    (comma-separated), else :data:`DEFAULT_CANDIDATES`; ``eager`` is always included."""
    if candidates is None:
        candidates = os.environ.get("RESTOREKIT_AUTO_CANDIDATES") or DEFAULT_CANDIDATES
    if isinstance(candidates, str):
        candidates = [c.strip() for c in candidates.split(",") if c.strip()]
    names = tuple(dict.fromkeys(["eager", *candidates]))
    unknown = [n for n in names if n not in CANDIDATE_BUILDERS]
    if unknown:
        raise ValueError(f"unknown auto-backend candidate(s) {unknown}; known: "
                         f"{sorted(CANDIDATE_BUILDERS)}")
    return names
