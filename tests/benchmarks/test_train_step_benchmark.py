"""benchmarks/train_step.py on a tiny demo step: rows, skips, equality columns, JSON."""

from __future__ import annotations

import json

from kit import load_tool


def load_benchmark():
    return load_tool("train_step", folder="benchmarks")


def test_tiny_demo_run_reports_every_lever_against_the_baseline(tmp_path, capsys):
    bench = load_benchmark()
    out = tmp_path / "train_step.json"
    bench.main(["--cases", "configs/demo/dbgan_demo.py:2:16", "--levers", "baseline",
                "channels_last", "nchw", "with_cp", "channels_last+with_cp", "--rounds", "2",
                "--small-rounds", "2", "--check-steps", "2", "--out", str(out)])
    result = json.loads(out.read_text())
    (case,) = result["cases"]
    rows = {r["lever"]: r for r in case["rows"]}
    # the demo config ships channels_last=True: that lever is the baseline, and with_cp on
    # top of it is the same model as channels_last+with_cp
    assert list(rows) == ["baseline", "nchw", "with_cp"]
    assert all(len(r["times_s"]) == 2 and r["median_s"] > 0 for r in rows.values())
    assert rows["baseline"]["speedup_vs_baseline"] == 1.0
    # checkpointing recomputes the same numbers; the memory layout changes rounding only
    assert rows["with_cp"]["loss_max_abs_diff"] == 0.0
    assert rows["with_cp"]["grad_max_rel_diff"] == {"generator": 0.0, "discriminator": 0.0}
    assert rows["with_cp"]["weight_max_abs_diff"] == 0.0
    assert max(rows["nchw"]["grad_max_rel_diff"].values()) < 1e-3
    assert len(rows["nchw"]["losses"]) == 2
    assert "| with_cp |" in capsys.readouterr().out
