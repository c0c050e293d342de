"""Fast CPU inference: BN folding, channels-last, inference mode, optional bf16 / compile.

:func:`prepare_fast_generator` turns a method (``.generator``) or a bare generator into a
:class:`FastGenerator`: a copy of the network with

* train-mode norms (DeblurGAN-v2 ``inference_norm='batch_stats'``) rewritten to eval-mode
  batch-statistics BatchNorms / InstanceNorms (:mod:`restorekit.apis.norm_rewrite`,
  ``style='batchnorm'``; faster than all-InstanceNorm on channels-last tensors) and the images
  of a batch run one at a time, as the original does;
* every ``Conv2d`` / ``ConvTranspose2d`` directly followed by an eval-mode ``BatchNorm2d``
  with running statistics (inside an ``nn.Sequential``: torchvision's MobileNetV2 blocks,
  restorekit's U-Net / FPN blocks) folded into one convolution (:func:`fold_conv_bn`);
* weights and inputs in ``torch.channels_last`` (oneDNN runs NHWC convolutions without the
  per-call reorders of NCHW, ``reference/perf.md`` §2; it is also what bf16 needs to pay off);
* ``torch.inference_mode()`` around the call, and optionally a thread count.

``precision='fp32'`` matches eager inference within ~1e-5 (folding and channels-last only
change the summation order). ``precision='bf16'`` runs under CPU autocast to bfloat16 (AMX on
recent Xeons) and returns float32; its error must be judged on trained weights
(``docs/benchmark.md`` gives the PSNR change on the demo set). ``compile=True`` wraps the
network in ``torch.compile`` (slow first call).

Input / output: float32 (N, 3, H, W) RGB in [0, 1] -> float32 (N, 3, H, W) in [0, 1]; the
input sides must meet the generator's own size rules (it pads internally when it needs to).
"""

from __future__ import annotations

import copy

import torch
from torch import nn

from .norm_rewrite import rewrite_batch_stats_norms, uses_batch_stats

_PRECISIONS = ("fp32", "bf16")


def _fold_pair(conv: nn.Module, bn: nn.BatchNorm2d) -> None:
    """Fold ``bn`` (eval mode, running stats) into ``conv`` in place."""
    scale = bn.weight.detach() if bn.affine else torch.ones_like(bn.running_var)
    shift = bn.bias.detach() if bn.affine else torch.zeros_like(bn.running_mean)
    inv_std = torch.rsqrt(bn.running_var.double() + bn.eps)
    factor = scale.double() * inv_std  # (C_out,)
    weight = conv.weight.detach().double()
    if isinstance(conv, nn.ConvTranspose2d):  # weight (C_in, C_out / groups, kh, kw)
        groups = conv.groups
        c_in, c_out_g = weight.shape[:2]
        w = weight.view(groups, c_in // groups, c_out_g, *weight.shape[2:])
        w = w * factor.view(groups, 1, c_out_g, 1, 1)
        weight = w.view_as(weight)
    else:  # weight (C_out, C_in / groups, kh, kw)
        weight = weight * factor.view(-1, 1, 1, 1)
    bias = conv.bias.detach().double() if conv.bias is not None else torch.zeros_like(factor)
    bias = (bias - bn.running_mean.double()) * factor + shift.double()
    conv.weight = nn.Parameter(weight.to(conv.weight.dtype), requires_grad=False)
    conv.bias = nn.Parameter(bias.to(conv.weight.dtype), requires_grad=False)


def _foldable(conv: nn.Module, bn: nn.Module) -> bool:
    return (isinstance(conv, (nn.Conv2d, nn.ConvTranspose2d))
            and type(bn) is nn.BatchNorm2d and not bn.training
            and bn.track_running_stats and bn.running_mean is not None
            and bn.num_features == (conv.out_channels))


def fold_conv_bn(module: nn.Module) -> int:
    """Fold every eval-mode BatchNorm2d that directly follows a Conv2d / ConvTranspose2d in
    an ``nn.Sequential`` into the convolution (the BN becomes ``nn.Identity``), in place.

    Returns the number of folded pairs. Modules in train mode are left alone, as are norms
    used with per-image statistics (rewrite those first, see :mod:`.norm_rewrite`).
    """
    folded = 0
    for seq in [m for m in module.modules() if isinstance(m, nn.Sequential)]:
        names = list(seq._modules)
        for a, b in zip(names, names[1:]):
            conv, bn = seq._modules[a], seq._modules[b]
            if _foldable(conv, bn):
                _fold_pair(conv, bn)
                seq._modules[b] = nn.Identity()
                folded += 1
    return folded


class FastGenerator(nn.Module):
    """A prepared copy of a generator; call it like the generator (see module docstring).

    Attributes: ``precision`` ('fp32' | 'bf16'), ``channels_last``, ``folded`` (number of
    folded Conv→BN pairs), ``per_image`` (batch split into single images), ``size_divisor``
    (copied from the generator, 1 if none).
    """

    def __init__(self, generator: nn.Module, precision: str, channels_last: bool,
                 folded: int, compiled: nn.Module | None = None,
                 per_image: bool = False) -> None:
        super().__init__()
        self.generator = generator
        self.precision = precision
        self.channels_last = channels_last
        self.folded = folded
        self.per_image = per_image
        self.size_divisor = int(getattr(generator, "size_divisor", 1))
        self._compiled = compiled

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, 3, H, W) float in [0, 1] -> (N, 3, H, W) float32 in [0, 1], NCHW-contiguous."""
        with torch.inference_mode():
            x = x.float()
            if self.channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            if self.per_image and x.shape[0] > 1:
                return torch.cat([self._run(xi) for xi in x.split(1)], dim=0)
            return self._run(x)

    def _run(self, x: torch.Tensor) -> torch.Tensor:
        net = self._compiled if self._compiled is not None else self.generator
        if self.precision == "bf16":
            with torch.autocast("cpu", dtype=torch.bfloat16):
                y = net(x)
        else:
            y = net(x)
        if not isinstance(y, torch.Tensor):  # coarse-to-fine list (MIMO-UNet): full size last
            y = y[-1]
        return y.float().contiguous()


def prepare_fast_generator(model: nn.Module, precision: str = "fp32",
                           channels_last: bool = True, fold_bn: bool = True,
                           compile: bool = False, num_threads: int | None = None
                           ) -> FastGenerator:
    """Build a :class:`FastGenerator` from a method (uses ``model.generator``) or a generator.

    Args:
        model: restorekit method or bare generator; it is not modified (a copy is prepared).
        precision: ``'fp32'`` (default) or ``'bf16'`` (CPU autocast, float32 output).
        channels_last: NHWC weights and inputs (default; faster with oneDNN on CPU).
        fold_bn: fold Conv→BatchNorm pairs (eval-mode BN with running statistics).
        compile: wrap the network in ``torch.compile`` (first call compiles, tens of seconds).
        num_threads: if given, ``torch.set_num_threads(num_threads)`` (process-wide).
    """
    if precision not in _PRECISIONS:
        raise ValueError(f"precision must be one of {_PRECISIONS}, got {precision!r}")
    if num_threads is not None:
        torch.set_num_threads(int(num_threads))
    generator = getattr(model, "generator", model)
    generator = copy.deepcopy(generator).eval()
    per_image = uses_batch_stats(generator)
    generator = rewrite_batch_stats_norms(generator, inplace=True, style="batchnorm")
    for p in generator.parameters():
        p.requires_grad_(False)
    folded = fold_conv_bn(generator) if fold_bn else 0
    if channels_last:
        generator = generator.to(memory_format=torch.channels_last)
    compiled = torch.compile(generator) if compile else None
    return FastGenerator(generator, precision, channels_last, folded, compiled, per_image)
