"""Realistic-blur schemes: frozen BGAN (scheme 1) and joint training (scheme 2)."""

import pytest
import torch
from kit import (
    adam_wrappers,
    batch,
    has_grad,
    realistic_blur_preprocessor,
    recording_wrappers,
    snapshot,
    tiny_blur_generator,
    tiny_discriminator,
    tiny_generator,
)

from restorekit.models.methods.blur_synthesis import mix_blur
from restorekit.models.methods.realistic_blur_separate import AUTO_PREFIXES
from restorekit.registry import MODELS
from restorekit.utils.state_dict import load_submodule


def load_blur_generator(module, path):
    return load_submodule(module, path, AUTO_PREFIXES)

RBL = dict(type="RelativisticAverageLoss", mode="ls")
# BatchNorm in the frozen BGAN: its running statistics must not move either
UNET_BGAN = tiny_blur_generator(noise_mode="spatial", noise_channels=3, backbone=dict(
    type="UNetGenerator", depth=2, base_channels=4, norm="batch", dropout=False))


def save_bgan_ckpt(path, prefix, blur_generator_cfg=UNET_BGAN, seed=1):
    torch.manual_seed(seed)
    bgan = MODELS.build(blur_generator_cfg)
    bgan.train()(torch.rand(2, 3, 16, 16))  # non-trivial BN running stats
    state = {prefix + k: v for k, v in bgan.state_dict().items()}
    torch.save({"meta": {"iter": 3}, "state_dict": state}, path)
    return snapshot(bgan)


def build_scheme1(ckpt, **kw):
    cfg = dict(type="RealisticBlurSeparate", generator=tiny_generator(),
               discriminator=tiny_discriminator(), pixel_loss=dict(type="L1Loss"), gan_loss=RBL,
               blur_generator=UNET_BGAN, blur_generator_ckpt=ckpt,
               data_preprocessor=realistic_blur_preprocessor())
    cfg.update(kw)
    return MODELS.build(cfg)


def test_scheme1_frozen_bgan_stays_bit_identical(tmp_path):
    ckpt = tmp_path / "iter_3.pth"
    saved = save_bgan_ckpt(ckpt, "generator.")
    model = build_scheme1(str(ckpt))
    bg = model.blur_generator
    assert all(torch.equal(saved[k], v) for k, v in bg.state_dict().items())
    model.train()
    model.init_weights()
    assert not bg.training and not any(p.requires_grad for p in bg.parameters())
    g_before = snapshot(model.generator)
    wrappers = adam_wrappers(model, ("generator", "discriminator"))
    for seed in range(2):
        model.train_step(batch(seed=seed), wrappers)
    assert all(torch.equal(saved[k], v) for k, v in bg.state_dict().items())
    assert any(not torch.equal(g_before[k], v) for k, v in model.generator.state_dict().items())


def test_scheme1_gradient_routing(tmp_path):
    ckpt = tmp_path / "bgan.pth"
    save_bgan_ckpt(ckpt, "")
    model = build_scheme1(str(ckpt))
    wrappers, log = recording_wrappers(model, ("generator", "discriminator"))
    model.train_step(batch(), wrappers)
    assert log == [("generator", {"generator"}), ("discriminator", {"discriminator"})]


def test_ratio_knob_selects_the_blur_source():
    torch.manual_seed(0)
    for ratio, want_real in ((0.0, False), (1.0, True)):
        # no noise: the BGAN blur is a deterministic function of the sharp image
        model = build_scheme1(None, real_pair_ratio=ratio,
                              blur_generator=tiny_blur_generator(noise_channels=0))
        data = model.data_preprocessor(batch(n=4), True)
        out = model.prepare_train_data(dict(data))
        want = data["inputs"] if want_real else model.synthesize(data["gt"])
        assert torch.equal(out["inputs"], want) and torch.equal(out["gt"], data["gt"])
        assert out["use_real_blur"].tolist() == [want_real] * 4
    synthetic, real = torch.zeros(400, 1, 1, 1), torch.ones(400, 1, 1, 1)
    mixed, use_real = mix_blur(synthetic, real, 0.25)
    assert torch.equal(mixed.flatten().bool(), use_real) and 40 < int(use_real.sum()) < 160
    with pytest.raises(KeyError, match="paired"):
        mix_blur(synthetic, None, 0.5)


def test_checkpoint_prefixes_and_errors(tmp_path):
    for prefix in ("generator.", "blur_generator.", "module.", ""):
        path = tmp_path / f"p{len(prefix)}.pth"
        saved = save_bgan_ckpt(path, prefix)
        target = MODELS.build(UNET_BGAN)
        load_blur_generator(target, str(path))
        assert all(torch.equal(saved[k], v) for k, v in target.state_dict().items())
    with pytest.raises(FileNotFoundError, match="train BGAN first"):
        build_scheme1(str(tmp_path / "missing.pth"))
    with pytest.raises(KeyError, match="missing"):
        load_blur_generator(MODELS.build(tiny_blur_generator()), str(tmp_path / "p0.pth"))


def build_joint(**kw):
    cfg = dict(type="RealisticBlurJoint", generator=tiny_generator(),
               discriminator=tiny_discriminator(), pixel_loss=dict(type="L1Loss"), gan_loss=RBL,
               blur_generator=tiny_blur_generator(), blur_discriminator=tiny_discriminator(),
               blur_pixel_loss=dict(type="L1Loss"), blur_gan_loss=RBL,
               data_preprocessor=realistic_blur_preprocessor())
    cfg.update(kw)
    return MODELS.build(cfg)


ALL = ("blur_generator", "generator", "blur_discriminator", "discriminator")


def test_joint_routing_detached_by_default():
    torch.manual_seed(0)
    model = build_joint()
    wrappers, log = recording_wrappers(model, ALL)
    logs = model.train_step(batch(), wrappers)
    assert {"loss_blur_pix", "loss_blur_gan", "loss_pix", "loss_gan", "loss_blur_d",
            "loss_d"} == set(logs)
    # one backward per generator optimizer (restricted to its own parameters), then each
    # steps and clears its gradients; then the discriminators: no generator step sees a
    # discriminator gradient and no discriminator step a generator gradient
    gens, discs = {"blur_generator", "generator"}, {"blur_discriminator", "discriminator"}
    assert log == [("blur_generator", gens), ("generator", {"generator"}),
                   ("blur_discriminator", discs), ("discriminator", {"discriminator"})]


def test_dbgan_losses_reach_bgan_only_without_detach():
    # BGAN's own losses weigh 0: any BGAN gradient comes from DBGAN's losses
    zero = dict(blur_pixel_loss=None, blur_gan_loss=dict(RBL, loss_weight=0.0))
    for detach, reaches in ((True, False), (False, True)):
        torch.manual_seed(0)
        model = build_joint(detach_blur=detach, **zero)
        wrappers, log = recording_wrappers(model, ALL)
        model.train_step(batch(keys=("inputs", "real_blur")), wrappers)  # sharp-only data
        assert ("blur_generator" in log[0][1]) is reaches
        assert log[0][0] == "blur_generator" and "discriminator" not in log[0][1]
        assert "blur_discriminator" not in log[0][1]
        assert log[2:] == [("blur_discriminator", {"blur_discriminator", "discriminator"}),
                           ("discriminator", {"discriminator"})]


def test_rbl_reaches_blur_generator_in_joint_losses():
    torch.manual_seed(0)
    model = build_joint(blur_pixel_loss=None)
    sharp, real = torch.rand(2, 3, 16, 16), torch.rand(2, 3, 16, 16)
    fake = model.blur_generator(sharp)
    loss = model.blur_adversarial.gen_loss(fake, real=real)
    loss.backward()
    assert has_grad(model.blur_generator) and not has_grad(model.blur_discriminator)
    assert not has_grad(model.generator) and not has_grad(model.discriminator)


def test_joint_updates_both_generators_and_conditional_disc():
    torch.manual_seed(0)
    model = build_joint(conditional_disc=True, discriminator=tiny_discriminator(6),
                        real_pair_ratio=0.5)
    before = {n: snapshot(getattr(model, n)) for n in ALL}
    model.train_step(batch(), adam_wrappers(model, ALL))
    for name in ALL:
        after = getattr(model, name).state_dict()
        assert any(not torch.equal(before[name][k], v) for k, v in after.items()), name
    out = model.val_step(batch(keys=("inputs", "gt")))[0]
    assert {"pred_img", "gt_img", "input_img", "synthetic_blur_img"} <= set(out.keys())
