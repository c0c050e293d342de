"""Rewrite train-mode normalisation into an exportable, foldable eval-mode equivalent.

DeblurGAN-v2 (and pix2pix run without ``--eval``) infer with their norm layers in *train*
mode: every BatchNorm / InstanceNorm normalises with the statistics of the current image.
At batch size 1 (restorekit's ``FPNGenerator(inference_norm='batch_stats')`` runs the images of
a batch one at a time, so this holds for any batch), train-mode ``BatchNorm2d`` and
``InstanceNorm2d`` compute exactly ``InstanceNorm2d(track_running_stats=False)`` in eval mode
with the same eps and affine parameters (both use the biased variance to normalise). ONNX
exporters reject the train-mode graph, so the export and fast paths swap the modules
(``reference/perf.md`` §4.1; eager max abs difference of the swap: 0).
"""

from __future__ import annotations

import copy

from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.modules.instancenorm import _InstanceNorm


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


def to_instance_norm(norm: nn.Module) -> nn.InstanceNorm2d:
    """An eval-mode ``InstanceNorm2d`` without running stats equal to ``norm`` in train mode
    at batch 1 (same eps, same affine weight and bias)."""
    new = nn.InstanceNorm2d(norm.num_features, eps=norm.eps, affine=norm.affine,
                            track_running_stats=False)
    if norm.affine:
        new.weight = nn.Parameter(norm.weight.detach().clone(), requires_grad=False)
        new.bias = nn.Parameter(norm.bias.detach().clone(), requires_grad=False)
    return new.eval()


def to_batch_stat_batchnorm(norm: nn.BatchNorm2d) -> nn.BatchNorm2d:
    """An eval-mode ``BatchNorm2d`` without running stats (so it normalises with the batch's
    statistics) and the same eps / affine parameters: equal to ``norm`` in train mode, and at
    batch 1 to the InstanceNorm of :func:`to_instance_norm`. Unlike InstanceNorm it runs
    natively on channels-last tensors (the fast CPU path uses it, one image at a time)."""
    new = nn.BatchNorm2d(norm.num_features, eps=norm.eps, affine=norm.affine,
                         track_running_stats=False)
    if norm.affine:
        new.weight = nn.Parameter(norm.weight.detach().clone(), requires_grad=False)
        new.bias = nn.Parameter(norm.bias.detach().clone(), requires_grad=False)
    return new.eval()


def rewrite_batch_stats_norms(module: nn.Module, inplace: bool = False,
                              style: str = "instance") -> nn.Module:
    """Return ``module`` with every 2-D BatchNorm / InstanceNorm replaced by an eval-mode
    equivalent of its batch-1 train-mode behaviour, if ``module`` infers with per-image
    statistics (:func:`uses_batch_stats`); otherwise return it unchanged.

    ``style='instance'`` (ONNX export): every norm becomes ``InstanceNorm2d`` without running
    stats, valid for any batch size. ``style='batchnorm'`` (fast CPU path): BatchNorm layers
    become batch-statistics BatchNorms (:func:`to_batch_stat_batchnorm`), InstanceNorms become
    plain InstanceNorms; valid only for inputs of batch size 1, so the caller must run images
    one at a time. ``inference_norm`` attributes are set to ``'eval'`` afterwards. The input is
    copied unless ``inplace``. Shapes and ranges are unchanged.
    """
    if style not in ("instance", "batchnorm"):
        raise ValueError(f"style must be 'instance' or 'batchnorm', got {style!r}")
    if not uses_batch_stats(module):
        return module
    if not inplace:
        module = copy.deepcopy(module)
    for parent in list(module.modules()):
        for name, child in list(parent.named_children()):
            if style == "batchnorm" and type(child) is nn.BatchNorm2d:
                setattr(parent, name, to_batch_stat_batchnorm(child))
            elif isinstance(child, (nn.BatchNorm2d, nn.InstanceNorm2d)):
                setattr(parent, name, to_instance_norm(child))
    for m in module.modules():
        if getattr(m, "inference_norm", None) == "batch_stats":
            m.inference_norm = "eval"
    return module.eval()
