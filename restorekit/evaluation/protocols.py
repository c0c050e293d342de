"""Named evaluation protocols: which metric definitions a paper's table used.

A protocol is a list of metric configs (:data:`PROTOCOLS`). Use it in a config without
imports through the registered :class:`ProtocolEvaluator`::

    val_evaluator = dict(type='ProtocolEvaluator', protocol='matlab', metrics=[],
                         prefix='GoPro')

(``metrics`` lists extra metrics, e.g. ``[dict(type='LPIPS')]``; it must be present, even
empty: mmengine's ``Runner.build_evaluator`` builds a dict without a ``metrics`` key as a
single *metric*, not as an evaluator.)

or from Python / new-style configs as
``dict(type='Evaluator', metrics=protocol_metrics('matlab'))``, or on the command line with
``tools/test.py ... --protocol matlab`` and ``tools/benchmark.py ... --protocol matlab``.

| name | metrics (keys) | reproduces |
|---|---|---|
| ``basicsr`` | ``PSNR``, ``SSIM`` on RGB, rounded to uint8 | BasicSR / NAFNet validation |
| ``matlab`` | ``PSNR``, ``SSIM3D`` on uint8 RGB | GoPro / HIDE tables (MATLAB) |
| ``realblur`` | ``PSNR_aligned``, ``SSIM_aligned`` | the official RealBlur evaluation |
| ``niqe`` | ``NIQE`` (no reference) | BasicSR / MATLAB NIQE, for real photos without GT |

See ``docs/metrics.md`` for the definitions.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import torch
from mmengine.evaluator import Evaluator

from restorekit.registry import EVALUATORS, METRICS

PROTOCOLS: dict[str, list[dict[str, Any]]] = {
    "basicsr": [dict(type="PSNR", quantize=True), dict(type="SSIM", quantize=True)],
    "matlab": [dict(type="PSNR", quantize=True), dict(type="SSIM3D", quantize=True)],
    "realblur": [dict(type="RealBlurPSNRSSIM", motion="homography", quantize=True)],
    "niqe": [dict(type="NIQE")],
}

#: which output key of a protocol fills the benchmark's ``psnr`` / ``ssim`` / ``niqe`` columns
HEADLINE_KEYS: dict[str, dict[str, str]] = {
    "basicsr": {"psnr": "PSNR", "ssim": "SSIM"},
    "matlab": {"psnr": "PSNR", "ssim": "SSIM3D"},
    "realblur": {"psnr": "PSNR_aligned", "ssim": "SSIM_aligned"},
    "niqe": {"niqe": "NIQE"},
}


def protocol_metrics(name: str, prefix: str | None = None, **overrides: Any) -> list[dict]:
    """A fresh copy of the metric configs of protocol ``name``.

    Args:
        name: one of :data:`PROTOCOLS`.
        prefix: set on every metric (logged keys become ``<prefix>/<key>``).
        **overrides: extra keys for every metric (e.g. ``pred_key='pred_img'``).

    Raises:
        KeyError: unknown ``name``; the message lists the protocols.
    """
    if name not in PROTOCOLS:
        raise KeyError(f"Unknown evaluation protocol {name!r}; choose one of {sorted(PROTOCOLS)}.")
    metrics = copy.deepcopy(PROTOCOLS[name])
    for metric in metrics:
        metric.update(overrides)
        if prefix is not None:
            metric["prefix"] = prefix
    return metrics


@EVALUATORS.register_module()
class ProtocolEvaluator(Evaluator):
    """mmengine ``Evaluator`` over the metrics of protocol ``protocol`` (see the module doc).

    Args:
        protocol: one of :data:`PROTOCOLS`.
        metrics: extra metric configs evaluated as well (write ``metrics=[]`` in a config
            even without extras: the Runner needs the key to treat the dict as an evaluator).
        prefix: optional prefix of every logged key (protocol and extra metrics), e.g.
            ``'GoPro'``.
        **overrides: extra keys for every protocol metric.
    """

    def __init__(self, protocol: str, metrics: Sequence[dict] = (), prefix: str | None = None,
                 **overrides: Any) -> None:
        self.protocol = protocol
        configs = protocol_metrics(protocol, prefix, **overrides)
        for extra in metrics:
            extra = dict(extra)
            if prefix is not None:
                extra.setdefault("prefix", prefix)
            configs.append(extra)
        super().__init__([METRICS.build(m) for m in configs])


class ProtocolScorer:
    """Score single (prediction, ground truth) pairs with a protocol's metric classes.

    ``scorer(pred, gt)`` returns ``{output key: value}`` for one pair, computed by the same
    registered metrics as :class:`ProtocolEvaluator` (``pred``/``gt``: float (3, H, W)
    tensors in [0, 1]; ``gt`` may be ``None`` for the no-reference ``niqe`` protocol).
    :meth:`headline` maps those keys to the benchmark columns (:data:`HEADLINE_KEYS`).
    """

    def __init__(self, protocol: str) -> None:
        self.protocol = protocol
        self.metrics = [METRICS.build(m) for m in protocol_metrics(protocol)]

    def __call__(self, pred: torch.Tensor, gt: torch.Tensor | None) -> dict[str, float]:
        sample = {"pred_img": pred, "gt_img": gt}
        scores: dict[str, float] = {}
        for metric in self.metrics:
            metric.results.clear()
            metric.process({}, [sample])
            scores.update(metric.compute_metrics(metric.results))
            metric.results.clear()
        return scores

    def headline(self, scores: dict[str, float]) -> dict[str, float | None]:
        """``{'psnr', 'ssim', 'niqe'}`` columns from one pair's scores (``None`` if absent)."""
        keys = HEADLINE_KEYS[self.protocol]
        return {col: (float(scores[keys[col]]) if col in keys else None)
                for col in ("psnr", "ssim", "niqe")}


__all__ = [
    "HEADLINE_KEYS",
    "PROTOCOLS",
    "ProtocolEvaluator",
    "ProtocolScorer",
    "protocol_metrics",
]
