"""Training that is killed, diverges, or is resumed wrongly: nothing lost, nothing silently
wrong."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
import torch
from reliability_helpers import REPO, assert_one_line_error, run

from restorekit.engine.safe_checkpoint import load_checkpoint_safely

KILL_DURING_SAVE = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    sys.path.insert(0, {repo!r})
    from restorekit.engine import atomic_backend
    original = atomic_backend.AtomicLocalBackend.put

    def put(self, obj, filepath):
        if str(filepath).endswith("iter_4.pth"):
            # half of the bytes in the temp file, as a real interrupted save leaves them
            target = Path(filepath)
            (target.parent / f".{{target.name}}.killed.tmp").write_bytes(obj[: len(obj) // 2])
            os.kill(os.getpid(), signal.SIGKILL)
        return original(self, obj, filepath)

    atomic_backend.AtomicLocalBackend.put = put
    import importlib.util
    spec = importlib.util.spec_from_file_location("train_tool", {train!r})
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    tool.main(sys.argv[1:])
""")


def test_kill_during_save_keeps_the_last_checkpoint_and_resumes(tmp_path, trained, capsys):
    """max_keep_ckpts=1, SIGKILL while iter_4 is written: iter_2 survives, last_checkpoint
    names it, and --resume continues from it to the end."""
    work = tmp_path / "work"
    script = KILL_DURING_SAVE.format(repo=str(REPO), train=str(REPO / "tools" / "train.py"))
    opts = ["--cfg-options", "default_hooks.checkpoint.interval=2",
            "default_hooks.checkpoint.max_keep_ckpts=1", "log_level=WARNING"]
    proc = subprocess.run([sys.executable, "-c", script, trained["config"], "--work-dir",
                           str(work), *opts], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == -9, proc.stderr[-2000:]
    assert (work / "iter_2.pth").is_file() and not (work / "iter_4.pth").exists()
    assert (work / "last_checkpoint").read_text() == str(work / "iter_2.pth")
    assert load_checkpoint_safely(str(work / "iter_2.pth"))["meta"]["iter"] == 2
    res = run("train", [trained["config"], "--work-dir", work, "--resume", *opts], capsys)
    assert res.code == 0, res.err[-2000:]
    assert load_checkpoint_safely(str(work / "iter_4.pth"))["meta"]["iter"] == 4
    assert not (work / "iter_2.pth").exists()  # max_keep_ckpts=1, removed after iter_4 was safe
    assert not list(work.glob(".*.tmp"))


def test_resume_falls_back_from_a_corrupt_newest_checkpoint(work_copy, trained, capsys):
    newest = work_copy / "iter_4.pth"
    newest.write_bytes(newest.read_bytes()[:1000])
    res = run("train", [trained["config"], "--work-dir", work_copy, "--resume",
                        "--cfg-options", "default_hooks.checkpoint.interval=2",
                        "log_level=WARNING"], capsys)
    assert res.code == 0, res.err[-2000:]
    assert "cannot be used" in res.err and "iter_2.pth" in res.err
    assert load_checkpoint_safely(str(newest))["meta"]["iter"] == 4  # retrained and rewritten


def test_resume_with_dangling_pointer_names_the_fallback(work_copy):
    from restorekit.engine.resume import find_resume_checkpoint

    (work_copy / "iter_4.pth").unlink()
    path, ckpt, note = find_resume_checkpoint(work_copy)
    assert path == str(work_copy / "iter_2.pth") and ckpt["meta"]["iter"] == 2
    assert "does not exist" in note and "iter_2.pth" in note


def test_resume_without_any_loadable_checkpoint_is_an_error(work_copy, trained, capsys):
    for name in ("iter_2.pth", "iter_4.pth"):
        (work_copy / name).write_bytes(b"")
    res = run("train", [trained["config"], "--work-dir", work_copy, "--resume"], capsys)
    assert_one_line_error(res, "no loadable checkpoint", "iter_4.pth", "iter_2.pth")


def test_explicit_resume_from_truncated_checkpoint(work_copy, trained, capsys):
    bad = work_copy / "iter_4.pth"
    bad.write_bytes(bad.read_bytes()[:3000])
    res = run("train", [trained["config"], "--work-dir", work_copy, "--resume", bad], capsys)
    assert_one_line_error(res, "iter_4.pth", "truncated")


def test_resume_finished_run_with_larger_max_iters_is_refused(work_copy, trained, capsys):
    res = run("train", [trained["config"], "--work-dir", work_copy, "--resume",
                        "--cfg-options", "train_cfg.max_iters=8"], capsys)
    assert_one_line_error(res, "max_iters=4", "schedule ends at iteration 4", "load_from=")
    assert not (work_copy / "iter_6.pth").exists()


def test_nan_loss_stops_within_one_iteration_and_keeps_finite_checkpoints(tmp_path, trained,
                                                                          capsys):
    work = tmp_path / "work"
    res = run("train", [trained["config"], "--work-dir", work, "--cfg-options",
                        "optim_wrapper.generator.optimizer.lr=1e6", "train_cfg.max_iters=6",
                        "default_hooks.checkpoint.interval=1", "log_level=WARNING"], capsys)
    assert_one_line_error(res, "diverged at iteration", "non-finite")
    iteration = int(res.error_lines[0].split("iteration ")[1].split(":")[0])
    assert iteration <= 6
    saved = sorted(work.glob("iter_*.pth"))
    assert len(saved) == iteration - 1  # every finite iteration saved, the NaN one not
    for path in saved:
        state = load_checkpoint_safely(str(path))["state_dict"]
        assert all(torch.isfinite(v).all() for v in state.values() if v.is_floating_point())
    assert (work / "last_checkpoint").read_text() == str(work / f"iter_{iteration - 1}.pth")


@pytest.mark.parametrize("tool_name", ["test", "benchmark"])
def test_mismatched_pair_sizes_are_an_error(tool_name, tmp_path, trained, capsys):
    import cv2

    data = tmp_path / "data"
    for sub in ("blur", "sharp"):
        (data / sub).mkdir(parents=True)
        for i, size in enumerate((48, 48)):
            src = trained["data"] / sub / f"img_{i}.png"
            img = cv2.imread(str(src))
            if sub == "sharp" and i == 1:
                img = cv2.resize(img, (40, 44))  # the target of pair 1 has another size
            cv2.imwrite(str(data / sub / f"img_{i}.png"), img[:size, :size])
    if tool_name == "test":
        argv = [trained["config"], trained["work"] / "iter_4.pth", "--work-dir", tmp_path / "w",
                "--cfg-options", f"test_dataloader.dataset.data_root={data}"]
    else:
        argv = ["--models", f"{trained['config']}:{trained['work'] / 'iter_4.pth'}",
                "--data-root", data, "--repeats", "0", "--warmup", "0",
                "--out-dir", tmp_path / "bench"]
    res = run(tool_name, argv, capsys)
    assert_one_line_error(res, "img_1", "48x48", "44x40")

