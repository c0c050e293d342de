"""benchmarks/cpu_inference.py's summary (best exact lever, 2x column, fp32 ceiling) and
benchmarks/conv_algorithms.py on one small layer."""

from __future__ import annotations

from kit import load_tool


def _load(name: str):
    return load_tool(name, folder="benchmarks")


def _variant(median_s: float, diff: float, baseline_s: float = 1.0) -> dict:
    return {"median_s": median_s, "ratio": median_s / baseline_s, "max_abs_diff": diff,
            "gflops": 100 / median_s, "x_peak": 0.2 / median_s}


def _record() -> dict:
    return {"model": "net", "input": "256x256", "padded": "256x256", "gmacs": 50.0,
            "failed": {}, "auto": {"backend": "openvino", "tolerance": 2e-5},
            "variants": {"baseline": _variant(1.0, 0.0), "auto": _variant(0.45, 1e-6),
                         "compile": _variant(0.30, 0.2),  # fastest but inexact
                         "openvino": _variant(0.45, 1.5e-5),  # within the wider tolerance
                         "onnxruntime": _variant(0.60, 1e-7),
                         "bf16": _variant(0.10, 1e-2)}}


def test_best_lever_is_the_fastest_exact_one_and_bf16_never_counts():
    bench = _load("cpu_inference")
    record = _record()
    assert bench.best_exact_lever(record) == "openvino"
    record["auto"]["tolerance"] = None  # auto decided without measuring: 1e-5
    assert bench.best_exact_lever(record) == "onnxruntime"
    for key in ("compile", "openvino", "onnxruntime"):
        record["variants"][key]["max_abs_diff"] = 1.0
    assert bench.best_exact_lever(record) == "baseline"


def test_summary_row_reports_two_x_and_the_ceiling():
    bench = _load("cpu_inference")
    text = bench.markdown([_record()], [500.0, 480.0])
    row = next(line for line in text.splitlines() if line.startswith("| net | 256x256 | openvino"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    # auto ÷ baseline, >= 2x, best exact lever, baseline / auto / best x peak, ceiling
    assert cells[3:] == ["0.45", "yes", "openvino (0.45)", "0.20", "0.44", "0.44", "0.20"]


def test_conv_algorithms_small_layer_is_accurate_for_direct_convolution():
    bench = _load("conv_algorithms")
    rec = bench.bench_shape(8, 8, 16, 16, repeats=1)
    assert set(rec) == {"onednn_nchw", "onednn_cl", "nnpack_winograd"}
    assert rec["onednn_nchw"]["rel_err"] < 1e-6 and rec["onednn_cl"]["rel_err"] < 1e-6
    assert rec["nnpack_winograd"]["rel_err"] < 1e-3  # Winograd: larger, still small
    assert all(v["median_s"] > 0 and v["effective_gflops"] > 0 for v in rec.values())


def test_runtime_levers_export_each_model_separately(tmp_path):
    """Two models of one class and shape (FPN-MobileNet / FPN-Inception) must not share an
    export: each runtime lever reproduces its own model."""
    import torch

    from restorekit.registry import MODELS

    bench = _load("cpu_inference")
    x = torch.rand(1, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    for key, seed in (("first", 0), ("second", 1)):
        torch.manual_seed(seed)
        gen = MODELS.build(dict(type="UNetGenerator", depth=3, base_channels=4, norm="batch",
                                dropout=False)).eval()
        with torch.inference_mode():
            want = gen(x)
        for lever in ("onnxruntime", "openvino"):
            net = bench.build_lever(lever, gen, (64, 64), 1, str(tmp_path), key)
            assert (net(x) - want).abs().max() < 1e-5, (key, lever)
    assert sorted(p.name for p in tmp_path.glob("*.onnx")) == ["first_64x64.onnx",
                                                                "second_64x64.onnx"]
