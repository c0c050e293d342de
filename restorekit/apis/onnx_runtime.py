"""Run an exported restorekit generator with onnxruntime.

The ONNX file written by :func:`restorekit.apis.onnx_export.export_onnx` takes ``input``:
float32 (N, 3, H, W) RGB in [0, 1] and returns ``output`` of the same shape and range. Its
metadata carries ``padding`` (the generator's
:class:`~restorekit.models.padding.PadPolicy` as JSON; the graph contains no padding),
``size_divisor`` (H and W must be multiples of it) and ``dynamic`` (``'true'`` when H / W may
change; otherwise only the exported shape is accepted). Callers pad with the policy
(:func:`restorekit.apis.deblur` does); :class:`OnnxRuntimeGenerator` itself only aligns an
unaligned input with the same function (a no-op after the caller's padding). Files from before
the ``padding`` entry are read through their ``size_divisor`` / ``min_size`` / ``pad_mode``.
"""

from __future__ import annotations

import os

import numpy as np
import torch

from restorekit.models.padding import PadPolicy, pad_to_policy


class OnnxRuntimeGenerator:
    """Callable wrapper around an ``onnxruntime.InferenceSession`` on the CPU.

    Args:
        path: the ``.onnx`` file.
        num_threads: intra-op threads (default: onnxruntime's choice).

    Attributes:
        padding: the generator's padding policy from the file's metadata.
        size_divisor: its divisor.
        input_shape: the declared input shape; strings / None mark dynamic axes.
    """

    def __init__(self, path: str, num_threads: int | None = None) -> None:
        if not os.path.isfile(path):
            raise FileNotFoundError(f"ONNX model '{path}' does not exist. Export one with "
                                    f"tools/export_onnx.py CONFIG CHECKPOINT --out {path}.")
        from restorekit.utils.optional import require

        ort = require("onnxruntime", "Running an ONNX model")

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if num_threads:
            options.intra_op_num_threads = int(num_threads)
        self.path = path
        self.session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        meta = self.session.get_modelmeta().custom_metadata_map
        self.padding = _policy_from_metadata(meta)
        self.size_divisor = self.padding.divisor
        self.metadata = dict(meta)
        inp = self.session.get_inputs()[0]
        self.input_name = inp.name
        self.input_shape = list(inp.shape)

    def _check_shape(self, shape: tuple[int, ...]) -> None:
        for axis in (2, 3):
            want = self.input_shape[axis]
            if isinstance(want, int) and want != shape[axis]:
                raise ValueError(
                    f"ONNX model '{self.path}' was exported for input "
                    f"{tuple(self.input_shape)} but got {tuple(shape)} (after padding to the "
                    f"stride {self.size_divisor}). Re-export with --dynamic, export with "
                    f"--shape matching the image, or use tiles of exactly that size.")

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """(N, 3, H, W) float in [0, 1] -> float32 (N, 3, H, W) in [0, 1] (CPU tensor)."""
        h, w = x.shape[-2:]
        x = pad_to_policy(x, self.padding, inference=False)
        self._check_shape(tuple(x.shape))
        arr = np.ascontiguousarray(x.detach().float().cpu().numpy())
        (out,) = self.session.run(None, {self.input_name: arr})[:1]
        return torch.from_numpy(out)[..., :h, :w]


def _policy_from_metadata(meta: dict[str, str]) -> PadPolicy:
    if "padding" in meta:
        return PadPolicy.from_json(meta["padding"])
    mode = meta.get("pad_mode", "reflect")  # files exported before the 'padding' entry
    return PadPolicy(int(meta.get("size_divisor", 1)), mode,
                     value=0.5 if mode == "constant" else 0.0,
                     min_size=int(meta.get("min_size", 1)))
