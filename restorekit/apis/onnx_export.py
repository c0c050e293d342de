"""Export a restorekit generator to ONNX and verify it against PyTorch with onnxruntime.

The exported graph is the generator alone: ``input`` float32 (N, 3, H, W) RGB in [0, 1] ->
``output`` float32 (N, 3, H, W) RGB in [0, 1] (range conversions such as DeblurGAN-v2's
[-1, 1] happen inside, as in PyTorch). The graph contains no padding: the generator's padding
policy (:class:`~restorekit.models.padding.PadPolicy`) is stored as JSON in the file's
metadata (``padding``, with ``size_divisor``, ``dynamic`` and ``generator``) and
:func:`restorekit.apis.deblur` / :class:`OnnxRuntimeGenerator` apply it with the same function
as for PyTorch. With ``dynamic=True`` the batch, H and W axes are symbolic; strided generators
declare H = ``size_divisor`` × k so that their self-alignment branches resolve at export time.

Train-mode norms (``inference_norm='batch_stats'``) are rewritten to two-pass per-image norms
first (:mod:`restorekit.apis.norm_rewrite`; fused norm + activation modules keep their
activation); the verification compares the ONNX output with the *original* PyTorch generator,
so it checks the rewrite too.
The dynamo exporter (``torch.onnx.export(dynamo=True)``) is tried first, the TorchScript
exporter second.
"""

from __future__ import annotations

import os
import warnings

import numpy as np
import torch
from torch import nn

from restorekit.models.outputs import final_output
from restorekit.models.padding import PadPolicy, get_pad_policy, padded_size

from .fast_inference import copy_network, inference_network
from .norm_rewrite import rewrite_batch_stats_norms
from .onnx_runtime import OnnxRuntimeGenerator
from .tiling import run_padded


class ExportableGenerator(nn.Module):
    """Eval-mode copy of a generator with train-mode norms rewritten; (N, 3, H, W) [0, 1] in
    and out."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        generator = copy_network(inference_network(model)).float()
        # rewrite before .eval(): norms left in train mode mean per-image statistics
        self.generator = rewrite_batch_stats_norms(generator, inplace=True).eval()
        for p in self.generator.parameters():
            p.requires_grad_(False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return final_output(self.generator(x))  # the full-size output of a multi-scale net


def _dynamic_shapes(divisor: int, dynamo: bool):
    if not dynamo:
        return {"input": {0: "batch", 2: "height", 3: "width"},
                "output": {0: "batch", 2: "height", 3: "width"}}
    from torch.export import Dim

    if divisor > 1:
        h = divisor * Dim("h_blocks", min=1, max=65536 // divisor)
        w = divisor * Dim("w_blocks", min=1, max=65536 // divisor)
    else:
        h, w = Dim("height", min=2, max=65536), Dim("width", min=2, max=65536)
    return {"x": {2: h, 3: w}}


def export_onnx(model: nn.Module, out: str, shape: tuple[int, int] = (256, 256),
                dynamic: bool = False, opset: int = 18, padding: PadPolicy | None = None,
                exporter: str = "auto") -> dict[str, object]:
    """Export ``model``'s generator (or ``model`` itself) to ``out``.

    Args:
        model: method from :func:`init_model` or a bare generator.
        out: destination ``.onnx`` path (parent folders are created).
        shape: (H, W) of the images the file is for; the graph's input is that size padded
            by the policy (e.g. 720×1280 -> 736×1312 with DeblurGAN-v2's official rule), which
            is the only input size of a static export.
        dynamic: symbolic H / W (multiples of the divisor) and batch axes.
        opset: ONNX opset.
        padding: the policy to record; default :func:`get_pad_policy` of ``model``.
        exporter: ``'auto'`` (dynamo, then TorchScript if that fails, e.g. without the
            ``onnxscript`` package), ``'dynamo'`` or ``'torchscript'``.

    Returns:
        ``{'path', 'exporter', 'shape', 'dynamic', 'size_divisor', 'padding'}``.
    """
    gen = ExportableGenerator(model)
    policy = padding if padding is not None else get_pad_policy(model)
    size_divisor = policy.divisor
    h, w = padded_size(int(shape[0]), int(shape[1]), policy)
    example = torch.rand(1, 3, h, w)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    choices = {"auto": (True, False), "dynamo": (True,), "torchscript": (False,)}
    if exporter not in choices:
        raise ValueError(f"exporter must be one of {sorted(choices)}, got {exporter!r}")
    errors = []
    used = None
    for dynamo in choices[exporter]:
        kwargs: dict = dict(input_names=["input"], output_names=["output"],
                            opset_version=opset, dynamo=dynamo)
        if dynamic:
            kwargs["dynamic_shapes" if dynamo else "dynamic_axes"] = _dynamic_shapes(
                size_divisor, dynamo)
        if dynamo:
            kwargs.update(external_data=False, verbose=False)
        try:
            with warnings.catch_warnings(), torch.no_grad():
                warnings.simplefilter("ignore")
                torch.onnx.export(gen, (example,), out, **kwargs)
            used = "dynamo" if dynamo else "torchscript"
            break
        except Exception as err:  # try the other exporter, report both on failure
            errors.append(f"{'dynamo' if dynamo else 'torchscript'}: "
                          f"{type(err).__name__}: {str(err).splitlines()[0][:300]}")
    if used is None:
        raise RuntimeError(f"ONNX export of {type(gen.generator).__name__} failed: "
                           + " | ".join(errors))
    _write_metadata(out, size_divisor=str(size_divisor), dynamic=str(bool(dynamic)).lower(),
                    padding=policy.to_json(),
                    generator=type(gen.generator).__name__, exporter=used,
                    input_range="[0, 1] RGB NCHW float32", export_shape=f"{h}x{w}")
    return {"path": out, "exporter": used, "shape": (h, w), "dynamic": dynamic,
            "size_divisor": size_divisor, "padding": policy}


def _write_metadata(path: str, **entries: str) -> None:
    from restorekit.utils.optional import require

    onnx = require("onnx", "ONNX export")

    proto = onnx.load(path)
    del proto.metadata_props[:]
    for key, value in entries.items():
        prop = proto.metadata_props.add()
        prop.key, prop.value = key, value
    onnx.save(proto, path)


def verify_onnx(model: nn.Module, path: str, shapes: list[tuple[int, int]],
                seed: int = 0) -> list[dict[str, object]]:
    """Compare onnxruntime with the PyTorch generator on random [0, 1] inputs.

    Args:
        model: the PyTorch model / generator that was exported (eval mode, not rewritten).
        path: the ``.onnx`` file.
        shapes: list of (H, W) to test: the export shape for static exports; any size for
            dynamic ones (both sides are then padded by the file's policy and cropped back,
            as :func:`restorekit.apis.deblur` does).

    Returns:
        one ``{'shape', 'max_abs_diff', 'mean_abs_diff'}`` per shape.
    """
    generator = getattr(model, "generator", model)
    was_training = generator.training
    generator.eval()
    session = OnnxRuntimeGenerator(path)
    rng = torch.Generator().manual_seed(seed)
    results = []
    try:
        for h, w in shapes:
            x = torch.rand(1, 3, h, w, generator=rng)
            with torch.inference_mode():
                ref = run_padded(generator, x, session.padding)
            got = run_padded(session, x, session.padding)
            diff = (ref - got).abs()
            results.append({"shape": (h, w), "max_abs_diff": float(diff.max()),
                            "mean_abs_diff": float(diff.mean())})
    finally:
        generator.train(was_training)
    return results


def verification_shapes(shape: tuple[int, int], policy: PadPolicy, dynamic: bool
                        ) -> list[tuple[int, int]]:
    """The image shape given at export (padded by the policy to the graph's input), plus for
    dynamic exports a larger, odd, non-square shape."""
    h, w = int(shape[0]), int(shape[1])
    if not dynamic:
        return [(h, w)]
    step = max(policy.divisor, 8)
    return [(h, w), (h + step + 3, w + 2 * step - 5)]


def max_diff(results: list[dict[str, object]]) -> float:
    """Largest ``max_abs_diff`` of :func:`verify_onnx` results."""
    return float(np.max([r["max_abs_diff"] for r in results]))
