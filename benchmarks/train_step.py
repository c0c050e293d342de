"""Training-step speed and memory levers against today's step, in one process.

    python benchmarks/train_step.py [--cases configs/dbgan_gopro.py:4:128 ...]
        [--levers baseline channels_last nchw with_cp channels_last+with_cp ...]
        [--rounds 2] [--check-steps 1] [--threads 2] [--out benchmarks/results/train_step.json]

Each case is ``CONFIG[:BATCH[:SIZE]]`` (default: the paper-size DBGAN step, batch 4 x 128^2,
and the demo DBGAN step, batch 16 x 48^2). For each case the script builds the config's model
and optimizers once per lever with the same random weights (``torch.manual_seed(0)``; the
VGG perceptual loss gets ``pretrained=None``: random VGG weights, since ImageNet weights are
not available offline -- the cost is the same, the loss value is not the paper's) and feeds
every model the same fixed random batches (uint8 sharp crops and a 5x5 box-blurred copy).

* **baseline** is today's step: the config as shipped (``configs/demo/dbgan_demo.py`` ships
  ``channels_last=True``, ``configs/dbgan_gopro.py`` does not). A lever whose overrides give
  the model of the baseline or of an earlier lever is skipped; ``with_cp`` applies to RRDBNet
  generators only.
* **Equality**: the first ``--check-steps`` steps run on identical weights and batches; the
  script reports the max abs difference of every logged loss, of the gradients each
  optimizer wrapper steps with (relative to the baseline's largest gradient), and of the
  weights and buffers after those steps. These steps also warm up oneDNN and torch.compile.
* **Time**: then ``--rounds`` rounds (``--small-rounds`` when a check step took under 5 s),
  each timing one step of every lever (order rotated per round, so a busy machine slows all
  levers alike); median seconds and ratio vs baseline.
* **Memory**: each lever's first timed step runs inside ``PeakRSS`` (the kernel's RSS
  high-water mark, reset through ``/proc/self/clear_refs`` after ``malloc_trim``, Linux):
  ``step_MiB`` is that step's peak minus the RSS at its start (activations, gradients and
  temporaries of the step; the models of all levers stay resident, so absolute peaks are
  not per lever). ``rss_fresh_MiB`` estimates a one-lever process: the RSS after importing
  torch and building only this lever's model and optimizer state, plus ``step_MiB``.

Prints a Markdown table per case and writes everything to ``--out`` as JSON.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

#: name -> dotted model-config overrides
LEVERS: dict[str, dict[str, object]] = {
    "baseline": {},
    "channels_last": {"channels_last": True},
    "nchw": {"channels_last": False},
    "with_cp": {"generator.with_cp": True},
    "channels_last+with_cp": {"channels_last": True, "generator.with_cp": True},
    "compile": {"compile_networks": True},
    "channels_last+compile": {"channels_last": True, "compile_networks": True},
    "channels_last+with_cp+compile": {"channels_last": True, "generator.with_cp": True,
                                      "compile_networks": True},
}
DEFAULT_CASES = ["configs/dbgan_gopro.py:4:128", "configs/demo/dbgan_demo.py:16:48"]
DEFAULT_LEVERS = ["baseline", "channels_last", "nchw", "with_cp", "channels_last+with_cp",
                  "channels_last+compile", "channels_last+with_cp+compile"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", nargs="+", default=DEFAULT_CASES,
                   help="CONFIG[:BATCH[:SIZE]] (batch and crop size of the fixed batches)")
    p.add_argument("--levers", nargs="+", default=DEFAULT_LEVERS, choices=sorted(LEVERS))
    p.add_argument("--rounds", type=int, default=2, help="timed steps per lever")
    p.add_argument("--small-rounds", type=int, default=15,
                   help="timed steps per lever for cases whose step takes under 5 s")
    p.add_argument("--check-steps", type=int, default=1,
                   help="steps on identical weights compared with the baseline (also warm-up)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--note", default="", help="free text stored with the results")
    p.add_argument("--out", default="benchmarks/results/train_step.json")
    return p.parse_args(argv)


def parse_case(spec: str) -> tuple[str, int, int]:
    """``'CONFIG[:BATCH[:SIZE]]'`` -> (config, batch, size); defaults 4 and 128."""
    parts = spec.split(":")
    batch = int(parts[1]) if len(parts) > 1 else 4
    return parts[0], batch, int(parts[2]) if len(parts) > 2 else 128


def set_dotted(cfg: dict, key: str, value: object) -> None:
    node = cfg
    *path, last = key.split(".")
    for part in path:
        node = node[part]
    node[last] = value


def model_config(config: str, overrides: dict[str, object]) -> dict | None:
    """The config's ``model`` dict with ``overrides`` applied and random perceptual VGG
    weights, or None when an override does not apply (``with_cp`` on a non-RRDBNet)."""
    from mmengine.config import Config

    cfg = Config.fromfile(config).model.to_dict()
    cfg.setdefault("channels_last", False)  # BaseRestorer's default, explicit for comparisons
    if isinstance(cfg.get("perceptual_loss"), dict):
        cfg["perceptual_loss"]["pretrained"] = None  # no ImageNet weights offline
    for key, value in overrides.items():
        if key.startswith("generator.") and cfg.get("generator", {}).get("type") != "RRDBNet":
            return None
        set_dotted(cfg, key, value)
    return cfg


def build(config: str, model_cfg: dict, reference: dict | None = None):
    """``(model, optim_wrapper_dict)`` of ``model_cfg`` with the config's optimizers;
    weights and buffers loaded from the state dict ``reference`` when given."""
    from mmengine.config import Config

    from restorekit.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS

    torch.manual_seed(0)
    model = MODELS.build(copy.deepcopy(model_cfg))
    if reference is not None:
        model.load_state_dict(reference)
    optim_cfg = Config.fromfile(config).optim_wrapper.to_dict()
    constructor = optim_cfg.pop("constructor", "MultiOptimWrapperConstructor")
    optim = OPTIM_WRAPPER_CONSTRUCTORS.build(dict(type=constructor, optim_wrapper_cfg=optim_cfg))
    return model, optim(model)


def make_batches(batch: int, size: int, count: int = 2) -> list[dict]:
    """``count`` fixed batches: uint8 (3, size, size) sharp ``gt`` and box-blurred ``inputs``."""
    from restorekit.structures import DataSample

    g = torch.Generator().manual_seed(1)
    out = []
    for _ in range(count):
        low = torch.randint(0, 256, (batch, 3, size // 4, size // 4), generator=g).float()
        sharp = F.interpolate(low, size=(size, size), mode="nearest")
        blur = F.avg_pool2d(F.pad(sharp, (2, 2, 2, 2), mode="replicate"), 5, 1)
        out.append(dict(inputs=list(blur.round().byte()), gt=list(sharp.byte()),
                        data_samples=[DataSample() for _ in range(batch)]))
    return out


class GradRecorder:
    """Patches each optimizer wrapper's ``step`` to keep a copy of the gradients it steps
    with: ``grads[name]`` is a list (one per step) of flat fp32 vectors."""

    def __init__(self, optim) -> None:
        self.grads: dict[str, list[torch.Tensor]] = {}
        for name, wrapper in optim.items():
            original = wrapper.step

            def step(*args, _name=name, _wrapper=wrapper, _orig=original, **kwargs):
                params = [p for group in _wrapper.optimizer.param_groups for p in group["params"]]
                self.grads.setdefault(_name, []).append(torch.cat([
                    (p.grad if p.grad is not None else torch.zeros_like(p)).detach().float()
                    .reshape(-1) for p in params]))
                return _orig(*args, **kwargs)

            wrapper.step = step
            self.restore = getattr(self, "restore", [])
            self.restore.append((wrapper, original))

    def detach(self) -> None:
        for wrapper, original in self.restore:
            wrapper.step = original


def state_diff(a: torch.nn.Module, b: torch.nn.Module) -> float:
    sa, sb = a.state_dict(), b.state_dict()
    return max((float((sa[k].float() - sb[k].float()).abs().max()) for k in sa
                if sa[k].is_floating_point() and sa[k].numel()), default=0.0)


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_case(spec: str, lever_names: list[str], rounds: int, check_steps: int,
             small_rounds: int = 0) -> dict:
    from restorekit.apis.benchmarking import PeakRSS, release_free_memory

    config, batch, size = parse_case(spec)
    base_cfg = model_config(config, {})
    levers: dict[str, dict] = {}
    for name in lever_names:
        cfg = model_config(config, LEVERS[name])
        same = [other for other, lever in levers.items() if lever["cfg"] == cfg]
        if cfg is None or (name != "baseline" and (same or cfg == base_cfg)):
            print(f"[{config}] skip {name}: not applicable or the same model as "
                  f"{same[0] if same else 'the baseline'}", flush=True)
            continue
        levers[name] = {"cfg": cfg}
    batches = make_batches(batch, size)
    release_free_memory()
    rss0 = rss_mib()
    reference = None
    for name, lever in levers.items():  # baseline first: it is the weight reference
        before = rss_mib()
        lever["model"], lever["optim"] = build(config, lever["cfg"], reference)
        lever["resident_MiB"] = rss_mib() - before
        if reference is None:  # the baseline's weights before any step
            reference = {k: v.clone() for k, v in lever["model"].state_dict().items()}
        recorder = GradRecorder(lever["optim"])
        lever["logs"] = []
        for step in range(check_steps):
            start = time.perf_counter()
            logs = lever["model"].train_step(batches[step % len(batches)], lever["optim"])
            lever["check_seconds"] = time.perf_counter() - start
            lever["logs"].append({k: float(v) for k, v in logs.items()})
            print(f"[{config}] {name} check step {step}: {time.perf_counter() - start:.2f} s "
                  f"{lever['logs'][-1]}", flush=True)
        recorder.detach()
        lever["grads"] = recorder.grads
    base = levers["baseline"]
    for lever in levers.values():
        lever["loss_diff"] = max((abs(a[k] - b[k]) for a, b in zip(lever["logs"], base["logs"])
                                  for k in a), default=0.0)
        lever["grad_rel_diff"] = {  # per optimizer wrapper (generator, discriminator, ...)
            name: max((float((g - h).abs().max() / h.abs().max().clamp_min(1e-30))
                       for g, h in zip(grads, base["grads"][name])), default=0.0)
            for name, grads in lever["grads"].items()}
        lever["weight_diff"] = state_diff(lever["model"], base["model"])
        lever["times"] = []
    names = list(levers)
    check_seconds = min(lever.get("check_seconds", float("inf")) for lever in levers.values())
    if check_seconds < 5.0:  # a cheap step (demo): more rounds for a stable median
        rounds = max(rounds, small_rounds)
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            lever = levers[name]
            data = batches[(check_steps + r) % len(batches)]
            with PeakRSS() as mem:
                start = time.perf_counter()
                lever["model"].train_step(data, lever["optim"])
                lever["times"].append(time.perf_counter() - start)
            if "step_MiB" not in lever:
                lever["step_MiB"] = mem.delta_mib
                lever["per_step_peak"] = mem.reset_ok
            print(f"[{config}] {name} round {r}: {lever['times'][-1]:.2f} s, "
                  f"step +{mem.delta_mib:.0f} MiB", flush=True)
    base_time = statistics.median(base["times"]) if base["times"] else float("nan")
    rows = []
    for name, lever in levers.items():
        median = statistics.median(lever["times"]) if lever["times"] else float("nan")
        rows.append(dict(
            lever=name, overrides=LEVERS[name], median_s=round(median, 3),
            times_s=[round(t, 3) for t in lever["times"]],
            speedup_vs_baseline=round(base_time / median, 3),
            step_MiB=round(lever.get("step_MiB", float("nan")), 1),
            rss_fresh_MiB=round(rss0 + lever["resident_MiB"] + lever.get("step_MiB", 0.0), 1),
            loss_max_abs_diff=lever["loss_diff"], grad_max_rel_diff=lever["grad_rel_diff"],
            weight_max_abs_diff=lever["weight_diff"], losses=lever["logs"]))
    return dict(config=config, batch=batch, size=size, rows=rows)


def markdown(case: dict) -> str:
    lines = [f"**{case['config']}**, batch {case['batch']} x {case['size']}x{case['size']}", "",
             "| lever | median step s | speed-up | step peak MiB | one-lever RSS MiB | "
             "loss diff | grad rel diff G / D | weight diff |", "|---|---|---|---|---|---|---|---|"]
    for r in case["rows"]:
        grads = " / ".join(f"{v:.1e}" for v in r["grad_max_rel_diff"].values())
        lines.append(
            f"| {r['lever']} | {r['median_s']:.2f} | {r['speedup_vs_baseline']:.2f}x | "
            f"{r['step_MiB']:.0f} | {r['rss_fresh_MiB']:.0f} | {r['loss_max_abs_diff']:.1e} | "
            f"{grads} | {r['weight_max_abs_diff']:.1e} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    if "baseline" not in args.levers:
        args.levers = ["baseline", *args.levers]
    results = dict(
        command="python benchmarks/train_step.py " + " ".join(
            sys.argv[1:] if argv is None else argv),
        date=datetime.datetime.now().isoformat(timespec="seconds"), note=args.note,
        torch=torch.__version__, threads=args.threads, machine=platform.processor()
        or platform.machine(), rounds=args.rounds, check_steps=args.check_steps, cases=[])
    for spec in args.cases:
        case = run_case(spec, args.levers, args.rounds, args.check_steps, args.small_rounds)
        results["cases"].append(case)
        print(markdown(case) + "\n", flush=True)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    for case in results["cases"]:
        print(markdown(case) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
