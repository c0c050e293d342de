"""Generator EMA: averaged after G steps, saved and resumed, used for predict; D not averaged."""

from __future__ import annotations

import torch
from kit import adam_wrappers, batch, tiny_discriminator, tiny_generator
from kit import realistic_blur_preprocessor as preprocessor

from restorekit.registry import MODELS


def build(**ema):
    torch.manual_seed(0)
    return MODELS.build(dict(
        type="DBGAN", generator=tiny_generator(), discriminator=tiny_discriminator(),
        pixel_loss=dict(type="L1Loss"), gan_loss=dict(type="RelativisticAverageLoss", mode="ls"),
        data_preprocessor=preprocessor(), ema_cfg=dict(momentum=0.5, **ema)))


def test_ema_follows_the_formula_and_is_used_for_predict():
    model = build()
    wrappers = adam_wrappers(model, ("generator", "discriminator"))
    model.train_step(batch(), wrappers)  # first update copies G
    g1 = {k: v.clone() for k, v in model.generator.named_parameters()}
    assert all(torch.equal(model.generator_ema.module.get_parameter(k), v) for k, v in g1.items())
    model.train_step(batch(seed=1), wrappers)
    for name, p in model.generator.named_parameters():
        want = 0.5 * g1[name] + 0.5 * p.detach()
        assert torch.allclose(model.generator_ema.module.get_parameter(name), want, atol=1e-6)
        assert not torch.equal(p, want)  # G moved, the average lags
    assert not any(k.startswith("discriminator_ema") for k in model.state_dict())
    data = model.data_preprocessor(batch(keys=("inputs", "gt")), False)
    pred = model(**data, mode="predict")[0].pred_img
    with torch.no_grad():
        want = model.generator_ema.module(data["inputs"])[0].clamp(0, 1)
        raw = model.generator(data["inputs"])[0].clamp(0, 1)
    assert torch.allclose(pred, want) and not torch.allclose(pred, raw)


def test_ema_round_trips_through_the_state_dict_and_respects_start_iter():
    model = build(start_iter=1)
    wrappers = adam_wrappers(model, ("generator", "discriminator"))
    before = {k: v.clone() for k, v in model.generator_ema.state_dict().items()}
    model.train_step(batch(), wrappers)  # iteration 0 < start_iter: no update
    assert all(torch.equal(before[k], v) for k, v in model.generator_ema.state_dict().items())
    model.train_step(batch(seed=1), wrappers)
    state = model.state_dict()
    assert any(k.startswith("generator_ema.module.") for k in state)
    other = build(start_iter=1)
    other.load_state_dict(state)
    for (k, a), b in zip(model.generator_ema.state_dict().items(),
                         other.generator_ema.state_dict().values()):
        assert torch.equal(a, b), k


def test_init_model_uses_the_moving_average(tmp_path):
    from restorekit.apis import init_model

    model = build()
    wrappers = adam_wrappers(model, ("generator", "discriminator"))
    for seed in range(3):
        model.train_step(batch(seed=seed), wrappers)
    path = tmp_path / "ema.pth"
    torch.save({"state_dict": model.state_dict(), "meta": {}}, path)
    cfg = dict(model=dict(type="DBGAN", generator=tiny_generator(),
                          discriminator=tiny_discriminator(), pixel_loss=dict(type="L1Loss"),
                          gan_loss=dict(type="RelativisticAverageLoss", mode="ls"),
                          ema_cfg=dict(momentum=0.5)))
    loaded = init_model(cfg, str(path))
    for name, p in loaded.generator.named_parameters():
        assert torch.equal(p, model.generator_ema.module.get_parameter(name)), name
    assert any(not torch.equal(p, model.generator.get_parameter(n))
               for n, p in loaded.generator.named_parameters())
