"""Memory budget for inference (automatic tiling) and the distributed collective timeout."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
import torch
from mmengine.config import Config
from reliability_helpers import REPO

from restorekit.apis import deblur_tensor, init_model

TINY = dict(model=dict(type="RRDBNet", mid_channels=8, num_blocks=1, growth_channels=4))


def test_4097_square_image_is_tiled_within_the_default_budget():
    """The reported case: a 4097x4097 image whole needed > 10 GB; it is now planned as tiles
    whose estimate fits the 2048 MiB default (nothing is run at full size here)."""
    from restorekit.apis.memory_plan import estimate_mb, plan_tile

    model = init_model(dict(model=dict(type="RRDBNet", mid_channels=64, num_blocks=2,
                                       growth_channels=32)))
    assert estimate_mb(model, 4097, 4097) > 10_000
    tile = plan_tile(model, 4097, 4097, overlap=32)
    assert tile is not None and estimate_mb(model, tile, tile) <= 2048
    assert plan_tile(model, 256, 256) is None  # small images stay whole


def test_auto_tiling_runs_tiles_and_tile_zero_forces_whole(monkeypatch):
    import restorekit.apis.inference as inference

    monkeypatch.setattr(inference, "AUTO_TILE_MIN_PIXELS", 0)  # small image, tiny budget
    from restorekit.apis.memory_plan import estimate_mb

    model = init_model(TINY)
    budget = estimate_mb(model, 96, 96)  # room for 96x96 tiles: 3x3 tiles of the image
    img = np.random.default_rng(0).integers(0, 256, (150, 161, 3), np.uint8)
    calls: list = []
    tiled = deblur_tensor(model, img, max_memory_mb=budget, progress=lambda d, t: calls.append(t))
    assert calls and calls[-1] > 1 and tiled.shape == (1, 3, 150, 161)
    calls.clear()
    whole = deblur_tensor(model, img, tile=0, max_memory_mb=budget,
                          progress=lambda d, t: calls.append(t))
    assert not calls and whole.shape == tiled.shape
    assert (whole - tiled).abs().mean() < 0.02  # blended tiles stay close to the whole image
    monkeypatch.setenv("RESTOREKIT_MAX_INFERENCE_MB", "nonsense")
    with pytest.raises(ValueError, match="RESTOREKIT_MAX_INFERENCE_MB"):
        deblur_tensor(model, img)


def test_nan_output_is_an_error_not_a_black_image():
    from restorekit.engine.errors import InferenceError

    model = init_model(TINY)
    with torch.no_grad():
        next(model.parameters()).fill_(float("nan"))
    img = np.zeros((8, 8, 3), np.uint8)
    with pytest.raises(InferenceError, match="NaN"):
        deblur_tensor(model, img)


def test_timeout_resolution(monkeypatch):
    from restorekit.utils.dist import DEFAULT_CPU_TIMEOUT_S, resolve_dist_timeout

    monkeypatch.delenv("RESTOREKIT_DIST_TIMEOUT", raising=False)
    cfg = Config(dict(env_cfg=dict(dist_cfg=dict(backend="gloo"))))
    assert resolve_dist_timeout(cfg) == (None if torch.cuda.is_available()
                                         else DEFAULT_CPU_TIMEOUT_S)
    cfg.env_cfg.dist_cfg.timeout = 30
    assert resolve_dist_timeout(cfg) == 30
    monkeypatch.setenv("RESTOREKIT_DIST_TIMEOUT", "7")
    assert resolve_dist_timeout(cfg) == 7


RANK = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {repo!r})
    import torch, torch.distributed as dist
    from restorekit.engine.errors import DistributedTimeoutError
    from restorekit.utils.dist import (clear_timeout_errors, init_cpu_process_group_if_needed,
                                       resolve_dist_timeout)
    timeout = resolve_dist_timeout()
    init_cpu_process_group_if_needed("pytorch", timeout)
    dist.all_reduce(torch.ones(1))  # both ranks are up
    print("ready", flush=True)
    if dist.get_rank() == 1:
        time.sleep(600)
    try:
        with clear_timeout_errors(timeout):
            dist.all_reduce(torch.ones(1))
    except DistributedTimeoutError as err:
        print(f"train.py: error: {{err}}", file=sys.stderr, flush=True)
        os._exit(2)
""")


def test_stopped_rank_fails_the_job_after_the_configured_timeout(tmp_path):
    """Rank 1 is SIGSTOPped; rank 0 stops after RESTOREKIT_DIST_TIMEOUT (2 s), not 1800 s,
    with an error naming the setting."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port),
           "WORLD_SIZE": "2", "RESTOREKIT_DIST_TIMEOUT": "2", "PYTHONPATH": str(REPO)}
    script = RANK.format(repo=str(REPO))
    procs = [subprocess.Popen([sys.executable, "-c", script], env={**env, "RANK": str(r)},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for r in (0, 1)]
    try:
        assert procs[1].stdout.readline().strip() == "ready"
        os.kill(procs[1].pid, signal.SIGSTOP)
        start = time.monotonic()
        _, err = procs[0].communicate(timeout=120)
        waited = time.monotonic() - start
        assert procs[0].returncode == 2, err[-2000:]
        assert "RESTOREKIT_DIST_TIMEOUT" in err and "rank 0 waited 2 s" in err
        assert waited < 60
    finally:
        for p in procs:
            if p.poll() is None:
                os.kill(p.pid, signal.SIGKILL)
            p.wait()


def test_distributed_run_exits_cleanly_after_success_and_single_process_is_untouched(tmp_path):
    """A launched run ends by synchronising, tearing down and leaving with status 0 before
    interpreter finalisation (where gloo's threads could abort the process); without a process
    group the call does nothing."""
    from restorekit.utils.dist import exit_after_distributed_run

    exit_after_distributed_run()  # no process group: returns, the test goes on
    script = tmp_path / "rank.py"
    script.write_text(textwrap.dedent(f"""
        import logging, sys
        import torch.distributed as dist
        from restorekit.utils.dist import exit_after_distributed_run
        logging.basicConfig(filename={str(tmp_path / "run.log")!r}, level=logging.INFO)
        dist.init_process_group("gloo", init_method="tcp://127.0.0.1:0", rank=0, world_size=1)
        logging.info("finished")
        print("before exit", flush=False)
        exit_after_distributed_run()
        print("after exit")
        sys.exit(3)
    """))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env["PYTHONPATH"] = str(REPO)
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout == "before exit\n"  # flushed, and nothing ran after the exit
    assert "finished" in (tmp_path / "run.log").read_text()
