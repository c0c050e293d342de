"""BGAN method: RBL reaches the blur generator, D steps see no G gradients, predict fields."""

import pytest
import torch
from kit import (
    adam_wrappers,
    batch,
    realistic_blur_preprocessor,
    recording_wrappers,
    snapshot,
    tiny_blur_generator,
    tiny_discriminator,
)

from restorekit.registry import MODELS


def build_bgan(**kw):
    cfg = dict(type="BGAN", generator=tiny_blur_generator(), discriminator=tiny_discriminator(),
               gan_loss=dict(type="RelativisticAverageLoss", mode="ls"),
               data_preprocessor=realistic_blur_preprocessor())
    cfg.update(kw)
    return MODELS.build(cfg)


def test_rbl_alone_reaches_generator_and_steps_are_separated():
    torch.manual_seed(0)
    model = build_bgan()  # RBL only: any G gradient comes from the adversarial term
    wrappers, log = recording_wrappers(model, ("generator", "discriminator"))
    logs = model.train_step(batch(keys=("inputs", "real_blur")), wrappers)
    assert set(logs) == {"loss_gan", "loss_d"}
    assert log == [("generator", {"generator"}), ("discriminator", {"discriminator"})]


def test_content_loss_uses_sharp_gt_when_paired():
    torch.manual_seed(0)
    model = build_bgan(pixel_loss=dict(type="L1Loss"))
    data = model.data_preprocessor(batch(), True)
    prepared = model.prepare_train_data(data)
    assert torch.equal(prepared["inputs"], data["gt"])  # G blurs the sharp image
    fake = model.generator(prepared["inputs"])
    losses = model.g_losses(prepared, {"pred": fake})
    assert torch.allclose(losses["loss_pix"], (fake - data["gt"]).abs().mean())


def test_training_changes_generator_and_needs_real_blur():
    torch.manual_seed(0)
    model = build_bgan(pixel_loss=dict(type="L1Loss"))
    before = snapshot(model.generator)
    wrappers = adam_wrappers(model, ("generator", "discriminator"))
    model.train_step(batch(keys=("inputs", "real_blur")), wrappers)
    after = snapshot(model.generator)
    assert any(not torch.equal(before[k], after[k]) for k in before)
    with pytest.raises(KeyError, match="real_blur"):
        model.train_step(batch(keys=("inputs",)), wrappers)


def test_predict_is_deterministic_and_returns_paired_real_blur():
    torch.manual_seed(0)
    model = build_bgan()
    torch.nn.init.normal_(model.generator.backbone.conv_last.weight, std=0.3)
    data = batch(keys=("inputs", "gt"))
    first, second = model.val_step(data), model.val_step(data)
    assert torch.equal(first[0].pred_img, second[0].pred_img)
    assert torch.equal(first[0].input_img, data["gt"][0].float() / 255)  # sharp in
    assert torch.equal(first[0].gt_img, data["inputs"][0].float() / 255)  # real paired blur
    sharp_only = model.val_step(batch(keys=("inputs",)))
    assert "gt_img" not in sharp_only[0] and sharp_only[0].pred_img.shape == (3, 16, 16)


def test_needs_adversarial_part():
    with pytest.raises(ValueError, match="discriminator"):
        build_bgan(discriminator=None)
