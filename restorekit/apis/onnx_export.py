"""Export a restorekit generator to ONNX and verify it against PyTorch with onnxruntime.

The exported graph is the generator alone: ``input`` float32 (N, 3, H, W) RGB in [0, 1] ->
``output`` float32 (N, 3, H, W) RGB in [0, 1] (range conversions such as DeblurGAN-v2's
[-1, 1] happen inside, as in PyTorch). H and W must be multiples of the model's
``size_divisor`` (stored in the file's metadata with ``dynamic`` and ``generator``);
:func:`restorekit.apis.deblur` pads to it. With ``dynamic=True`` the batch, H and W axes are
symbolic; strided generators declare H = ``size_divisor`` × k so that their internal padding
branches are resolved at export time.

Train-mode norms (``inference_norm='batch_stats'``) are rewritten to eval InstanceNorm first
(:mod:`restorekit.apis.norm_rewrite`), which is exact for per-image inference; the verification
compares the ONNX output with the *original* PyTorch generator, so it checks the rewrite too.
The dynamo exporter (``torch.onnx.export(dynamo=True)``) is tried first, the TorchScript
exporter second.
"""

from __future__ import annotations

import copy
import os
import warnings

import numpy as np
import torch
from torch import nn

from .norm_rewrite import rewrite_batch_stats_norms
from .onnx_runtime import OnnxRuntimeGenerator


class ExportableGenerator(nn.Module):
    """Eval-mode copy of a generator with train-mode norms rewritten; (N, 3, H, W) [0, 1] in
    and out."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        generator = copy.deepcopy(getattr(model, "generator", model)).float().eval()
        self.generator = rewrite_batch_stats_norms(generator, inplace=True)
        for p in self.generator.parameters():
            p.requires_grad_(False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return full_size(self.generator(x))


def full_size(output) -> torch.Tensor:
    """A generator's full-resolution output: the tensor, or the last entry of a coarse-to-fine
    list (MIMO-UNet returns ``[out_4, out_2, out_1]``)."""
    return output if isinstance(output, torch.Tensor) else output[-1]


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
                dynamic: bool = False, opset: int = 18, size_divisor: int | None = None,
                exporter: str = "auto") -> dict[str, object]:
    """Export ``model``'s generator (or ``model`` itself) to ``out``.

    Args:
        model: method from :func:`init_model` or a bare generator.
        out: destination ``.onnx`` path (parent folders are created).
        shape: (H, W) of the example input; rounded up to a multiple of ``size_divisor``.
        dynamic: symbolic H / W (multiples of ``size_divisor``) and batch axes.
        opset: ONNX opset.
        size_divisor: stride; default ``model.size_divisor`` / the generator's, else 1.
        exporter: ``'auto'`` (dynamo, then TorchScript if that fails, e.g. without the
            ``onnxscript`` package), ``'dynamo'`` or ``'torchscript'``.

    Returns:
        ``{'path', 'exporter', 'shape', 'dynamic', 'size_divisor'}``.
    """
    gen = ExportableGenerator(model)
    if size_divisor is None:
        size_divisor = int(getattr(model, "size_divisor", 0)
                           or getattr(gen.generator, "size_divisor", 1))
    h, w = (-(-int(s) // size_divisor) * size_divisor for s in shape)
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
    min_size = int(getattr(getattr(gen.generator, "backbone", None), "min_size", 1) or 1)
    _write_metadata(out, size_divisor=str(size_divisor), dynamic=str(bool(dynamic)).lower(),
                    min_size=str(min_size),
                    pad_mode=str(getattr(gen.generator, "pad_mode", "reflect")),
                    generator=type(gen.generator).__name__, exporter=used,
                    input_range="[0, 1] RGB NCHW float32", export_shape=f"{h}x{w}")
    return {"path": out, "exporter": used, "shape": (h, w), "dynamic": dynamic,
            "size_divisor": size_divisor}


def _write_metadata(path: str, **entries: str) -> None:
    import onnx

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
        shapes: list of (H, W) to test (multiples of the stride; the export shape for static
            exports).

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
                ref = full_size(generator(x)).float()
            got = session(x)
            diff = (ref - got).abs()
            results.append({"shape": (h, w), "max_abs_diff": float(diff.max()),
                            "mean_abs_diff": float(diff.mean())})
    finally:
        generator.train(was_training)
    return results


def verification_shapes(shape: tuple[int, int], divisor: int, dynamic: bool
                        ) -> list[tuple[int, int]]:
    """The export shape, plus for dynamic exports a different, non-square shape."""
    h, w = (-(-int(s) // divisor) * divisor for s in shape)
    shapes = [(h, w)]
    if dynamic:
        step = max(divisor, 8)
        shapes.append((h + step, w + 2 * step) if divisor > 1 else (h + 7, w + 13))
    return shapes


def max_diff(results: list[dict[str, object]]) -> float:
    """Largest ``max_abs_diff`` of :func:`verify_onnx` results."""
    return float(np.max([r["max_abs_diff"] for r in results]))
