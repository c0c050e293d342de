"""Named protocols: configs, ProtocolEvaluator in a Runner-like build, ProtocolScorer."""

from __future__ import annotations

import pytest
import torch
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from skimage import data

from restorekit.evaluation.metrics import psnr, ssim, ssim3d
from restorekit.evaluation.protocols import PROTOCOLS, ProtocolScorer, protocol_metrics
from restorekit.registry import EVALUATORS


@pytest.fixture(scope="module")
def pair() -> tuple[torch.Tensor, torch.Tensor]:
    gt = torch.from_numpy(data.astronaut()[100:292, 100:292].copy()).permute(2, 0, 1) / 255.0
    gen = torch.Generator().manual_seed(0)
    pred = (gt + 0.02 * torch.randn(gt.shape, generator=gen)).clamp(0, 1)
    return pred.float(), gt.float()


def test_protocol_metrics_are_fresh_copies_with_prefix() -> None:
    cfg = protocol_metrics("matlab", prefix="GoPro")
    assert [m["type"] for m in cfg] == ["PSNR", "SSIM3D"]
    assert all(m["prefix"] == "GoPro" and m["quantize"] for m in cfg)
    cfg[0]["quantize"] = False
    assert PROTOCOLS["matlab"][0]["quantize"] is True
    with pytest.raises(KeyError, match="choose one of"):
        protocol_metrics("matlabb")


def test_protocol_evaluator_logs_prefixed_keys(pair) -> None:
    init_default_scope("restorekit")
    cfg = dict(type="ProtocolEvaluator", protocol="matlab", metrics=[], prefix="GoPro")
    evaluator = Runner.build_evaluator(None, cfg)  # the Runner's own dispatch (no self use)
    pred, gt = pair
    evaluator.process([dict(pred_img=pred, gt_img=gt)])
    out = evaluator.evaluate(1)
    assert set(out) == {"GoPro/PSNR", "GoPro/SSIM3D"}
    assert out["GoPro/PSNR"] == pytest.approx(psnr(pred, gt, quantize=True))
    assert out["GoPro/SSIM3D"] == pytest.approx(ssim3d(pred, gt, quantize=True))


def test_scorer_headlines_per_protocol(pair) -> None:
    pred, gt = pair
    basicsr = ProtocolScorer("basicsr")
    assert basicsr.headline(basicsr(pred, gt)) == pytest.approx(
        dict(psnr=psnr(pred, gt, quantize=True), ssim=ssim(pred, gt, quantize=True), niqe=None))
    matlab = ProtocolScorer("matlab").headline(ProtocolScorer("matlab")(pred, gt))
    assert matlab["ssim"] > ssim(pred, gt, quantize=True)  # 3-D kernel + replicate borders
    realblur = ProtocolScorer("realblur")
    rb = realblur.headline(realblur(pred, gt))
    assert rb["psnr"] == pytest.approx(psnr(pred, gt, quantize=True), abs=0.5)
    no_ref = ProtocolScorer("niqe")
    assert no_ref.headline(no_ref(pred, None))["niqe"] > 0


def test_every_protocol_builds_and_takes_extra_metrics() -> None:
    init_default_scope("restorekit")
    for name in PROTOCOLS:
        assert EVALUATORS.build(dict(type="ProtocolEvaluator", protocol=name)).metrics
    ev = EVALUATORS.build(dict(type="ProtocolEvaluator", protocol="niqe", prefix="Real",
                               metrics=[dict(type="MeanIntensityRatio")]))
    assert [type(m).__name__ for m in ev.metrics] == ["NIQE", "MeanIntensityRatio"]
    assert all(m.prefix == "Real" for m in ev.metrics)
