"""The automatic backend (deblur's default): measured once, cached, exact, never crashing."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from restorekit.apis import auto_backend, backend_cache
from restorekit.apis.auto_backend import CANDIDATE_BUILDERS, AutoNetwork, plan
from restorekit.apis.inference import deblur_tensor, get_network
from restorekit.registry import MODELS

SIZE = 192  # padded 192² > AUTO_MIN_PIXELS: measured


def _net(seed: int = 0) -> torch.nn.Module:
    torch.manual_seed(seed)
    return MODELS.build(dict(type="UNetGenerator", depth=3, base_channels=4, norm="batch",
                             dropout=False)).eval()


def _image(size: int = SIZE) -> np.ndarray:
    return (np.random.default_rng(0).random((size, size, 3)) * 255).astype(np.uint8)


def _auto(net: torch.nn.Module) -> AutoNetwork:
    network, _ = get_network(net, "auto")
    assert isinstance(network, AutoNetwork)
    return network


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RESTOREKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("RESTOREKIT_AUTO_CANDIDATES", "eager,fast")
    return tmp_path / "cache"


def _eager(net: torch.nn.Module, img: np.ndarray) -> torch.Tensor:
    return deblur_tensor(net, img, backend="torch")


def test_decision_is_cached_and_reused(cache, monkeypatch):
    net, img = _net(), _image()
    out = deblur_tensor(net, img)
    auto = _auto(net)
    assert [d["source"] for d in auto.decisions] == ["measured"]
    stored = json.loads((cache / backend_cache.DECISIONS_FILE).read_text())
    (record,) = stored.values()
    assert record["backend"] in ("eager", "fast") and set(record["times_s"]) == {"eager", "fast"}
    assert (out - _eager(net, img)).abs().max() <= 1e-5

    def no_measuring(*args, **kwargs):
        raise AssertionError("measured again")

    monkeypatch.setattr(auto_backend, "measure_candidates", no_measuring)
    deblur_tensor(net, img)  # same process: decision in memory
    assert len(auto.decisions) == 1
    again = _net()  # "another process": same architecture and weights, new object
    out2 = deblur_tensor(again, img)
    assert [d["source"] for d in _auto(again).decisions] == ["cache"]
    assert torch.equal(out, out2) or (out - out2).abs().max() <= 1e-5
    other = _net(seed=1)  # other weights: another fingerprint, so it would measure
    with pytest.raises(AssertionError, match="measured again"):
        deblur_tensor(other, img)


def test_wrong_candidate_is_rejected(cache, monkeypatch):
    """A (much faster) candidate whose output is off by 1e-3 must never be chosen."""
    def wrong(ctx):
        return lambda x: ctx.eager(x) + 1e-3

    def instant_wrong(ctx):
        return lambda x: torch.full_like(x, 0.5)

    monkeypatch.setitem(CANDIDATE_BUILDERS, "wrong", wrong)
    monkeypatch.setitem(CANDIDATE_BUILDERS, "instant", instant_wrong)
    monkeypatch.setenv("RESTOREKIT_AUTO_CANDIDATES", "eager,wrong,instant")
    net, img = _net(), _image()
    out = deblur_tensor(net, img)
    decision = _auto(net).decisions[-1]
    assert decision["backend"] == "eager"
    assert set(decision["rejected"]) == {"wrong", "instant"}
    assert all(r.startswith("inexact") for r in decision["rejected"].values())
    assert torch.equal(out, _eager(net, img))


def test_slightly_different_but_exact_candidate_is_accepted(cache, monkeypatch):
    """Within the tolerance (here 1e-6 off) a candidate is accepted and may win."""
    monkeypatch.setitem(CANDIDATE_BUILDERS, "close", lambda ctx: lambda x: ctx.eager(x) + 1e-6)
    monkeypatch.setattr(auto_backend, "MARGIN", -1e9)  # the later candidate always wins
    monkeypatch.setenv("RESTOREKIT_AUTO_CANDIDATES", "eager,close")
    net, img = _net(), _image()
    deblur_tensor(net, img)
    decision = _auto(net).decisions[-1]
    assert decision["rejected"] == {} and decision["max_abs_diff"]["close"] <= 2e-6
    assert decision["backend"] == "close"


def test_failing_candidates_are_skipped(cache, monkeypatch):
    def fails_to_build(ctx):
        raise RuntimeError("no such backend here")

    def fails_to_run(ctx):
        def run(x):
            raise RuntimeError("kernel crashed")
        return run

    monkeypatch.setitem(CANDIDATE_BUILDERS, "nobuild", fails_to_build)
    monkeypatch.setitem(CANDIDATE_BUILDERS, "norun", fails_to_run)
    monkeypatch.setenv("RESTOREKIT_AUTO_CANDIDATES", "eager,nobuild,norun,fast")
    net, img = _net(), _image()
    out = deblur_tensor(net, img)
    decision = _auto(net).decisions[-1]
    assert decision["backend"] in ("eager", "fast")
    assert decision["rejected"]["nobuild"].startswith("failed: RuntimeError: no such backend")
    assert decision["rejected"]["norun"].startswith("failed: RuntimeError: kernel crashed")
    assert (out - _eager(net, img)).abs().max() <= 1e-5


def test_chosen_backend_failing_later_falls_back_to_eager(cache, monkeypatch):
    calls = {"n": 0}

    def flaky(ctx):
        def run(x):
            calls["n"] += 1
            if calls["n"] > 3:  # fine while measured, broken afterwards
                raise RuntimeError("broken later")
            return ctx.eager(x)
        return run

    monkeypatch.setitem(CANDIDATE_BUILDERS, "flaky", flaky)
    monkeypatch.setattr(auto_backend, "MARGIN", -1e9)  # the later candidate always wins
    monkeypatch.setenv("RESTOREKIT_AUTO_CANDIDATES", "eager,flaky")
    net, img = _net(), _image()
    deblur_tensor(net, img)
    assert _auto(net).decisions[-1]["backend"] == "flaky"
    img2 = _image()[::-1].copy()  # not the probe: runs the chosen network
    with pytest.warns(RuntimeWarning, match="'flaky' failed"):
        out = deblur_tensor(net, img2)
    assert torch.equal(out, _eager(net, img2))


@pytest.mark.parametrize("candidates", ["eager,fast,onnxruntime", "eager,onnxruntime,openvino"])
def test_auto_matches_eager_with_real_candidates(cache, monkeypatch, candidates):
    """The last real candidate wins (negative margin) and matches eager on the probe and on a
    later image; onnxruntime and OpenVINO share one cached export."""
    monkeypatch.setenv("RESTOREKIT_AUTO_CANDIDATES", candidates)
    monkeypatch.setattr(auto_backend, "MARGIN", -1e9)  # prefer the last accepted one
    net, img = _net(), _image()
    out = deblur_tensor(net, img)
    decision = _auto(net).decisions[-1]
    assert decision["rejected"] == {}, decision["rejected"]
    assert set(decision["times_s"]) == set(candidates.split(","))
    assert decision["backend"] == candidates.split(",")[-1]
    assert len(list(cache.glob("onnx/*.onnx"))) == 1
    img2 = _image()[:, ::-1].copy()  # not the probe: runs the chosen network
    for im, got in ((img, out), (img2, deblur_tensor(net, img2))):
        assert (got - _eager(net, im)).abs().max() <= 1e-5


def test_openvino_generator_errors(tmp_path):
    from restorekit.apis.onnx_export import export_onnx
    from restorekit.apis.openvino_runtime import OpenVinoGenerator

    with pytest.raises(FileNotFoundError, match=r"tools/export_onnx\.py"):
        OpenVinoGenerator(str(tmp_path / "missing.onnx"))
    info = export_onnx(_net(), str(tmp_path / "m.onnx"), (64, 64), exporter="torchscript")
    session = OpenVinoGenerator(info["path"], num_threads=1)
    assert session.input_shape == [1, 3, 64, 64]
    with pytest.raises(ValueError, match="exported for input"):
        session(torch.rand(1, 3, 128, 64))


def test_compile_is_not_tried_when_it_cannot_pay(cache, monkeypatch):
    """A network that runs in milliseconds is never compiled (tens of seconds per process)."""
    def compile_builder(ctx):
        raise AssertionError("compile was built")

    monkeypatch.setitem(CANDIDATE_BUILDERS, "compile", compile_builder)
    monkeypatch.setenv("RESTOREKIT_AUTO_CANDIDATES", "eager,fast,compile")
    net = _net()
    deblur_tensor(net, _image())
    assert _auto(net).decisions[-1]["rejected"]["compile"].startswith("not tried")


def test_eager_own_error_whole_and_cropped(monkeypatch):
    net = _net()
    x = torch.rand(1, 3, 96, 128, generator=torch.Generator().manual_seed(0))
    eager = get_network(net, "torch")[0]
    out = auto_backend._run(eager, x)
    whole = auto_backend.eager_own_error(net, eager, x, out)
    monkeypatch.setattr(auto_backend, "F64_CROP", 32)
    cropped = auto_backend.eager_own_error(net, eager, x, out, crop=True)
    assert 0 < whole < 1e-5 and 0 <= cropped < 1e-5


def test_cache_dir_from_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("RESTOREKIT_CACHE_DIR")
    assert backend_cache.cache_dir() == backend_cache.Path.home() / ".cache" / "restorekit"
    monkeypatch.setenv("RESTOREKIT_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert backend_cache.cache_dir() == tmp_path / "elsewhere"
    monkeypatch.setenv("RESTOREKIT_AUTO_CANDIDATES", "eager,fast")
    deblur_tensor(_net(), _image())
    assert (tmp_path / "elsewhere" / backend_cache.DECISIONS_FILE).is_file()


def test_damaged_cache_file_is_measured_again(cache):
    cache.mkdir(parents=True)
    (cache / backend_cache.DECISIONS_FILE).write_text("{not json")
    net = _net()
    deblur_tensor(net, _image())
    assert _auto(net).decisions[-1]["source"] == "measured"
    assert len(backend_cache.load_decisions(cache)) == 1


def test_small_images_are_not_measured(cache, monkeypatch):
    monkeypatch.setattr(auto_backend, "measure_candidates", None)  # would crash if called
    net = _net()
    out = deblur_tensor(net, _image(64))
    assert [d["source"] for d in _auto(net).decisions] == ["rule"]
    assert torch.equal(out, _eager(net, _image(64)))
    assert not (cache / backend_cache.DECISIONS_FILE).exists()


def test_plan_rules():
    big, small = 720 * 1280, 64 * 64
    cands = ("eager", "fast", "onnxruntime")
    assert plan("cuda", big, "fp32", cands) == ("fast", "fp32")  # torch + channels-last
    assert plan("cuda", small, "fp16", cands) == ("fast", "fp16")  # never onnxruntime
    assert plan("cuda", big, "bf16", cands) == ("fast", "bf16")
    assert plan("cpu", big, "bf16", cands) == ("fast", "bf16")  # asked for: no measuring
    assert plan("cpu", small, "fp32", cands) == ("eager", "fp32")
    assert plan("cpu", big, "fp32", ("eager",)) == ("eager", "fp32")
    assert plan("cpu", big, "fp32", cands) is None  # measure
    with pytest.raises(ValueError, match="precision"):
        plan("cpu", big, "int8", cands)


def test_precision_option_runs_autocast_on_cpu(cache):
    net, img = _net(), _image()
    out = deblur_tensor(net, img, precision="bf16")
    decision = _auto_for(net, "bf16").decisions[-1]
    assert decision["backend"] == "fast" and decision["precision"] == "bf16"
    diff = float((out - _eager(net, img)).abs().max())
    assert 0 < diff < 0.1  # bf16 really ran, and is close


def _auto_for(net, precision):
    network, _ = get_network(net, "auto", precision=precision)
    return network


def test_unknown_candidate_is_an_error(monkeypatch):
    monkeypatch.setenv("RESTOREKIT_AUTO_CANDIDATES", "eager,tensorrt")
    with pytest.raises(ValueError, match="tensorrt"):
        get_network(_net(), "auto")


def test_size_class_and_fingerprint():
    assert backend_cache.size_class(256, 256) == backend_cache.size_class(256, 288)
    assert backend_cache.size_class(736, 1312) != backend_cache.size_class(1312, 736)
    assert backend_cache.size_class(256, 256) != backend_cache.size_class(512, 512)
    a, b = _net(), _net()
    assert backend_cache.model_fingerprint(a) == backend_cache.model_fingerprint(b)
    b.train()
    assert backend_cache.model_fingerprint(a) != backend_cache.model_fingerprint(b)
