"""The test kit: helpers shared by test modules, imported as ``kit``.

pyproject's ``[tool.pytest.ini_options] pythonpath = ["tests"]`` puts this folder on
``sys.path`` (the tests run with ``--import-mode=importlib``, so there is no package to import
from). Fixtures built on these helpers live in ``tests/conftest.py``.

* :func:`load_tool`: a command-line tool (``tools/<name>.py``, not a package) as a module;
* tiny networks and methods (:data:`TINY_RRDBNET`, :func:`tiny_generator`,
  :func:`tiny_blur_generator`, :func:`tiny_discriminator`, :func:`tiny_dbgan`): config dicts
  that build in milliseconds;
* image folders on disk (:func:`write_images`, :func:`write_pairs`);
* batches and optimizer wrappers for calling ``train_step`` by hand (:func:`batch`,
  :func:`adam_wrappers`, :func:`recording_wrappers`, :func:`has_grad`, :func:`snapshot`).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

import cv2
import numpy as np
import torch
from mmengine.optim import OptimWrapper, OptimWrapperDict

REPO = Path(__file__).resolve().parents[1]


def load_tool(name: str, folder: str = "tools") -> ModuleType:
    """``<folder>/<name>.py`` (e.g. ``'train'``, ``'converters/deblurganv2'``; ``folder=
    'benchmarks'`` for the benchmark scripts), freshly imported."""
    path = REPO / folder / f"{name}.py"
    spec = importlib.util.spec_from_file_location(
        f"rk_{folder}_{name.replace('/', '_')}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- tiny networks and methods (config dicts) ---------------------------------------------
TINY_RRDBNET = dict(type="RRDBNet", mid_channels=8, num_blocks=1, growth_channels=4)


def tiny_generator() -> dict:
    """A one-block RRDBNet of width 8."""
    return dict(TINY_RRDBNET)


def tiny_blur_generator(**kw) -> dict:
    """A BGAN ``BlurGenerator`` with the tiny RRDB trunk; ``kw`` adds or replaces arguments."""
    return dict(type="BlurGenerator", mid_channels=8, num_blocks=1, growth_channels=4, **kw)


def tiny_discriminator(in_channels: int = 3, num_stages: int = 2) -> dict:
    """A size-agnostic ``GlobalPoolDiscriminator`` of width 4, without normalisation."""
    return dict(type="GlobalPoolDiscriminator", in_channels=in_channels, base_channels=4,
                num_stages=num_stages, norm="none")


def tiny_dbgan(**overrides) -> dict:
    """A DBGAN config with the tiny networks, MSE and relativistic losses; ``overrides``
    replaces top-level keys (e.g. ``gan_loss=...``)."""
    cfg = dict(
        type="DBGAN",
        generator=tiny_generator(),
        discriminator=tiny_discriminator(),
        pixel_loss=dict(type="MSELoss", loss_weight=1.0),
        gan_loss=dict(type="RelativisticAverageLoss", loss_weight=0.01),
    )
    cfg.update(overrides)
    return cfg


def realistic_blur_preprocessor() -> dict:
    """The data preprocessor of the BGAN / realistic-blur methods (sharp gt + real blur)."""
    return dict(type="DeblurDataPreprocessor", image_keys=("gt", "real_blur"))


# --- images on disk ----------------------------------------------------------------------
def write_images(folder: Path, names: Iterable[str], size: int = 136, seed: int = 0) -> None:
    """Random uint8 ``size`` x ``size`` RGB images ``folder/<name>``."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for name in names:
        cv2.imwrite(str(folder / name), rng.integers(0, 256, (size, size, 3), dtype=np.uint8))


def write_pairs(root: Path, count: int = 4, size: int = 48, seed: int = 0) -> Path:
    """``root/{blur,sharp}/img_<i>.png``: smooth random sharp images and a box-blurred copy."""
    rng = np.random.default_rng(seed)
    (root / "blur").mkdir(parents=True, exist_ok=True)
    (root / "sharp").mkdir(parents=True, exist_ok=True)
    for i in range(count):
        small = rng.integers(0, 256, (size // 4, size // 4, 3), dtype=np.uint8)
        sharp = cv2.resize(small, (size, size), interpolation=cv2.INTER_NEAREST)
        blur = cv2.blur(sharp, (5, 5))
        cv2.imwrite(str(root / "sharp" / f"img_{i}.png"), sharp)
        cv2.imwrite(str(root / "blur" / f"img_{i}.png"), blur)
    return root


# --- batches and optimizer wrappers -------------------------------------------------------
SUBS = ("generator", "discriminator", "blur_generator", "blur_discriminator")


def batch(n=2, size=16, keys=("inputs", "gt", "real_blur"), seed=0):
    """A collated batch of uint8 (3, size, size) images (lists, as pseudo_collate gives)."""
    g = torch.Generator().manual_seed(seed)
    return {k: [torch.randint(0, 256, (3, size, size), generator=g, dtype=torch.uint8)
                for _ in range(n)] for k in keys}


def has_grad(module) -> bool:
    return any(p.grad is not None and bool(p.grad.abs().sum() > 0) for p in module.parameters())


class RecordingWrapper(OptimWrapper):
    """SGD wrapper that records, at every ``step``, which sub-modules hold gradients."""

    def __init__(self, name, model, log, lr=0.01):
        super().__init__(torch.optim.SGD(getattr(model, name).parameters(), lr=lr))
        self.name, self.model, self.log = name, model, log

    def step(self, **kwargs):
        self.log.append((self.name, {s for s in SUBS if getattr(self.model, s, None) is not None
                                     and has_grad(getattr(self.model, s))}))
        super().step(**kwargs)


def recording_wrappers(model, names):
    """``(OptimWrapperDict of RecordingWrapper, shared log)``."""
    log = []
    return OptimWrapperDict(**{n: RecordingWrapper(n, model, log) for n in names}), log


def adam_wrappers(model, names, lr=1e-2):
    return OptimWrapperDict(**{
        n: OptimWrapper(torch.optim.Adam(getattr(model, n).parameters(), lr=lr)) for n in names})


def snapshot(module):
    """A detached copy of ``module``'s state dict (parameters and buffers)."""
    return {k: v.detach().clone() for k, v in module.state_dict().items()}
