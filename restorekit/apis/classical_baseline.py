"""A fitted classical baseline (Wiener deconvolution) for comparison tables.

``tools/benchmark.py`` and ``make demo`` show it next to the blurry input, so every learned
row can be read against what a training-free filter achieves on the same images.

How the row stays honest:

* the model is :class:`~restorekit.models.methods.classical.wiener.WienerDeconvolution`
  (Gaussian PSF, Laplacian-prior noise term); its two parameters ``(sigma, nsr)`` are chosen
  by :func:`~restorekit.models.methods.classical.fit.grid_search` (mean PSNR over the class's
  8 x 8 ``default_grid``) on **training** pairs only: the first ``num_images`` images of a
  config's training set (``fit_cfg.dataset`` if the config has one, else
  ``train_dataloader.dataset`` with a full-image pipeline), centre-cropped to ``crop`` pixels
  to keep the fit fast; the test images are never seen;
* or it is loaded from a checkpoint written by ``tools/fit_classical.py`` (its ``meta``
  records the config and the fit).

Either way the returned ``description`` says which, and with what parameters.
"""

from __future__ import annotations

import copy
import time

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from torch import nn

from restorekit.registry import DATASETS, SCOPE

FULL_IMAGE_PIPELINE = [
    dict(type="LoadImageFromFile", key="img"),
    dict(type="LoadImageFromFile", key="gt"),
    dict(type="PackInputs", input_key="img", image_keys=("gt",)),
]


def training_dataset_cfg(cfg: Config) -> dict | None:
    """The config's training pairs as a dataset config with a full-image pipeline (no random
    crops or flips), or ``None`` when the config names no training data."""
    fit_cfg = cfg.get("fit_cfg") or {}
    if fit_cfg.get("dataset") is not None:
        return copy.deepcopy(dict(fit_cfg["dataset"]))
    loader = cfg.get("train_dataloader") or {}
    if not loader.get("dataset"):
        return None
    return dict(copy.deepcopy(dict(loader["dataset"])), pipeline=FULL_IMAGE_PIPELINE)


def _centre_crop(img: torch.Tensor, size: int | None) -> torch.Tensor:
    if not size:
        return img
    h, w = img.shape[-2:]
    top, left = max(0, (h - size) // 2), max(0, (w - size) // 2)
    return img[..., top:top + size, left:left + size]


def training_pairs(dataset_cfg: dict, num_images: int = 8, crop: int | None = 256,
                   default_scope: str = SCOPE) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """``(blurry, sharp)`` float32 (3, h, w) tensors in [0, 1]: the first ``num_images``
    pairs of ``dataset_cfg`` (dataset order), centre-cropped to ``crop`` (``None``: whole)."""
    init_default_scope(default_scope)
    dataset = DATASETS.build(copy.deepcopy(dataset_cfg))
    pairs = []
    for i in range(min(num_images, len(dataset))):
        item = dataset[i]
        if item.get("gt") is None:
            raise KeyError("the training dataset's pipeline does not pack 'gt'")
        pairs.append((_centre_crop(item["inputs"].float() / 255.0, crop),
                      _centre_crop(item["gt"].float() / 255.0, crop)))
    if not pairs:
        raise ValueError(f"no training pairs in {dataset_cfg.get('type')}")
    return pairs


def fit_wiener(pairs: list[tuple[torch.Tensor, torch.Tensor]], device: str = "cpu",
               grid: dict | None = None) -> tuple[nn.Module, dict]:
    """A :func:`restorekit.apis.init_model`-style Wiener model fitted on ``pairs``.

    Returns ``(model in eval mode, fit)`` with ``fit`` as :func:`grid_search` returns it plus
    ``seconds`` (wall time of the search).
    """
    from restorekit.models.methods.classical.fit import grid_search

    from .model_loading import init_model

    model = init_model(Config(dict(default_scope=SCOPE, model=dict(
        type="WienerDeconvolution",
        data_preprocessor=dict(type="DeblurDataPreprocessor", pad_size_divisor=1)))),
        None, "cpu")
    start = time.perf_counter()
    fit = grid_search(model, pairs, grid)
    fit["seconds"] = time.perf_counter() - start
    return model.to(device).eval(), fit


def classical_baseline(spec: str, config: Config | None, device: str = "cpu",
                       num_images: int = 8, crop: int | None = 256
                       ) -> tuple[nn.Module | None, str]:
    """The baseline a table shows, from a ``--classical`` value.

    Args:
        spec: ``'fit'`` (fit Wiener on ``config``'s training pairs), ``'none'``, or the path
            of a ``tools/fit_classical.py`` checkpoint.
        config: the config whose training data ``'fit'`` uses (the benchmark's first).
        device, num_images, crop: see :func:`training_pairs`.

    Returns:
        ``(model or None, description)``; with ``'fit'`` and a config without training data
        the model is ``None`` and the description says why.
    """
    if spec == "none":
        return None, "classical baseline: not requested (--classical none)"
    if spec != "fit":
        from .model_loading import init_model

        model = init_model(None, spec, device)
        if not hasattr(model, "get_params"):
            raise TypeError(f"--classical {spec}: {type(model).__name__} is not a classical "
                            "baseline; pass a checkpoint of tools/fit_classical.py")
        meta = torch.load(spec, map_location="cpu", weights_only=True).get("meta", {})
        fit = meta.get("fit", {})
        return model, (f"{type(model).__name__} {model.get_params()} loaded from {spec} "
                       f"(fitted by tools/fit_classical.py on {fit.get('num_images', '?')} "
                       f"training pair(s) of {meta.get('config', '?')})")
    dataset_cfg = training_dataset_cfg(config) if config is not None else None
    if dataset_cfg is None:
        return None, ("classical baseline: skipped, the first config names no training data "
                      "to fit on (pass --classical wiener.pth from tools/fit_classical.py)")
    pairs = training_pairs(dataset_cfg, num_images, crop, config.get("default_scope", SCOPE))
    model, fit = fit_wiener(pairs, device)
    crop_note = f", centre {crop}x{crop} crops" if crop else ""
    return model, (f"WienerDeconvolution {fit['best']} chosen by mean PSNR over its 8x8 grid on "
                   f"the first {len(pairs)} training pair(s){crop_note} of the first config "
                   f"(never the test images); fit {fit['psnr']:.2f} dB vs input "
                   f"{fit['input_psnr']:.2f} dB on those pairs, {fit['seconds']:.1f} s")
