"""LPIPS (Zhang et al. 2018) through the ``lpips`` package, offline-safe.

``lpips.LPIPS(net=...)`` ships its linear heads (v0.0 / v0.1) but loads the AlexNet / VGG16 /
SqueezeNet backbone through torchvision's ImageNet weights, i.e. from
``$TORCH_HOME/hub/checkpoints/<file>`` (downloading when the file is missing). restorekit checks
that file *before* touching ``lpips`` so a machine without network fails at once with
:class:`~restorekit.utils.pretrained.PretrainedWeightsNotFoundError` naming the file, instead of
attempting a download. :func:`lpips_unavailable_reason` answers the same question without
raising, for benchmarks that want to report "LPIPS unavailable" rather than a number.

Inputs are the float32 (3, H, W) RGB [0, 1] tensors of the data samples; they are mapped to
[-1, 1] (``2 x - 1``) as ``lpips`` expects. Lower is better. ``net='alex'`` and ``net='vgg'``
give different numbers: always report which one was used (BasicSR's script uses ``'vgg'``,
the LPIPS authors recommend ``'alex'`` as a metric).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from torch import nn

from restorekit.registry import METRICS
from restorekit.utils.pretrained import PretrainedWeightsNotFoundError, torch_hub_checkpoint_dir

from .psnr import check_same_shape
from .sample_wise_metric import get_sample_image

# lpips net name -> (torchvision model, file name of torchvision's IMAGENET1K_V1 weights)
LPIPS_BACKBONE_FILES: dict[str, tuple[str, str]] = {
    "alex": ("alexnet", "alexnet-owt-7be5be79.pth"),
    "vgg": ("vgg16", "vgg16-397923af.pth"),
    "squeeze": ("squeezenet1_1", "squeezenet1_1-b8a52dc0.pth"),
}


def _check_net(net: str) -> None:
    if net not in LPIPS_BACKBONE_FILES:
        raise ValueError(
            f"Unknown LPIPS net {net!r}; choose one of {sorted(LPIPS_BACKBONE_FILES)}."
        )


def lpips_backbone_file(net: str = "alex") -> Path:
    """Weight file lpips needs for ``net``: ``$TORCH_HOME/hub/checkpoints/<file>``."""
    _check_net(net)
    return torch_hub_checkpoint_dir() / LPIPS_BACKBONE_FILES[net][1]


def _missing_weights_message(net: str) -> str:
    path = lpips_backbone_file(net)
    arch = LPIPS_BACKBONE_FILES[net][0]
    return (
        f"LPIPS(net={net!r}) needs torchvision's ImageNet weights for {arch} "
        f"(torchvision://{arch}), expected at {path} "
        f"(TORCH_HOME={os.environ.get('TORCH_HOME', '<unset>')}), and that file is missing. "
        f"Copy the file there (e.g. from a machine where torchvision downloaded it), or drop "
        f"LPIPS from the evaluator."
    )


def _import_lpips() -> Any:
    try:
        import lpips  # the PyPI package, not this module
    except Exception as err:  # torchvision import failures are RuntimeErrors, not ImportErrors
        raise ImportError(
            f"The 'lpips' package could not be imported ({type(err).__name__}: {err}). "
            f"Install it with `pip install lpips` and a torchvision that matches torch."
        ) from err
    return lpips


def lpips_unavailable_reason(net: str = "alex") -> str | None:
    """Why LPIPS(net) cannot run here, or ``None`` when it can.

    Checks, without network access and without raising: the backbone weight file exists
    (:func:`lpips_backbone_file`) and the ``lpips`` package (with torchvision) imports.
    """
    _check_net(net)
    if not lpips_backbone_file(net).is_file():
        return _missing_weights_message(net)
    try:
        _import_lpips()
    except ImportError as err:
        return str(err)
    return None


def build_lpips_model(net: str = "alex", version: str = "0.1") -> nn.Module:
    """Build a frozen ``lpips.LPIPS(net=net, version=version)`` in eval mode, offline-safe.

    Raises:
        PretrainedWeightsNotFoundError: the backbone file is missing (checked before ``lpips``
            is called, so no download is attempted).
        ImportError: ``lpips`` / torchvision cannot be imported.
    """
    _check_net(net)
    if not lpips_backbone_file(net).is_file():
        raise PretrainedWeightsNotFoundError(_missing_weights_message(net))
    lpips = _import_lpips()
    with warnings.catch_warnings():  # torchvision's "pretrained is deprecated" warnings
        warnings.simplefilter("ignore")
        model = lpips.LPIPS(net=net, version=version, verbose=False)
    model.eval()
    for param in model.parameters():
        param.requires_grad_(False)
    return model


@METRICS.register_module()
class LPIPS(BaseMetric):
    """Mean over images of the per-image LPIPS distance (lower is better). Output: ``'LPIPS'``.

    The weight file is checked when the metric is constructed (so a missing backbone fails
    when the evaluator is built, not after training); the network itself is built lazily on
    the first :meth:`process` call and reused.

    Args:
        net: ``'alex'`` (default), ``'vgg'`` or ``'squeeze'``: the lpips backbone.
        version: lpips linear-head version, ``'0.1'`` (default) or ``'0.0'``.
        pred_key / gt_key: fields of the data sample holding float32 (3, H, W) RGB [0, 1]
            tensors.
        device: where the network runs (``'cpu'`` default, e.g. ``'cuda'``).
        collect_device / prefix: as in :class:`mmengine.evaluator.BaseMetric`.
    """

    default_prefix: str | None = ""  # no prefix unless configured (silences mmengine)
    metric_name = "LPIPS"

    def __init__(
        self,
        net: str = "alex",
        version: str = "0.1",
        pred_key: str = "pred_img",
        gt_key: str = "gt_img",
        device: str = "cpu",
        collect_device: str = "cpu",
        prefix: str | None = None,
    ) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        _check_net(net)
        if not lpips_backbone_file(net).is_file():
            raise PretrainedWeightsNotFoundError(_missing_weights_message(net))
        self.net = net
        self.version = version
        self.pred_key = pred_key
        self.gt_key = gt_key
        self.device = torch.device(device)
        self._model: nn.Module | None = None

    @property
    def model(self) -> nn.Module:
        """The lpips network, built on first use."""
        if self._model is None:
            self._model = build_lpips_model(self.net, self.version).to(self.device)
        return self._model

    @torch.no_grad()
    def compute_one(self, pred: torch.Tensor, gt: torch.Tensor) -> float:
        """LPIPS of one (3, H, W) RGB [0, 1] pair (mapped to [-1, 1] for lpips)."""
        check_same_shape(pred, gt)
        if pred.ndim != 3 or pred.shape[0] != 3:
            raise ValueError(f"LPIPS expects (3, H, W) RGB tensors, got {tuple(pred.shape)}.")
        a = pred.detach().to(self.device, torch.float32)[None] * 2 - 1
        b = gt.detach().to(self.device, torch.float32)[None] * 2 - 1
        return float(self.model(a, b).reshape(-1)[0].item())

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        """Store one value per data sample (dicts from the Evaluator, or DataSample)."""
        for sample in data_samples:
            pred = get_sample_image(sample, self.pred_key)
            gt = get_sample_image(sample, self.gt_key)
            self.results.append(self.compute_one(pred, gt))

    def compute_metrics(self, results: list) -> dict[str, float]:
        """Mean of the per-image values."""
        return {self.metric_name: float(np.mean(np.asarray(results, dtype=np.float64)))}
