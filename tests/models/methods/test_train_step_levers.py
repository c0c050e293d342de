"""Training-speed levers give the baseline step's losses, gradients and weights.

Each lever (``channels_last``, ``generator.with_cp``, ``compile_networks``) runs two DBGAN
steps (VGG perceptual loss with random weights, relativistic GAN loss, batch-norm VGG-style
discriminator) from the same weights on the same batches as the plain step; the gradients
each optimizer steps with are recorded and compared.
"""

from __future__ import annotations

import pytest
import torch
from kit import tiny_dbgan
from mmengine.optim import OptimWrapper, OptimWrapperDict

from restorekit.registry import MODELS
from restorekit.structures import DataSample


def build(**overrides):
    cfg = tiny_dbgan(
        generator=dict(type="RRDBNet", mid_channels=8, num_blocks=2, growth_channels=4),
        discriminator=dict(type="VGGStyleDiscriminator", base_channels=4, norm="batch",
                           input_size=64),
        perceptual_loss=dict(type="PerceptualLoss", layer_weights={"conv2_2": 1.0},
                             pretrained=None),
    )
    generator_overrides = overrides.pop("generator", {})
    cfg["generator"].update(generator_overrides)
    cfg.update(overrides)
    torch.manual_seed(0)
    return MODELS.build(cfg)


class Recording(OptimWrapper):
    """SGD wrapper keeping a copy of the gradients of every ``step``."""

    def __init__(self, params):
        self.params = list(params)
        super().__init__(torch.optim.SGD(self.params, lr=0.1))
        self.grads: list[list[torch.Tensor]] = []

    def step(self, **kwargs):
        self.grads.append([p.grad.detach().clone() for p in self.params])
        super().step(**kwargs)


def batches(n=2, size=64):
    g = torch.Generator().manual_seed(0)
    out = []
    for _ in range(2):
        sharp = torch.randint(0, 256, (n, 3, size, size), dtype=torch.uint8, generator=g)
        blurred = (sharp.float() * 0.5 + 64).byte()
        out.append(dict(inputs=list(blurred), gt=list(sharp),
                        data_samples=[DataSample() for _ in range(n)]))
    return out


def run(model, reference=None):
    """Two train steps; returns (logs per step, recorded grads per wrapper, model)."""
    if reference is not None:
        model.load_state_dict(reference.state_dict())
    optim = OptimWrapperDict(generator=Recording(model.generator.parameters()),
                             discriminator=Recording(model.discriminator.parameters()))
    logs = [{k: v.item() for k, v in model.train_step(b, optim).items()} for b in batches()]
    return logs, {k: w.grads for k, w in optim.items()}, model


def assert_same_step(lever, base, atol=1e-6, rtol=1e-4):
    logs, grads, model = lever
    base_logs, base_grads, base_model = base
    assert logs[0].keys() == base_logs[0].keys()
    for a, b in zip(logs, base_logs):
        for key in a:
            assert a[key] == pytest.approx(b[key], rel=rtol, abs=atol), key
    for name in grads:
        assert len(grads[name]) == len(base_grads[name]) == 2
        for step_a, step_b in zip(grads[name], base_grads[name]):
            scale = max(float(g.abs().max()) for g in step_b)
            for g, h in zip(step_a, step_b):
                assert float((g - h).abs().max()) <= rtol * scale + 1e-12, name
    # weights after two SGD(lr=0.1) steps: lr x the gradient tolerance (D gradients reach ~5)
    state, base_state = model.state_dict(), base_model.state_dict()
    for key, value in base_state.items():
        assert torch.allclose(state[key].float(), value.float(), atol=1e-4, rtol=0), key


@pytest.fixture(scope="module")
def baseline():
    reference = build()
    start = {k: v.clone() for k, v in reference.state_dict().items()}
    result = run(reference)
    fresh = build()
    fresh.load_state_dict(start)
    return result, fresh  # the recorded baseline run and a model holding its start weights


def test_channels_last_step_matches_the_plain_step(baseline):
    result, start = baseline
    model = build(channels_last=True)
    assert model.generator.conv_first.weight.is_contiguous(memory_format=torch.channels_last)
    assert_same_step(run(model, start), result)


def test_activation_checkpointing_step_matches_the_plain_step(baseline):
    result, start = baseline
    for overrides in (dict(generator=dict(with_cp=True)),
                      dict(generator=dict(with_cp=True), channels_last=True)):
        assert_same_step(run(build(**overrides), start), result)


def test_compiled_networks_step_matches_the_plain_step(baseline):
    result, start = baseline
    model = build(compile_networks=True)
    assert all(b._compiled_call_impl is not None for b in model.generator.body)
    assert model.discriminator._compiled_call_impl is not None
    assert list(model.state_dict()) == list(start.state_dict())  # keys unchanged
    assert_same_step(run(model, start), result)
    # compiled blocks inside activation checkpoints, channels-last
    model = build(compile_networks=True, channels_last=True, generator=dict(with_cp=True))
    assert_same_step(run(model, start), result)


def test_gradients_are_freed_between_steps(baseline):
    _, _, model = baseline[0]
    # mmengine's zero_grad -> optimizer.zero_grad(set_to_none=True): no gradient buffers
    # stay allocated between iterations
    assert all(p.grad is None for p in model.parameters())


def amp_wrappers(model, monkeypatch, dtype):
    """mmengine's ``AmpOptimWrapper`` (the CUDA path of ``tools/train.py --amp``) built on
    this CPU-only machine: its device check is patched, autocast then runs on the CPU and the
    GradScaler disables itself (it needs CUDA) -- the wrapper's code path is the GPU one."""
    from mmengine.optim import AmpOptimWrapper
    from mmengine.optim.optimizer import amp_optimizer_wrapper

    monkeypatch.setattr(amp_optimizer_wrapper, "is_cuda_available", lambda: True)
    return OptimWrapperDict(**{
        name: AmpOptimWrapper(optimizer=torch.optim.SGD(getattr(model, name).parameters(),
                                                        lr=0.1), dtype=dtype)
        for name in ("generator", "discriminator")})


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_autocast_step_with_checkpointing_and_channels_last(baseline, monkeypatch):
    """Under the AMP wrapper the networks run in low precision (the generator's convolutions
    give bf16), activation checkpointing recomputes under the same autocast state (gradients
    equal to the non-checkpointed AMP step) and the losses stay near the fp32 step's."""
    (fp32_logs, _, _), start = baseline
    runs = []
    for with_cp in (False, True):
        model = build(generator=dict(with_cp=with_cp), channels_last=True)
        model.load_state_dict(start.state_dict())
        dtypes: list[torch.dtype] = []
        model.generator.conv_first.register_forward_hook(
            lambda m, i, o, _d=dtypes: _d.append(o.dtype))
        optim = amp_wrappers(model, monkeypatch, "bfloat16")
        grads: list[list[torch.Tensor]] = []
        for wrapper in optim.values():
            original = wrapper.step
            wrapper.step = lambda _o=original, _w=wrapper, _g=grads, **kw: (_g.append(
                [p.grad.clone() for g in _w.optimizer.param_groups for p in g["params"]]), _o())
        logs = [{k: v.item() for k, v in model.train_step(b, optim).items()} for b in batches()]
        runs.append((logs, grads, dtypes))
    (logs, grads, dtypes), (cp_logs, cp_grads, _) = runs
    assert dtypes and all(d == torch.bfloat16 for d in dtypes)
    assert logs == cp_logs
    for a, b in zip(grads, cp_grads):
        assert all(torch.allclose(g, h, rtol=1e-3, atol=1e-6) for g, h in zip(a, b))
    for key in ("loss_pix", "loss_perceptual", "loss_d"):
        assert logs[0][key] == pytest.approx(fp32_logs[0][key], rel=0.05), key
