"""The BGAN gate tool and the realistic-blur study at tiny budgets (structure, not results)."""

import json
import math
from pathlib import Path

import cv2
import numpy as np
import pytest

from restorekit.demo.blur_gate import GATE, gate_checks, gate_table, run_gate
from restorekit.demo.study import ARMS, run_study, summarize, verdict
from restorekit.demo.study_report import handmade_lines

from .test_realistic_blur_demo import fake_demo

TINY = {"train_cfg.max_iters": 2, "train_cfg.val_interval": 3, "param_scheduler.T_max": 2,
        "default_hooks.checkpoint.interval": 2}


def fake_study_demo(root: Path) -> Path:
    fake_demo(root)
    rng = np.random.default_rng(1)
    for sub in ("train_realpairs/blur", "train_realpairs/sharp"):
        (root / sub).mkdir(parents=True)
        for i in range(2):
            cv2.imwrite(str(root / sub / f"x_{i:02d}.png"),
                        rng.integers(0, 256, (72, 72, 3), dtype=np.uint8))
    return root


def _metrics(mean=1.0, bands=(0.8, 0.4, 0.2), ref=(0.8, 0.4, 0.2), edge=1.0):
    m = {"MeanRatioVsRef": mean, "MeanRatio": mean, "RefMeanRatio": 1.0, "EdgeWidth": 4.0 * edge,
         "RefEdgeWidth": 4.0, "InputEdgeWidth": 2.0, "EdgeWidthRatio": edge}
    m.update({f"BandRatio_{i}": v for i, v in enumerate(bands)})
    m.update({f"RefBandRatio_{i}": v for i, v in enumerate(ref)})
    return m


def test_gate_checks_thresholds():
    assert all(c["passed"] for c in gate_checks(_metrics()))
    assert [c["passed"] for c in gate_checks(_metrics(mean=1.04))] == [False, True, True]
    # one band off by more than x2 fails (ii), even if the others agree
    assert [c["passed"] for c in gate_checks(_metrics(bands=(0.8, 0.4, 0.09)))] == [
        True, False, True]
    assert [c["passed"] for c in gate_checks(_metrics(edge=0.69))] == [True, True, False]
    assert dict(mean_tol=0.03, band_factor=2.0, edge_tol=0.30) == GATE
    table = gate_table(_metrics(), gate_checks(_metrics()))
    assert table.count("PASS") == 3 and "band 2" in table


def test_run_gate_tiny_budget(tmp_path):
    root = fake_demo(tmp_path / "demo")
    result = run_gate("configs/demo/bgan_kernel_demo.py", work_dir=tmp_path / "gate",
                      data_root=str(root), cfg_options=TINY, num_images=2)
    assert len(result["checks"]) == 3 and isinstance(result["passed"], bool)
    assert {"MeanRatioVsRef", "BandLogDist_max", "EdgeWidthRatio"} <= set(result["metrics"])
    assert cv2.imread(str(result["grid"])) is not None
    assert Path(result["checkpoint"]).is_file()
    # load mode: the checkpoint gives the same numbers without training
    again = run_gate("configs/demo/bgan_kernel_demo.py", result["checkpoint"],
                     work_dir=tmp_path / "gate2", data_root=str(root))
    assert again["metrics"]["MeanRatioVsRef"] == pytest.approx(
        result["metrics"]["MeanRatioVsRef"])


def test_bgan_gate_tool(tmp_path):
    import subprocess
    import sys

    root = fake_demo(tmp_path / "demo")
    out = subprocess.run(
        [sys.executable, "tools/bgan_gate.py", "configs/demo/bgan_kernel_demo.py",
         "--work-dir", str(tmp_path / "w"), "--data-root", str(root), "--cfg-options",
         *(f"{k}={v}" for k, v in TINY.items())],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2])
    assert out.returncode in (0, 1), out.stderr[-2000:]
    assert "(i) mean ratio" in out.stdout and "gate:" in out.stdout
    assert json.loads((tmp_path / "w" / "gate.json").read_text())["checks"]


def test_study_tiny_budget(tmp_path):
    root = fake_study_demo(tmp_path / "demo")
    result = run_study(tmp_path / "work", str(root), arms=["A1", "A2"], seeds=[0], iters=2,
                       gate_passed=False)
    assert set(result["summary"]) == {"A1", "A2"}
    assert result["verdict"]["verdict"].startswith("none")  # A3 and A4 were not run
    assert "A1 naive" in result["table"] and "not run" in result["table"]
    saved = json.loads((tmp_path / "work" / "realistic_blur_results.json").read_text())
    assert saved["results"]["A2"]["0"]["bgan_checks"]
    # resumed: nothing is retrained
    again = run_study(tmp_path / "work", str(root), arms=["A1", "A2"], seeds=[0], iters=2)
    first, second = result["summary"]["A1"], again["summary"]["A1"]
    assert second["real_psnr"]["mean"] == first["real_psnr"]["mean"]


def _fake_results(deltas: dict[str, float], gap: float = 2.0) -> dict:
    base = {s: 25.0 + 0.1 * s for s in range(3)}
    out = {}
    for arm, d in {"A1": 0.0, "A4": gap, **deltas}.items():
        out[arm] = {s: {"real": {"psnr": base[s] + d + 0.01 * s, "ssim": 0.6 + d / 100 + 1e-4 * s},
                        "synthetic": {"psnr": 28.0, "ssim": 0.8}} for s in range(3)}
    for s in range(3):
        out["A2"][s]["bgan_passed"] = True
    return out


def test_verdict_rules():
    arms = {"A2": 1.0, "A3": 0.0, "B2B": 0.0}
    support = verdict(summarize(_fake_results(arms)), gate_passed=True)
    assert support["verdict"] == "support" and support["supported_by"] == ["A2"]
    small = verdict(summarize(_fake_results({**arms, "A2": 0.3})), gate_passed=True)
    assert small["verdict"] == "refute"  # closes 15 % of the gap only
    # Blur2Blur is the third candidate of the support rule
    b2b = verdict(summarize(_fake_results({**arms, "A2": 0.0, "B2B": 1.0})), gate_passed=True)
    assert b2b["verdict"] == "support" and b2b["supported_by"] == ["B2B"]
    assert verdict(summarize(_fake_results({"A2": 1.0, "A3": 0.0})),
                   gate_passed=True)["verdict"].startswith("none")  # B2B missing
    assert verdict(summarize(_fake_results(arms, gap=0.5)),
                   gate_passed=True)["verdict"] == "inconclusive"  # P1 fails
    assert verdict(summarize(_fake_results(arms)),
                   gate_passed=False)["verdict"] == "inconclusive"  # P2 fails
    assert set(ARMS) >= {"A1", "A2", "A3", "A4", "A5", "B2B"}
    assert not math.isnan(summarize(_fake_results(arms))["A2"]["diff_psnr"]["low"])


def test_learned_blur_vs_handmade_lines():
    """Candidates are compared with A5 by paired intervals; A5 itself and A4 are not."""
    summary = summarize(_fake_results({"A2": 1.0, "A3": 0.0, "B2B": -1.0, "A5": 0.0}))
    assert "vs_handmade_psnr" not in summary["A4"] and "vs_handmade_psnr" not in summary["A5"]
    assert summary["A2"]["vs_handmade_psnr"]["mean"] == pytest.approx(1.0)
    lines = "\n".join(handmade_lines(summary))
    assert "| A2 scheme 1 (frozen gated BGAN) | +1.00" in lines
    rows = {line.split("|")[1].strip(): line.split("|")[-2].strip() for line in
            lines.splitlines() if line.startswith("| A") or line.startswith("| B")}
    assert rows == {"A2 scheme 1 (frozen gated BGAN)": "yes", "A3 scheme 2 (joint)": "not shown",
                    "B2B Blur2Blur (translator + A1 DBGAN)": "no, worse"}
    assert handmade_lines(summarize(_fake_results({"A2": 1.0}))) == []  # no A5 run


def test_study_blur2blur_and_handmade_arms_tiny_budget(tmp_path):
    """B2B trains its kernel encoder and translator, deblurs with the A1 checkpoint of the same
    seed (trained first when missing), and is reported; A5 trains on on-the-fly blur."""
    from restorekit.demo.study import run_unit

    root = fake_study_demo(tmp_path / "demo")
    rng = np.random.default_rng(2)
    for png in root.rglob("*.png"):  # the translator trains on 128 px crops
        cv2.imwrite(str(png), rng.integers(0, 256, (136, 136, 3), dtype=np.uint8))
    work = tmp_path / "work"
    b2b = run_unit("B2B", 0, work, str(root), iters=2)
    unit = work / "B2B" / "seed0"
    assert (unit / "kernel_encoder" / "iter_2.pth").is_file()
    assert b2b["translator_ckpt"] == str(unit / "translator" / "iter_2.pth")
    assert b2b["deblurrer_ckpt"] == str(work / "A1" / "seed0" / "iter_2.pth")
    assert (work / "A1" / "seed0" / "result.json").is_file()  # A1 was trained for it
    assert not (work / "A1" / "seed0" / "running").exists()
    assert set(b2b["real"]) == {"psnr", "ssim"} and "psnr" in b2b["translated_vs_input"]
    a5 = run_unit("A5", 0, work, str(root), iters=2)
    assert a5["real"]["psnr"] > 0
    result = run_study(work, str(root), arms=["A1", "A5", "B2B"], seeds=[0], iters=2,
                       train=False)
    assert "B2B Blur2Blur" in result["table"] and "A5 hand-made" in result["table"]


@pytest.mark.parametrize("config,key", [("configs/demo/study/a2_separate.py", "blur_generator"),
                                        ("configs/demo/study/a3_joint.py", "blur_generator"),
                                        ("configs/demo/realistic_blur_joint_kernel_demo.py",
                                         "blur_generator")])
def test_gated_bgan_copies_match(config, key):
    from mmengine.config import Config

    gated = Config.fromfile("configs/demo/bgan_kernel_demo.py").model
    model = Config.fromfile(config).model
    assert model[key].to_dict() == gated.generator.to_dict()
    if "blur_pixel_loss" in model:
        assert model.blur_pixel_loss.to_dict() == gated.pixel_loss.to_dict()
        assert model.blur_gan_loss.to_dict() == gated.gan_loss.to_dict()
