"""Fast CPU inference: BN folding, channels-last, inference mode, optional bf16 / compile.

:func:`prepare_fast_generator` turns a method (``.generator``) or a bare generator into a
:class:`FastGenerator`: a copy of the network with

* train-mode norms (DeblurGAN-v2 ``inference_norm='batch_stats'``) rewritten to
  :class:`~restorekit.apis.norm_rewrite.PerImageNorm2d` (two-pass per-image statistics, exact
  on channels-last tensors; fused norm + activation modules such as timm's ``BatchNormAct2d``
  keep their activation) and the images of a batch run one at a time, as the original does;
* every ``Conv2d`` / ``ConvTranspose2d`` directly followed by an eval-mode ``BatchNorm2d``
  with running statistics (inside an ``nn.Sequential``: torchvision's MobileNetV2 blocks,
  restorekit's U-Net / FPN blocks) folded into one convolution (:func:`fold_conv_bn`);
* weights and inputs in ``torch.channels_last`` (oneDNN runs NHWC convolutions without the
  per-call reorders of NCHW, ``reference/perf.md`` §2; it is also what bf16 needs to pay off);
* ``torch.inference_mode()`` around the call, and optionally a thread count.

``precision='fp32'`` matches eager inference within ~1e-5, or within eager's own distance
from a float64 run on ill-conditioned random weights (folding and channels-last only change
the summation order; ``tests/apis/test_exactness.py`` checks every registered generator).
``precision='bf16'`` runs under autocast to bfloat16 (CPU: pays off only with AMX, slower
than fp32 without it) and ``'fp16'`` under float16 autocast (CUDA; on the CPU it is accepted
but slow); both return float32 and their error must be judged on trained weights
(``docs/benchmark.md`` gives the PSNR change on the demo set). The autocast device follows
the input tensor. ``compile=True`` wraps the network in ``torch.compile`` (slow first call per
input shape); with ``freezing=True`` (default) Inductor freezes the weights into constants
(``torch._inductor.config.freezing``), which lets it fold them and pre-pack oneDNN weights.

Input / output: float32 (N, 3, H, W) RGB in [0, 1] -> float32 (N, 3, H, W) in [0, 1]; the
input is padded by the caller (:func:`restorekit.apis.deblur`) with the generator's policy,
which :attr:`FastGenerator.padding` exposes.
"""

from __future__ import annotations

import copy

import torch
from torch import nn

from restorekit.models.outputs import final_output
from restorekit.models.padding import PadPolicy, get_pad_policy

from .norm_rewrite import rewrite_batch_stats_norms, uses_batch_stats

_PRECISIONS = ("fp32", "bf16", "fp16")
_AUTOCAST_DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}


def inference_network(model: nn.Module) -> nn.Module:
    """The network a method runs at inference (its EMA generator when enabled, else
    ``generator``), or ``model`` itself for a bare generator."""
    net = getattr(model, "inference_generator", None)
    if isinstance(net, nn.Module):
        return net
    return getattr(model, "generator", model)


def copy_network(module: nn.Module) -> nn.Module:
    """``copy.deepcopy(module)`` without the per-model inference caches (attributes named
    ``_restorekit_*``: prepared fast / auto networks, which may hold ONNX sessions)."""
    memo: dict[int, object] = {}
    for m in module.modules():
        for key, value in m.__dict__.items():
            if key.startswith("_restorekit_"):
                memo[id(value)] = None
    new = copy.deepcopy(module, memo)
    for m in new.modules():
        for key in [k for k in m.__dict__ if k.startswith("_restorekit_")]:
            del m.__dict__[key]
    return new


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
    folded Conv→BN pairs), ``per_image`` (batch split into single images), ``padding`` (the
    generator's :class:`~restorekit.models.padding.PadPolicy`), ``size_divisor`` (its divisor).
    """

    def __init__(self, generator: nn.Module, precision: str, channels_last: bool,
                 folded: int, compiled: nn.Module | None = None,
                 per_image: bool = False, freezing: bool = False) -> None:
        super().__init__()
        self.generator = generator
        self.precision = precision
        self.channels_last = channels_last
        self.folded = folded
        self.per_image = per_image
        self.padding: PadPolicy = get_pad_policy(generator)
        self.size_divisor = self.padding.divisor
        self._compiled = compiled
        self.freezing = freezing

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
        if self._compiled is not None and self.freezing:
            import torch._inductor.config as inductor_config

            with inductor_config.patch(freezing=True):  # read when a shape is compiled
                y = self._call(self._compiled, x)
        else:
            y = self._call(self._compiled if self._compiled is not None else self.generator, x)
        return final_output(y).float().contiguous()

    def _call(self, net: nn.Module, x: torch.Tensor) -> torch.Tensor:
        if self.precision in _AUTOCAST_DTYPES:
            with torch.autocast(x.device.type, dtype=_AUTOCAST_DTYPES[self.precision]):
                return net(x)
        return net(x)


def prepare_fast_generator(model: nn.Module, precision: str = "fp32",
                           channels_last: bool = True, fold_bn: bool = True,
                           compile: bool = False, num_threads: int | None = None,
                           freezing: bool = True) -> FastGenerator:
    """Build a :class:`FastGenerator` from a method (uses ``model.generator``) or a generator.

    Args:
        model: restorekit method or bare generator; it is not modified (a copy is prepared).
        precision: ``'fp32'`` (default), ``'bf16'`` or ``'fp16'`` (autocast on the input's
            device, float32 output).
        channels_last: NHWC weights and inputs (default; faster with oneDNN on CPU).
        fold_bn: fold Conv→BatchNorm pairs (eval-mode BN with running statistics).
        compile: wrap the network in ``torch.compile`` (first call compiles, tens of seconds).
        freezing: with ``compile``, let Inductor freeze the weights (CPU inference).
        num_threads: if given, ``torch.set_num_threads(num_threads)`` (process-wide).
    """
    if precision not in _PRECISIONS:
        raise ValueError(f"precision must be one of {_PRECISIONS}, got {precision!r}")
    if num_threads is not None:
        torch.set_num_threads(int(num_threads))
    generator = inference_network(model)
    generator = copy_network(generator)
    per_image = uses_batch_stats(generator)  # before .eval(): train-mode norms count
    generator = rewrite_batch_stats_norms(generator, inplace=True).eval()
    for p in generator.parameters():
        p.requires_grad_(False)
    folded = fold_conv_bn(generator) if fold_bn else 0
    if channels_last:
        generator = generator.to(memory_format=torch.channels_last)
    compiled = torch.compile(generator, dynamic=False) if compile else None
    return FastGenerator(generator, precision, channels_last, folded, compiled, per_image,
                         freezing=bool(compile and freezing))
