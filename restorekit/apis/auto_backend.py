"""The default inference backend: measure the candidate paths once, keep the fastest exact one.

:class:`AutoNetwork` is the network :func:`restorekit.apis.deblur` uses with
``backend='auto'`` (the default). Called with a padded float32 (1, 3, h, w) [0, 1] input it
returns the generator's (1, 3, h, w) output, computed by the path chosen for this model, input
size class, machine, device and precision:

* **CUDA** (or any non-CPU device): torch, channels-last, optional autocast
  (``precision='fp16' | 'bf16'``); never onnxruntime / OpenVINO, nothing measured.
* **CPU, precision 'bf16' / 'fp16'**: the fast path under autocast, as asked (no measurement;
  without AMX bf16 is slower than fp32, see ``docs/benchmark.md``).
* **CPU, padded input below** :data:`AUTO_MIN_PIXELS`: eager (not worth measuring).
* **CPU, fp32**: the candidates (:data:`.auto_candidates.DEFAULT_CANDIDATES`, or
  ``$RESTOREKIT_AUTO_CANDIDATES`` as a comma list) are each built and run on the real input
  (the probe):

  - ``eager``: the model's own forward (the reference);
  - ``fast``: BN folding + channels-last (:func:`~restorekit.apis.prepare_fast_generator`);
  - ``compile``: the same under ``torch.compile`` with Inductor freezing (first call per shape
    compiles, tens of seconds);
  - ``onnxruntime``: a static ONNX export for the padded shape, cached in the cache dir;
  - ``openvino``: the same ONNX file compiled by OpenVINO for the CPU, fp32;

  A candidate that fails to build or run is skipped; one whose output differs from eager by
  more than the point-1 tolerance (``max(1e-5, 2 × eager's own max distance from a float64
  run)``, the float64 run done only when needed, on a centre crop when eager takes more than
  :data:`F64_FULL_MAX_SECONDS`) is rejected. The others are timed (interleaved, 2 rounds; for slow
  networks the first call is the timing) and the fastest wins; a candidate with more set-up
  (order above) must be at least :data:`MARGIN` faster than a simpler one, and ``compile``
  (which compiles again in every process) must repay its set-up time within
  :data:`AMORTIZE_CALLS` calls (it is not even tried when no saving could repay
  :data:`COMPILE_MIN_SETUP_S`). The decision is
  written to ``<cache dir>/auto_backend.json`` (:mod:`restorekit.apis.backend_cache`), so later
  calls and processes only build the winner. The probe's output is returned for the probe
  itself, so measuring costs about one forward per extra candidate.

If the chosen path raises later (e.g. an ONNX export failing for a new shape), that call falls
back to eager with a warning. ``AutoNetwork.decisions`` lists what was decided, and how
(``'measured'``, ``'cache'``, ``'rule'``).
"""

from __future__ import annotations

import datetime
import os
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn

from restorekit.models.outputs import final_output
from restorekit.models.padding import get_pad_policy

from . import backend_cache
from .auto_candidates import CANDIDATE_BUILDERS, SHAPE_BOUND, BuildContext, Network, candidate_names
from .fast_inference import copy_network, inference_network, prepare_fast_generator

__all__ = ["CANDIDATE_BUILDERS", "AutoNetwork", "measure_candidates", "plan"]
#: padded inputs with fewer pixels run eager without measurement
AUTO_MIN_PIXELS = 160 * 160
#: eager's own float64 distance is measured on the whole probe when eager's first call took
#: at most this long (s), else estimated on a centre crop of F64_CROP² (it grows with the
#: image size for networks with per-image norms, so the crop underestimates it)
F64_FULL_MAX_SECONDS = 10.0
F64_CROP = 256
#: absolute part of the point-1 tolerance
TOLERANCE_ABS = 1e-5
#: a later (more set-up) candidate must be this much faster than an earlier one to win
MARGIN = 0.03
#: an eager first call slower than this (s): the first calls are the timings (no extra rounds)
SLOW_SECONDS = 5.0
#: ``compile`` re-compiles in every new process: it is chosen only if its per-call saving
#: pays for its measured set-up time within this many calls
AMORTIZE_CALLS = 50
#: least set-up time of ``compile`` (s): not even tried when the fastest candidate so far
#: cannot save that much within :data:`AMORTIZE_CALLS` calls
COMPILE_MIN_SETUP_S = 10.0
PRECISIONS = ("fp32", "bf16", "fp16")


def plan(device_type: str, pixels: int, precision: str, candidates: tuple[str, ...]
         ) -> tuple[str, str] | None:
    """The decision that needs no measurement, as ``(candidate, precision)``, or ``None``
    when the candidates must be measured (CPU, fp32, large enough, more than one candidate)."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    if device_type != "cpu":
        return ("fast", precision)  # channels-last (+ autocast); never onnxruntime on a GPU
    if precision != "fp32":
        return ("fast", precision)
    if pixels < AUTO_MIN_PIXELS or candidates == ("eager",):
        return ("eager", "fp32")
    return None


def _run(net: Network, x: torch.Tensor) -> torch.Tensor:
    with torch.inference_mode():
        return final_output(net(x)).float()


def eager_own_error(model: nn.Module, eager: Network, x: torch.Tensor,
                    eager_out: torch.Tensor, crop: bool = False) -> float:
    """Max abs distance of eager fp32 from a float64 run of the same network on ``x`` (with
    ``crop``: on a centre crop of ``x`` of about :data:`F64_CROP`², aligned to the padding
    divisor)."""
    net64 = copy_network(inference_network(model)).double()
    h, w = x.shape[-2:]
    if crop and h * w > F64_CROP * F64_CROP:
        policy = get_pad_policy(model)
        side = max(-(-max(F64_CROP, policy.min_size) // policy.divisor) * policy.divisor, 1)
        ch, cw = min(side, h), min(side, w)
        top = (h - ch) // 2 // policy.divisor * policy.divisor
        left = (w - cw) // 2 // policy.divisor * policy.divisor
        x = x[..., top:top + ch, left:left + cw].contiguous()
        eager_out = _run(eager, x)
    with torch.inference_mode():
        ref = final_output(net64(x.double()))
    return float((eager_out.double() - ref).abs().max())


@dataclass
class Measurement:
    """Result of :func:`measure_candidates` (times in seconds, diffs vs eager)."""

    chosen: str
    output: torch.Tensor
    times: dict[str, float]
    diffs: dict[str, float]
    rejected: dict[str, str]
    tolerance: float
    own_error: float | None
    setup: dict[str, float] = field(default_factory=dict)


def measure_candidates(model: nn.Module, builders: dict[str, Callable[[], Network]],
                       x: torch.Tensor) -> tuple[Measurement, dict[str, Network]]:
    """Build, check and time each candidate on the probe ``x``; see the module docstring.

    ``builders`` maps name -> zero-argument builder, ``'eager'`` first. Returns the
    measurement and the built networks (to reuse the winner).
    """
    nets: dict[str, Network] = {}
    outputs: dict[str, torch.Tensor] = {}
    first: dict[str, float] = {}
    setup: dict[str, float] = {}
    rejected: dict[str, str] = {}
    for name, build in builders.items():
        if name == "compile" and first and min(first.values()) * AMORTIZE_CALLS < (
                COMPILE_MIN_SETUP_S):
            rejected[name] = (f"not tried: cannot repay >= {COMPILE_MIN_SETUP_S:.0f} s of "
                              f"compiling within {AMORTIZE_CALLS} calls")
            continue
        try:
            t0 = time.perf_counter()
            net = build()
            t1 = time.perf_counter()
            out = _run(net, x)
            first[name] = time.perf_counter() - t1
            setup[name] = time.perf_counter() - t0
            if out.shape != x.shape[:1] + out.shape[1:2] + x.shape[2:]:
                raise ValueError(f"output shape {tuple(out.shape)} for input {tuple(x.shape)}")
            nets[name], outputs[name] = net, out
        except Exception as err:  # any failure of a candidate only removes it
            if name == "eager":
                raise
            rejected[name] = f"failed: {type(err).__name__}: {str(err).splitlines()[0][:200]}"
    eager_out = outputs["eager"]
    diffs = {n: float((o - eager_out).abs().max()) for n, o in outputs.items()}
    tolerance, own = TOLERANCE_ABS, None
    if any(d > TOLERANCE_ABS for d in diffs.values()) or any(
            not bool(torch.isfinite(o).all()) for o in outputs.values()):
        own = eager_own_error(model, nets["eager"], x, eager_out,
                              crop=first["eager"] > F64_FULL_MAX_SECONDS)
        tolerance = max(TOLERANCE_ABS, 2 * own)
    for name, d in diffs.items():
        if name != "eager" and not d <= tolerance:  # NaN is rejected too
            rejected[name] = f"inexact: max abs diff {d:.3g} > tolerance {tolerance:.3g}"
            nets.pop(name)
    times = {n: [first[n]] for n in nets}
    if first["eager"] < SLOW_SECONDS:
        times = {n: [] for n in nets}
        for _ in range(2):
            for name in list(nets):
                try:
                    t0 = time.perf_counter()
                    _run(nets[name], x)
                    times[name].append(time.perf_counter() - t0)
                except Exception as err:
                    rejected[name] = f"failed: {type(err).__name__}: {str(err)[:200]}"
                    nets.pop(name)
                    times.pop(name)
    elif "compile" in nets:  # its first call included compiling
        t0 = time.perf_counter()
        _run(nets["compile"], x)
        times["compile"] = [time.perf_counter() - t0]
    best = {n: min(ts) for n, ts in times.items()}
    setup = {n: max(setup[n] - best[n], 0.0) for n in best}
    chosen = "eager"
    for name in best:  # insertion order = set-up order
        if best[name] < best[chosen] * (1 - MARGIN):
            if name == "compile" and (best[chosen] - best[name]) * AMORTIZE_CALLS < setup[name]:
                rejected[name] = (f"set-up {setup[name]:.1f} s not repaid within "
                                  f"{AMORTIZE_CALLS} calls")
                continue
            chosen = name
    return Measurement(chosen, outputs[chosen], best, diffs, rejected, tolerance, own,
                       setup), nets


class AutoNetwork:
    """Callable network that picks its backend per input size class (see module docstring).

    Args:
        model: method (uses its inference generator) or bare generator, on its device.
        eager: the model's eager network (padded (1, 3, h, w) -> same).
        num_threads: CPU threads (torch is set by the caller; onnxruntime / OpenVINO get it).
        precision: ``'fp32'`` (default, exact), ``'bf16'`` or ``'fp16'`` (autocast).
        candidates: candidate names (default :func:`candidate_names`).
        cache_dir: decision cache dir (default :func:`backend_cache.cache_dir`).
    """

    def __init__(self, model: nn.Module, eager: Network, num_threads: int | None = None,
                 precision: str = "fp32", candidates: tuple[str, ...] | None = None,
                 cache_dir: str | os.PathLike | None = None) -> None:
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
        self.model, self.eager = model, eager
        self.num_threads, self.precision = num_threads, precision
        self.candidates = candidate_names(candidates)
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.padding = get_pad_policy(model)
        self.decisions: list[dict] = []
        self._chosen: dict[tuple, str] = {}  # (size class, device) -> candidate
        self._nets: dict[tuple, Network] = {}  # (candidate, precision, h, w) -> network
        self._fp: str | None = None
        self._probe: tuple[torch.Tensor, torch.Tensor] | None = None

    def model_fp(self) -> str:
        """Fingerprint of the inference network (computed once)."""
        if self._fp is None:
            self._fp = backend_cache.model_fingerprint(inference_network(self.model))
        return self._fp

    def _dir(self) -> Path:
        return self.cache_dir or backend_cache.cache_dir()

    def _context(self, h: int, w: int) -> BuildContext:
        return BuildContext(self.model, self.eager, (h, w), self.num_threads, self.model_fp,
                            self._dir())

    def _network(self, name: str, precision: str, h: int, w: int) -> Network:
        shape_key = (h, w) if name in SHAPE_BOUND else ()
        key = (name, precision, *shape_key)
        if key not in self._nets:
            if precision != "fp32":
                self._nets[key] = prepare_fast_generator(self.model, precision)
            else:
                self._nets[key] = CANDIDATE_BUILDERS[name](self._context(h, w))
        return self._nets[key]

    def choose(self, x: torch.Tensor) -> str:
        """The candidate for ``x`` (decided by rule, taken from the cache, or measured on
        ``x``; a measured probe's output is kept for the next call with the same input)."""
        h, w = x.shape[-2:]
        size = backend_cache.size_class(h, w)
        mem_key = (size, x.device.type)
        if mem_key in self._chosen:
            return self._chosen[mem_key]
        ruled = plan(x.device.type, h * w, self.precision, self.candidates)
        if ruled is not None:
            self._chosen[mem_key] = ruled[0]
            self.decisions.append(dict(backend=ruled[0], precision=ruled[1], size_class=size,
                                       source="rule"))
            return ruled[0]
        key = backend_cache.decision_key(self.model_fp(), backend_cache.machine_fingerprint(),
                                         size, x.device.type, self.precision, self.candidates)
        record = backend_cache.load_decisions(self._dir()).get(key)
        if record is not None and record.get("backend") in self.candidates:
            self._chosen[mem_key] = record["backend"]
            self.decisions.append(dict(record, source="cache"))
            return record["backend"]
        builders = {n: (lambda n=n: CANDIDATE_BUILDERS[n](self._context(h, w)))
                    for n in self.candidates}
        result, nets = measure_candidates(self.model, builders, x)
        self._nets[self._net_key(result.chosen, h, w)] = nets[result.chosen]
        self._probe = (x, result.output)
        record = dict(backend=result.chosen, size_class=size, shape=[h, w],
                      times_s=result.times, setup_s=result.setup,
                      max_abs_diff=result.diffs,
                      rejected=result.rejected, tolerance=result.tolerance,
                      eager_vs_float64=result.own_error, candidates=list(self.candidates),
                      machine=backend_cache.machine_fingerprint(),
                      model=type(inference_network(self.model)).__name__,
                      date=datetime.datetime.now().isoformat(timespec="seconds"))
        backend_cache.store_decision(key, record, self._dir())
        self._chosen[mem_key] = result.chosen
        self.decisions.append(dict(record, source="measured"))
        return result.chosen

    def _net_key(self, name: str, h: int, w: int) -> tuple:
        return (name, "fp32", h, w) if name in SHAPE_BOUND else (name, "fp32")

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """Padded float (1, 3, h, w) in [0, 1] -> float32 (1, 3, h, w) output."""
        name = self.choose(x)
        probe, self._probe = self._probe, None
        if probe is not None and probe[0].shape == x.shape and torch.equal(probe[0], x):
            return probe[1]
        precision = self.precision if name == "fast" else "fp32"
        try:
            net = self._network(name, precision, *x.shape[-2:])
            return _run(net, x)
        except Exception as err:
            if name == "eager":
                raise
            warnings.warn(f"auto backend: '{name}' failed ({type(err).__name__}: "
                          f"{str(err)[:200]}); this call runs eager", RuntimeWarning,
                          stacklevel=2)
            return _run(self.eager, x)

    def summary(self) -> str:
        """One line per decision: size class, backend, how it was decided."""
        return "\n".join(f"{d.get('size_class')}: {d.get('backend')} ({d.get('source')})"
                         for d in self.decisions)
