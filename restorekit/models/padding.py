"""The one home of pad-to-multiple: padding policies declared by generators, applied here.

A generator declares **how its inputs must be padded** with a :class:`PadPolicy` in its
``padding`` attribute (a class attribute or set in ``__init__``), one line::

    padding = PadPolicy(divisor=4)                          # MIMO-UNet: reflect to a multiple of 4
    padding = PadPolicy(divisor=16, mode="constant")        # NAFNet: zeros, right/bottom
    self.padding = PadPolicy(32, "constant", value=0.5, extra_block=True, min_size=64)  # DGv2

Every caller that feeds a generator goes through :func:`pad_to_policy` with the policy returned
by :func:`get_pad_policy`: :func:`restorekit.apis.deblur` (whole image and tiles), the data
preprocessor (``tools/test.py`` / validation, once a model binds it with :func:`bind_padding`),
and the ONNX runner (the policy is stored in the file's metadata). Padding is always on the
bottom and right; the caller crops the output back to the input's ``H × W``.

A generator may also align its input itself (so a bare call works at any size); it must then
call :func:`pad_to_policy` with ``inference=False``, which only pads to the next multiple /
minimum size and is a no-op on an input the caller already padded — hence nothing is ever
padded twice. The ``extra_block`` rule (an inference-script quirk) is applied only by callers.

Conventions: tensors are float (N, C, H, W); ``value`` is on the [0, 1] image scale the
generators receive (DeblurGAN-v2's official fill 0 on its [-1, 1] scale is ``value=0.5``).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, replace

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["PadPolicy", "bind_padding", "get_pad_policy", "pad_to_policy", "padded_size"]

_MODES = ("reflect", "replicate", "constant")


@dataclass(frozen=True)
class PadPolicy:
    """How a generator's input is padded (bottom/right) before it runs.

    Args:
        divisor: padded ``H`` and ``W`` are multiples of it (the network's stride).
        mode: ``'reflect'`` (mirror without repeating the edge; applied in steps when the pad
            exceeds the image), ``'replicate'`` or ``'constant'`` (fill ``value``).
        value: constant fill on the [0, 1] input scale.
        extra_block: at inference add a whole extra ``divisor`` block even when a side is
            already a multiple: side ``s`` -> ``(s // divisor + 1) * divisor`` (DeblurGAN-v2
            ``predict.py``: 256 -> 288, 720×1280 -> 736×1312). Ignored in training.
        min_size: padded sides are at least this (rounded up to ``divisor``).
    """

    divisor: int = 1
    mode: str = "reflect"
    value: float = 0.0
    extra_block: bool = False
    min_size: int = 1

    def __post_init__(self) -> None:
        if self.mode not in _MODES:
            raise ValueError(f"PadPolicy: mode={self.mode!r} is not one of {_MODES}")
        if self.divisor < 1 or self.min_size < 1:
            raise ValueError(f"PadPolicy: divisor ({self.divisor}) and min_size "
                             f"({self.min_size}) must be >= 1")

    def to_json(self) -> str:
        """Serialised form (stored in ONNX metadata)."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> PadPolicy:
        """Inverse of :meth:`to_json`."""
        return cls(**json.loads(text))

    def with_divisor(self, divisor: int) -> PadPolicy:
        """Same policy with ``divisor`` replaced by lcm(own, ``divisor``)."""
        d = self.divisor * divisor // math.gcd(self.divisor, divisor)
        return replace(self, divisor=d)


def _side(size: int, policy: PadPolicy, inference: bool) -> int:
    d = policy.divisor
    target = (size // d + 1) * d if (inference and policy.extra_block) else -(-size // d) * d
    return max(target, -(-policy.min_size // d) * d)


def padded_size(height: int, width: int, policy: PadPolicy, inference: bool = True
                ) -> tuple[int, int]:
    """``(H, W)`` after :func:`pad_to_policy` of an ``height × width`` input."""
    return _side(height, policy, inference), _side(width, policy, inference)


def pad_to(x: torch.Tensor, height: int, width: int, policy: PadPolicy) -> torch.Tensor:
    """Pad (N, C, h, w) on the bottom/right to exactly ``height × width`` with the policy's
    fill (``mode`` / ``value``). Reflect pads larger than the image are applied in steps (a
    mirror of the mirror); a 1-pixel side falls back to replicate."""
    pad_h, pad_w = height - x.shape[-2], width - x.shape[-1]
    if pad_h < 0 or pad_w < 0:
        raise ValueError(f"pad_to: cannot pad {tuple(x.shape[-2:])} to {height}×{width}")
    if pad_h == 0 and pad_w == 0:
        return x
    if policy.mode == "constant":
        return F.pad(x, (0, pad_w, 0, pad_h), mode="constant", value=float(policy.value))
    if policy.mode == "replicate":
        return F.pad(x, (0, pad_w, 0, pad_h), mode="replicate")
    while pad_h > 0 or pad_w > 0:
        h, w = x.shape[-2:]
        if (pad_h and h < 2) or (pad_w and w < 2):  # a 1-pixel side cannot be reflected
            return F.pad(x, (0, pad_w, 0, pad_h), mode="replicate")
        step_h, step_w = min(pad_h, h - 1), min(pad_w, w - 1)
        x = F.pad(x, (0, step_w, 0, step_h), mode="reflect")
        pad_h, pad_w = pad_h - step_h, pad_w - step_w
    return x


def pad_to_policy(x: torch.Tensor, policy: PadPolicy, inference: bool = True) -> torch.Tensor:
    """Pad (N, C, H, W) bottom/right as ``policy`` says (see :func:`padded_size`).

    ``inference=False`` skips ``extra_block`` (training batches, and generators aligning their
    own input), which makes the call idempotent.
    """
    return pad_to(x, *padded_size(x.shape[-2], x.shape[-1], policy, inference), policy)


def get_pad_policy(model: object) -> PadPolicy:
    """The padding policy of a method, a generator, or a fast / ONNX wrapper.

    Lookup order: the policy bound to ``model.data_preprocessor`` (:func:`bind_padding`),
    ``model.padding`` / ``model.generator.padding`` if a :class:`PadPolicy`, else a
    ``size_divisor`` attribute with reflect padding, else no padding.
    """
    bound = getattr(getattr(model, "data_preprocessor", None), "pad_policy", None)
    if isinstance(bound, PadPolicy):
        return bound
    candidates = (model, getattr(model, "generator", None))
    for obj in candidates:
        policy = getattr(obj, "padding", None)
        if isinstance(policy, PadPolicy):
            return policy
    for obj in candidates:
        divisor = getattr(obj, "size_divisor", None)
        if isinstance(divisor, int) and divisor > 0:
            return PadPolicy(divisor)
    return PadPolicy()


def bind_padding(method: nn.Module) -> PadPolicy:
    """Give ``method.data_preprocessor`` the generator's policy and return the result.

    The preprocessor's own ``pad_size_divisor`` (if > 1) only adds alignment (lcm); its
    ``pad_mode`` is used when the generator needs no padding of its own. Methods should call
    this once after building their generator; :func:`restorekit.apis.init_model` does.
    """
    generator = getattr(method, "generator", method)
    policy = get_pad_policy(generator)
    pre = getattr(method, "data_preprocessor", None)
    if pre is not None and hasattr(pre, "set_pad_policy"):
        policy = pre.set_pad_policy(policy)
    return policy
