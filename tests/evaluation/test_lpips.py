"""LPIPS: offline error naming the weight file, and the real loading path on fake weights.

The fake backbone follows the offline trick of ``shared/reference/assets.md`` (Q2): a
random-init state dict saved under torchvision's file name in a temporary ``$TORCH_HOME``.
Only ``features.*`` are used by lpips, so they are random (He-scaled); the unused classifier
tensors are stride-0 views of one zero, which keeps the files a few MB instead of 0.2-0.5 GB.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from mmengine.evaluator import Evaluator

from restorekit.evaluation.metrics import (
    LPIPS,
    lpips_backbone_file,
    lpips_unavailable_reason,
)
from restorekit.registry import METRICS
from restorekit.structures import DataSample
from restorekit.utils.pretrained import PretrainedWeightsNotFoundError

FILES = {"alex": "alexnet-owt-7be5be79.pth", "vgg": "vgg16-397923af.pth"}
ARCHS = {"alex": "alexnet", "vgg": "vgg16"}


@pytest.fixture
def torch_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))

    def no_download(*args, **kwargs):  # any network attempt is a test failure
        raise AssertionError(f"download attempted: {args}")

    monkeypatch.setattr(torch.hub, "download_url_to_file", no_download)
    return tmp_path


def _write_fake_backbone(net: str) -> None:
    import torchvision

    with torch.device("meta"):
        model = getattr(torchvision.models, ARCHS[net])()
    gen = torch.Generator().manual_seed(0)
    state = {}
    for key, ref in model.state_dict().items():
        if key.startswith("features.") and ref.ndim == 4:
            std = (2.0 / ref[0].numel()) ** 0.5
            state[key] = torch.randn(ref.shape, generator=gen) * std
        elif key.startswith("features."):
            state[key] = torch.zeros(ref.shape)
        else:
            state[key] = torch.zeros(()).expand(ref.shape)
    path = lpips_backbone_file(net)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(state, path)


@pytest.mark.parametrize("net", ["alex", "vgg"])
def test_missing_weights_raise_naming_file(torch_home, net):
    expected = torch_home / "hub" / "checkpoints" / FILES[net]
    assert lpips_backbone_file(net) == expected
    reason = lpips_unavailable_reason(net)
    assert reason is not None and str(expected) in reason
    with pytest.raises(PretrainedWeightsNotFoundError, match=FILES[net]) as info:
        METRICS.build(dict(type="LPIPS", net=net))
    assert str(expected) in str(info.value)


def test_unknown_net():
    with pytest.raises(ValueError, match="squeeze"):
        lpips_unavailable_reason("resnet")


def _images(seed: int, h: int = 48, w: int = 64):
    rng = np.random.default_rng(seed)
    a = torch.from_numpy(rng.uniform(0, 1, (3, h, w))).float()
    b = (a + torch.from_numpy(rng.normal(0, 0.2, (3, h, w))).float()).clamp(0, 1)
    return a, b


@pytest.mark.parametrize("net", ["alex", "vgg"])
def test_fake_weights_metric_equals_lpips(torch_home, net):
    import lpips

    _write_fake_backbone(net)
    assert lpips_unavailable_reason(net) is None
    metric = METRICS.build(dict(type="LPIPS", net=net))
    assert isinstance(metric, LPIPS) and metric._model is None  # built lazily
    gt, pred = _images(0)
    assert metric.compute_one(gt, gt) == pytest.approx(0.0, abs=1e-6)
    value = metric.compute_one(pred, gt)
    assert value > 0
    direct = lpips.LPIPS(net=net, verbose=False).eval()
    with torch.no_grad():
        ref = direct(pred[None] * 2 - 1, gt[None] * 2 - 1).item()
    assert value == pytest.approx(ref, rel=1e-5, abs=1e-7)


def test_evaluator_mean_over_images(torch_home):
    _write_fake_backbone("alex")
    metric = METRICS.build(dict(type="LPIPS", net="alex", prefix="val"))
    samples, values = [], []
    for i in range(3):
        gt, pred = _images(10 + i, h=40 + 8 * i)  # sizes differ per image
        samples.append(DataSample(pred_img=pred, gt_img=gt))
        values.append(metric.compute_one(pred, gt))
    evaluator = Evaluator([metric])
    evaluator.process(samples)
    out = evaluator.evaluate(3)
    assert out == {"val/LPIPS": pytest.approx(float(np.mean(values)), rel=1e-6)}
