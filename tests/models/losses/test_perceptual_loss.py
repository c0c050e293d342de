"""Perceptual loss: real offline loading path, missing weights, layers, state dict."""

from __future__ import annotations

import pytest
import torch
import torchvision

from restorekit.models.losses.perceptual import vgg_layer_names
from restorekit.registry import MODELS
from restorekit.utils.pretrained import PretrainedWeightsNotFoundError


@pytest.fixture
def torch_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    return tmp_path


def test_missing_imagenet_weights_raise_an_error_naming_the_file(torch_home):
    with pytest.raises(PretrainedWeightsNotFoundError) as err:
        MODELS.build(dict(type="PerceptualLoss", pretrained="torchvision://vgg19"))
    assert str(torch_home / "hub" / "checkpoints" / "vgg19-dcbb9e9d.pth") in str(err.value)


def test_weights_are_loaded_from_the_torchvision_cache(torch_home):
    torch.manual_seed(0)
    # torchvision's file holds features.* and classifier.*; the loss reads features.* only,
    # so a random features-only state dict under the real file name exercises the real path
    features = torchvision.models.vgg.make_layers(torchvision.models.vgg.cfgs["E"])
    ckpt = torch_home / "hub" / "checkpoints"
    ckpt.mkdir(parents=True)
    state = {f"features.{k}": v for k, v in features.state_dict().items()}
    torch.save(state, ckpt / "vgg19-dcbb9e9d.pth")
    loss = MODELS.build(dict(type="PerceptualLoss", layer_weights={"conv2_2": 1.0}))
    assert torch.equal(loss._vgg[0][7].weight, features[7].weight)
    # the frozen VGG is not part of the loss's state dict (checkpoints stay small)
    assert not any("vgg" in k or "features" in k for k in loss.state_dict())


def test_value_is_weighted_sum_of_layer_distances_and_gradient_reaches_prediction():
    torch.manual_seed(0)
    loss = MODELS.build(
        dict(
            type="PerceptualLoss",
            layer_weights={"conv1_2": 0.5, "relu2_1": 2.0},
            pretrained=None,
            criterion="mse",
            loss_weight=3.0,
        )
    )
    pred = torch.rand(2, 3, 16, 16, requires_grad=True)
    target = torch.rand(2, 3, 16, 16)
    feats_p, feats_t = loss.features(pred), loss.features(target)
    expected = 3.0 * (
        0.5 * torch.mean((feats_p["conv1_2"] - feats_t["conv1_2"]) ** 2)
        + 2.0 * torch.mean((feats_p["relu2_1"] - feats_t["relu2_1"]) ** 2)
    )
    value = loss(pred, target)
    assert value.item() == pytest.approx(expected.item(), rel=1e-5)
    value.backward()
    assert pred.grad.abs().sum() > 0
    assert loss(target, target).item() == 0.0


def test_conv_layers_are_taken_before_the_activation():
    loss = MODELS.build(
        dict(type="PerceptualLoss", layer_weights={"conv1_1": 1.0}, pretrained=None)
    )
    feats = loss.features(torch.rand(1, 3, 8, 8) * 4 - 2)
    assert feats["conv1_1"].min() < 0  # pre-ReLU features keep negative values


def test_layer_names_and_bad_configs():
    names = vgg_layer_names("vgg19")
    assert names[34] == "conv5_4" and names[14] == "conv3_3" and len(names) == 37
    with pytest.raises(ValueError, match="unknown vgg19 layers"):
        MODELS.build(dict(type="PerceptualLoss", layer_weights={"conv6_1": 1.0}, pretrained=None))
    with pytest.raises(ValueError, match="criterion"):
        MODELS.build(dict(type="PerceptualLoss", criterion="huber", pretrained=None))
