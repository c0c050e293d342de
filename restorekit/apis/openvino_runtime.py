"""Run an exported restorekit generator with OpenVINO on the CPU (exact fp32).

The ONNX file is the one :func:`restorekit.apis.onnx_export.export_onnx` writes (input
float32 (N, 3, H, W) RGB in [0, 1], output the same; the padding policy in its metadata, no
padding in the graph); OpenVINO reads it directly. :class:`OpenVinoGenerator` compiles it for
the CPU with ``INFERENCE_PRECISION_HINT='f32'``: on CPUs with ``avx512_bf16`` or AMX,
OpenVINO's default runs in bf16 (on the project machine 1.7e-3 off for MIMO-UNet and 3.5e-3
for NAFNet-32 at 256², against 1.8e-7 / 4.8e-7 in f32), which is never exact. Latency hint,
one stream, ``num_threads`` inference threads.

It is a candidate of the automatic backend (:mod:`restorekit.apis.auto_candidates`), chosen
only where it is measured faster than the other paths and within the exactness tolerance.
"""

from __future__ import annotations

import os

import numpy as np
import torch

from restorekit.models.padding import PadPolicy, pad_to_policy

from .onnx_runtime import _policy_from_metadata

#: compile properties: exact fp32, latency (one request at a time)
BASE_PROPERTIES = {"INFERENCE_PRECISION_HINT": "f32", "PERFORMANCE_HINT": "LATENCY",
                   "NUM_STREAMS": "1"}


def onnx_metadata(path: str) -> dict[str, str]:
    """The ``metadata_props`` of an ONNX file (weights not loaded)."""
    from restorekit.utils.optional import require

    onnx = require("onnx", "Reading an ONNX model's metadata")
    model = onnx.load(path, load_external_data=False)
    return {p.key: p.value for p in model.metadata_props}


class OpenVinoGenerator:
    """Callable OpenVINO CPU model of an exported generator.

    Args:
        path: the ``.onnx`` file (static or dynamic H / W).
        num_threads: inference threads (default: OpenVINO's choice).

    Attributes:
        padding: the generator's padding policy from the file's metadata.
        input_shape: the declared input shape; ``-1`` marks a dynamic axis.
    """

    def __init__(self, path: str, num_threads: int | None = None) -> None:
        if not os.path.isfile(path):
            raise FileNotFoundError(f"ONNX model '{path}' does not exist. Export one with "
                                    f"tools/export_onnx.py CONFIG CHECKPOINT --out {path}.")
        from restorekit.utils.optional import require

        ov = require("openvino", "Running a model with OpenVINO")
        self.path = path
        self.padding: PadPolicy = _policy_from_metadata(onnx_metadata(path))
        properties = dict(BASE_PROPERTIES)
        if num_threads:
            properties["INFERENCE_NUM_THREADS"] = str(int(num_threads))
        core = ov.Core()
        model = core.read_model(path)
        self.input_shape = [d.get_length() if d.is_static else -1
                            for d in model.input(0).get_partial_shape()]
        self.compiled = core.compile_model(model, "CPU", properties)
        precision = self.compiled.get_property("INFERENCE_PRECISION_HINT")
        #: the precision OpenVINO runs in ('f32')
        self.precision = getattr(precision, "get_type_name", lambda: str(precision))()
        self._request = self.compiled.create_infer_request()

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """(N, 3, H, W) float in [0, 1] -> float32 (N, 3, H, W) (CPU tensor)."""
        h, w = x.shape[-2:]
        x = pad_to_policy(x, self.padding, inference=False)
        for axis in (2, 3):
            if self.input_shape[axis] not in (-1, x.shape[axis]):
                raise ValueError(f"OpenVINO model '{self.path}' was exported for input "
                                 f"{tuple(self.input_shape)} but got {tuple(x.shape)}")
        arr = np.ascontiguousarray(x.detach().float().cpu().numpy())
        self._request.infer({0: arr})
        out = self._request.get_output_tensor(0).data
        return torch.from_numpy(np.array(out, dtype=np.float32, copy=True))[..., :h, :w]
