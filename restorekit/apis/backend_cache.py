"""Where the automatic inference backend keeps its decisions: keys, fingerprints, JSON file.

A decision of :mod:`restorekit.apis.auto_backend` is valid for one **model** (architecture and
weights: :func:`model_fingerprint` hashes the class names, every parameter / buffer and the
train/eval flags, which decide per-image norms), one **input size class** (:func:`size_class`:
padded ``H × W`` rounded to a half-octave bucket of the pixel count, plus the aspect), one
**machine** (:func:`machine_fingerprint`: CPU model and ISA flags, thread count, torch /
onnxruntime / OpenVINO versions) and one device / precision. Decisions are stored in
``<cache dir>/auto_backend.json`` (one object, key -> record) and exported ONNX files in
``<cache dir>/onnx/``. The cache dir is ``$RESTOREKIT_CACHE_DIR`` or ``~/.cache/restorekit``.

Writes are atomic (temporary file + rename) and a damaged or unreadable file is treated as an
empty cache (the decision is then measured again), never as an error.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import math
import os
import platform
import tempfile
from pathlib import Path

import torch
from torch import nn

DECISIONS_FILE = "auto_backend.json"
#: version of the decision record layout; records of another version are ignored
SCHEMA = 1


def cache_dir() -> Path:
    """``$RESTOREKIT_CACHE_DIR`` if set, else ``~/.cache/restorekit`` (not created here)."""
    env = os.environ.get("RESTOREKIT_CACHE_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "restorekit"


def _cpu_name_and_flags() -> tuple[str, list[str]]:
    name, flags = platform.processor() or "?", []
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and name in ("?", "", "x86_64"):
                    name = line.split(":", 1)[1].strip()
                elif line.startswith("flags") and not flags:
                    flags = line.split(":", 1)[1].split()
    except OSError:
        pass
    keep = sorted(f for f in flags if f.startswith(("amx", "avx512f", "avx512_bf16",
                                                      "avx512_fp16", "avx2")))
    return name, keep


def machine_fingerprint() -> dict[str, object]:
    """What makes a speed decision machine-specific: CPU, threads and library versions."""
    name, flags = _cpu_name_and_flags()
    return {"cpu": name, "flags": flags, "cpu_count": os.cpu_count(),
            "threads": torch.get_num_threads(), "torch": torch.__version__,
            "onnxruntime": _version("onnxruntime"), "openvino": _version("openvino")}


def _version(distribution: str) -> str | None:
    """Installed version of a package (``None``: not installed; its candidate is skipped)."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def model_fingerprint(model: nn.Module) -> str:
    """SHA-1 over module class names, train flags, parameter / buffer names, shapes and bytes.

    Two models with the same architecture and weights (and the same norm modes) share it.
    Costs one pass over the weights (~0.3 s per 100 M float32 parameters).
    """
    h = hashlib.sha1()
    for name, module in model.named_modules():
        h.update(f"{name}:{type(module).__qualname__}:{int(module.training)};".encode())
    for name, tensor in list(model.state_dict().items()):
        t = tensor.detach()
        h.update(f"{name}:{tuple(t.shape)}:{t.dtype};".encode())
        if t.numel():
            t = t.to("cpu").contiguous()
            if t.dtype == torch.bfloat16:
                t = t.float()
            h.update(t.numpy().tobytes())
    policy = getattr(model, "padding", None) or getattr(getattr(model, "generator", None),
                                                        "padding", None)
    h.update(repr(policy).encode())
    return h.hexdigest()


def size_class(height: int, width: int) -> str:
    """Bucket of a padded input: half-octaves of the pixel count and the orientation.

    256×256 -> ``'px2^16.0-square'``, 736×1312 -> ``'px2^19.5-wide'``.
    """
    bucket = round(2 * math.log2(max(height * width, 1))) / 2
    ratio = width / max(height, 1)
    shape = "square" if 0.8 <= ratio <= 1.25 else ("wide" if ratio > 1 else "tall")
    return f"px2^{bucket:.1f}-{shape}"


def decision_key(model_fp: str, machine: dict[str, object], size: str, device: str,
                 precision: str, candidates: tuple[str, ...]) -> str:
    """One string identifying a decision (model, machine, size class, device, options)."""
    text = json.dumps([model_fp, machine, size, device, precision, list(candidates)],
                      sort_keys=True)
    return hashlib.sha1(text.encode()).hexdigest()


def load_decisions(directory: Path | None = None) -> dict[str, dict]:
    """All stored decisions (``{}`` when the file is missing or unreadable)."""
    path = (directory or cache_dir()) / DECISIONS_FILE
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, dict) and v.get("schema") == SCHEMA}


def store_decision(key: str, record: dict, directory: Path | None = None) -> bool:
    """Add ``record`` under ``key`` (read-modify-write, atomic rename). Returns False when the
    cache dir is not writable (the decision then lives only in this process)."""
    directory = directory or cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        data = load_decisions(directory)
        data[key] = dict(record, schema=SCHEMA)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".auto_backend.", suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=1, sort_keys=True)
        os.replace(tmp, directory / DECISIONS_FILE)
        return True
    except OSError:
        return False


def onnx_path(model_fp: str, height: int, width: int, directory: Path | None = None) -> Path:
    """Cache path of the static ONNX export of a model for one padded input size."""
    return (directory or cache_dir()) / "onnx" / f"{model_fp[:20]}_{height}x{width}.onnx"
