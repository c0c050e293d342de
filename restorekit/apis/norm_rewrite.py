"""Rewrite train-mode normalisation into an exportable, accurate eval-mode equivalent.

DeblurGAN-v2 (and pix2pix run without ``--eval``) infer with their norm layers in *train*
mode: every BatchNorm / InstanceNorm normalises with the statistics of the current image
(``reference/methods.md`` §3.7). restorekit's ``FPNGenerator(inference_norm='batch_stats')``
runs the images of a batch one at a time, so at every layer the statistics are per image and
per channel, i.e. an instance norm with the layer's eps and affine parameters (train-mode
BatchNorm and InstanceNorm both normalise with the biased variance).

ONNX exporters reject the train-mode graph, and two obvious substitutes are inaccurate:
PyTorch's batch-statistics BatchNorm on channels-last tensors and onnxruntime's
InstanceNormalization compute the variance in one pass (E[x²] − E[x]²), which cancels when
a channel's mean is large against its spread (FPN-MobileNet: 7e-3 / 2e-3 off eager). The
fast and ONNX paths therefore use :class:`PerImageNorm2d`: two-pass mean and variance over
(H, W) in plain tensor ops (exported as ReduceMean / Sub / Mul / Sqrt), on any memory format.

Fused norm + activation modules keep their tail: timm's ``BatchNormAct2d`` (Inception-ResNet-v2
``ConvNormAct``) is ``norm -> drop -> act``; its ``drop`` and ``act`` are carried over. A norm
subclass whose extra behaviour is not known raises ``TypeError`` instead of being replaced by
a bare norm.
"""

from __future__ import annotations

import copy

import torch
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.modules.instancenorm import _InstanceNorm

_PLAIN_NORMS = (nn.BatchNorm2d, nn.InstanceNorm2d)


def uses_batch_stats(module: nn.Module) -> bool:
    """Whether ``module`` (or a sub-module) infers with per-image statistics: an
    ``inference_norm='batch_stats'`` attribute (FPNGenerator) or a norm layer left in train
    mode inside a module in eval mode."""
    for m in module.modules():
        if getattr(m, "inference_norm", None) == "batch_stats":
            return True
    if not module.training:
        return any(m.training for m in module.modules() if isinstance(m, (_BatchNorm,
                                                                          _InstanceNorm)))
    return False


class PerImageNorm2d(nn.Module):
    """Per-sample, per-channel normalisation with two-pass statistics, then ``tail``.

    ``(N, C, H, W) -> (N, C, H, W)``: ``y = (x - mean) / sqrt(var + eps) * weight + bias`` with
    mean and biased variance over (H, W) of each sample and channel, followed by ``tail`` (the
    drop / activation of a fused norm, ``Identity`` otherwise). Equals a train-mode
    ``BatchNorm2d`` at batch 1 and ``InstanceNorm2d``; works on channels-last tensors.
    """

    def __init__(self, num_features: int, eps: float, weight: torch.Tensor | None = None,
                 bias: torch.Tensor | None = None, tail: nn.Module | None = None) -> None:
        super().__init__()
        self.num_features, self.eps = int(num_features), float(eps)
        self.weight = None if weight is None else nn.Parameter(weight.detach().clone(), False)
        self.bias = None if bias is None else nn.Parameter(bias.detach().clone(), False)
        self.tail = tail if tail is not None else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mean = x.mean(dim=3, keepdim=True).mean(dim=2, keepdim=True)
        centred = x - mean
        var = (centred * centred).mean(dim=3, keepdim=True).mean(dim=2, keepdim=True)
        y = centred * torch.rsqrt(var + self.eps)
        if self.weight is not None:
            y = y * self.weight.view(1, -1, 1, 1)
        if self.bias is not None:
            y = y + self.bias.view(1, -1, 1, 1)
        return self.tail(y)

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps}, affine={self.weight is not None}"


def _tail(norm: nn.Module) -> nn.Module | None:
    """The modules a fused norm applies after normalising (``drop``, ``act``), or None for a
    plain norm; ``TypeError`` for an unknown norm subclass."""
    if type(norm) in _PLAIN_NORMS:
        return None
    parts = [getattr(norm, name) for name in ("drop", "act")
             if isinstance(getattr(norm, name, None), nn.Module)]
    if isinstance(norm, nn.BatchNorm2d) and parts:  # timm BatchNormAct2d: bn -> drop -> act
        return nn.Sequential(*parts)
    raise TypeError(f"norm_rewrite: {type(norm).__module__}.{type(norm).__name__} is a norm "
                    f"subclass with unknown extra behaviour; teach restorekit.apis.norm_rewrite "
                    f"its forward instead of dropping it")


def to_per_image_norm(norm: nn.Module) -> PerImageNorm2d:
    """The :class:`PerImageNorm2d` equal to ``norm`` in train mode at batch 1 (same eps,
    affine parameters and fused tail)."""
    affine = bool(getattr(norm, "affine", False))
    tail = _tail(norm)
    return PerImageNorm2d(norm.num_features, norm.eps, norm.weight if affine else None,
                          norm.bias if affine else None, copy.deepcopy(tail))


def rewrite_batch_stats_norms(module: nn.Module, inplace: bool = False) -> nn.Module:
    """Return ``module`` with every 2-D BatchNorm / InstanceNorm (and fused subclasses such
    as timm's ``BatchNormAct2d``) replaced by :class:`PerImageNorm2d`, if ``module`` infers
    with per-image statistics (:func:`uses_batch_stats`); otherwise return it unchanged.

    Valid for any batch size (statistics are per sample). ``inference_norm`` attributes are
    set to ``'eval'`` afterwards. The input is copied unless ``inplace``. Shapes and ranges are
    unchanged.
    """
    if not uses_batch_stats(module):
        return module
    if not inplace:
        module = copy.deepcopy(module)
    for parent in list(module.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, (nn.BatchNorm2d, nn.InstanceNorm2d)):
                setattr(parent, name, to_per_image_norm(child))
    for m in module.modules():
        if getattr(m, "inference_norm", None) == "batch_stats":
            m.inference_norm = "eval"
    return module.eval()


def count_norms(module: nn.Module) -> dict[str, int]:
    """Norm and activation census ``{'norms', 'per_image', 'activations'}``, used to check that
    a rewrite kept every activation."""
    acts = (nn.ReLU, nn.ReLU6, nn.LeakyReLU, nn.GELU, nn.SiLU, nn.Tanh, nn.Sigmoid)
    mods = list(module.modules())
    return {"norms": sum(isinstance(m, (_BatchNorm, _InstanceNorm)) for m in mods),
            "per_image": sum(isinstance(m, PerImageNorm2d) for m in mods),
            "activations": sum(isinstance(m, acts) for m in mods)}
