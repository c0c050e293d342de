"""Measurement helpers for ``tools/benchmark.py`` and ``benchmarks/``: complexity, latency,
peak memory and the paired test images.

* Complexity: :func:`complexity` counts a generator at an input size padded to its stride
  with mmengine's ``get_model_complexity_info`` (mmengine calls multiply-adds "flops") on a
  small input of the same stride alignment, scaled by the pixel ratio (exact for fully
  convolutional generators when both sizes are stride multiples), and cross-checks it with
  ``torch.utils.flop_counter`` run on a meta-device copy at the full size (no arithmetic).
* Peak memory: :class:`PeakRSS` resets the kernel's high-water mark (``VmHWM``) through
  ``/proc/self/clear_refs`` and reads it afterwards, so one process can measure several
  phases (after ``malloc_trim`` has returned freed heap pages); elsewhere it falls back to
  ``ru_maxrss`` (monotonic). Peaks include the process baseline (``import torch``, models).
"""

from __future__ import annotations

import copy
import logging
import math
import resource
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch import nn


def padded_size(size: tuple[int, int], divisor: int, min_size: int = 1) -> tuple[int, int]:
    """(H, W) rounded up to multiples of ``divisor`` and to at least ``min_size``."""
    return tuple(max(-(-s // divisor) * divisor, min_size) for s in size)  # type: ignore


def _min_size(generator: nn.Module) -> int:
    return int(getattr(getattr(generator, "backbone", None), "min_size", 1) or 1)


def flop_counter_macs(generator: nn.Module, size: tuple[int, int]) -> float:
    """Multiply-adds of one forward pass at (1, 3, *size), counted on a meta-device copy."""
    from torch.utils.flop_counter import FlopCounterMode

    meta = copy.deepcopy(generator).to("meta").eval()
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        meta(torch.empty(1, 3, *size, device="meta"))
    return counter.get_total_flops() / 2.0


def mmengine_macs(generator: nn.Module, size: tuple[int, int]) -> float:
    """mmengine's count ("flops" = multiply-adds) of one real forward pass at (1, 3, *size)."""
    from mmengine.analysis import get_model_complexity_info
    from mmengine.logging import MMLogger

    gen = copy.deepcopy(generator).cpu().float().eval()
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.ERROR)  # "Unsupported operator aten::add ..." for every op kind
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            info = get_model_complexity_info(gen, inputs=(torch.rand(1, 3, *size),),
                                             show_table=False, show_arch=False)
    finally:
        logger.setLevel(level)
    return float(info["flops"])


def complexity(generator: nn.Module, size: tuple[int, int] = (720, 1280), divisor: int = 1,
               probe: int = 32) -> dict[str, object]:
    """Parameters and GMACs of ``generator`` at ``size`` (padded to ``divisor``).

    Returns ``{'params', 'input', 'gflops_mmengine', 'gmacs_flop_counter', 'probe'}`` where
    ``gflops_mmengine`` follows mmengine's convention (1 multiply-add = 1 "FLOP").
    """
    generator = getattr(generator, "generator", generator)
    divisor = max(divisor, int(getattr(generator, "size_divisor", 1) or 1))
    full = padded_size(size, divisor, _min_size(generator))
    small = padded_size((probe, probe), divisor, _min_size(generator))
    small = (min(small[0], full[0]), min(small[1], full[1]))
    scale = full[0] * full[1] / (small[0] * small[1])
    result: dict[str, object] = {
        "params": sum(p.numel() for p in generator.parameters()),
        "input": f"{full[0]}x{full[1]}", "probe": f"{small[0]}x{small[1]}"}
    try:
        result["gflops_mmengine"] = mmengine_macs(generator, small) * scale / 1e9
    except Exception as err:  # report, don't abort a long benchmark
        result["gflops_mmengine"] = None
        result["mmengine_error"] = f"{type(err).__name__}: {err}"
    try:
        result["gmacs_flop_counter"] = flop_counter_macs(generator, full) / 1e9
    except Exception as err:
        result["gmacs_flop_counter"] = None
        result["flop_counter_error"] = f"{type(err).__name__}: {err}"
    return result


def time_calls(fn: Callable[[], object], repeats: int, warmup: int = 1) -> list[float]:
    """Wall-clock seconds of ``repeats`` calls of ``fn`` after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def median(values: list[float]) -> float:
    """Median, NaN for an empty list."""
    return statistics.median(values) if values else math.nan


def _vm_hwm_kib() -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def current_rss_mib() -> float:
    """Resident set size now (MiB); falls back to the peak where /proc is missing."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return PeakRSS.ru_maxrss_mib()


def release_free_memory() -> None:
    """Garbage-collect and ask glibc to return freed heap pages to the OS (``malloc_trim``),
    so memory kept from an earlier phase does not hide the next phase's increase."""
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


class PeakRSS:
    """Context manager measuring the process's peak RSS (MiB) within the block.

    ``reset_ok`` tells whether the high-water mark could be reset (Linux); otherwise
    ``peak_mib`` is the process-lifetime ``ru_maxrss`` and only an upper bound.
    Attributes after the block: ``start_mib`` (RSS at entry), ``peak_mib``, ``delta_mib``.
    """

    @staticmethod
    def ru_maxrss_mib() -> float:
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return rss / (1024.0 * 1024.0) if sys.platform == "darwin" else rss / 1024.0

    def __enter__(self) -> PeakRSS:
        release_free_memory()
        self.reset_ok = False
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            self.reset_ok = _vm_hwm_kib() is not None
        except OSError:
            pass
        self.start_mib = current_rss_mib()
        return self

    def __exit__(self, *exc) -> None:
        hwm = _vm_hwm_kib() if self.reset_ok else None
        self.peak_mib = hwm / 1024.0 if hwm is not None else self.ru_maxrss_mib()
        self.delta_mib = self.peak_mib - self.start_mib


def load_folder_pairs(root: str, max_images: int | None = None
                      ) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """``(name, blur, sharp)`` uint8 (H, W, 3) RGB pairs from ``root/blur`` and ``root/sharp``
    (matched by file name without extension)."""
    from restorekit.datasets.errors import DatasetLayoutError
    from restorekit.datasets.file_utils import require_dir, scan_images
    from restorekit.datasets.transforms.loading import read_image

    blur = scan_images(require_dir(Path(root) / "blur", "blurred-image",
                                   "Expected <data-root>/blur and <data-root>/sharp."))
    sharp = scan_images(require_dir(Path(root) / "sharp", "sharp-image"))
    missing = sorted(set(blur) ^ set(sharp))
    if missing or not blur:
        raise DatasetLayoutError(f"'{root}': blur/ and sharp/ must hold the same non-empty set "
                                 f"of names; unmatched: {missing[:5]}")
    names = list(blur)[:max_images] if max_images else list(blur)
    return [(n, read_image(blur[n]), read_image(sharp[n])) for n in names]


def load_config_pairs(cfg, max_images: int | None = None
                      ) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """``(name, blur, sharp)`` pairs from ``cfg.test_dataloader.dataset`` (its pipeline must
    pack ``inputs`` and ``gt`` uint8 tensors)."""
    from mmengine.registry import init_default_scope

    from restorekit.registry import DATASETS, SCOPE

    init_default_scope(cfg.get("default_scope", SCOPE))
    dataset = DATASETS.build(copy.deepcopy(cfg.test_dataloader.dataset))
    count = len(dataset) if not max_images else min(max_images, len(dataset))
    pairs = []
    for i in range(count):
        item = dataset[i]
        if item.get("gt") is None:
            raise KeyError("The config's test pipeline does not pack 'gt'; pass --data-root.")
        meta = item["data_samples"].metainfo
        name = Path(meta.get("img_path", f"{i:04d}")).stem
        pairs.append((name, item["inputs"].permute(1, 2, 0).numpy(),
                      item["gt"].permute(1, 2, 0).numpy()))
    return pairs
