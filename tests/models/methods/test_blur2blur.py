"""Blur2Blur: translator trainer, kernel-encoder trainer, two-stage inference model, batch GP."""

from __future__ import annotations

import warnings

import pytest
import torch
from kit import has_grad, recording_wrappers
from mmengine.optim import OptimWrapper, OptimWrapperDict

from restorekit.models.losses import GradientPenaltyLoss
from restorekit.registry import MODELS
from restorekit.structures import DataSample

TINY_KW = dict(type="KernelWizard", nf=4, front_blocks=1, back_blocks=1, kernel_dim=8,
               extractor_blocks=1)
TINY_MIMO = dict(type="MIMOUNet", base_channels=4, num_blocks=1)
KEYS = ("inputs", "sharp", "known_blur", "known_sharp")


def translator_cfg(**kw) -> dict:
    cfg = dict(
        type="Blur2Blur", generator=TINY_MIMO,
        discriminator=dict(type="PatchDiscriminator", base_channels=4, n_layers=1,
                           norm="instance"),
        gan_loss=dict(type="GANLoss", gan_type="hinge", disc_loss_weight=0.5),
        gradient_penalty=dict(type="GradientPenaltyLoss", loss_weight=1e-4, eps=1e-16),
        perceptual_loss=dict(type="PerceptualLoss", vgg_type="vgg16", pretrained=None,
                             use_input_norm=False, loss_weight=0.8,
                             layer_weights={"relu2_2": 1 / 32, "relu3_3": 1 / 16}),
        kernel_encoder=TINY_KW)
    return cfg | kw


def build_translator(**kw):
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return MODELS.build(translator_cfg(**kw))


def batch(n=2, size=32, keys=KEYS, seed=0):
    g = torch.Generator().manual_seed(seed)
    data = {k: [torch.randint(0, 256, (3, size, size), generator=g, dtype=torch.uint8)
                for _ in range(n)] for k in keys}
    data["data_samples"] = [DataSample() for _ in range(n)]
    return data


def adam(model, names):
    return OptimWrapperDict(**{n: OptimWrapper(torch.optim.Adam(getattr(model, n).parameters(),
                                                                lr=1e-3)) for n in names})


# ---------------------------------------------------------------------- registration / build
@pytest.mark.parametrize("name", ["Blur2Blur", "KernelEncoderTrainer", "Blur2BlurDeblurrer",
                                  "DemoBlur2BlurDataset"])
def test_registered(name):
    from restorekit.registry import DATASETS

    registry = DATASETS if name.startswith("Demo") else MODELS
    assert registry.get(name) is not None


def test_translator_one_step_logs_all_terms_and_predicts_the_translation():
    model = build_translator()
    logs = model.train_step(batch(), adam(model, ("generator", "discriminator")))
    assert set(logs) == {"loss_d", "loss_gp", "loss_gan", "loss_perceptual"}
    assert all(torch.isfinite(v) for v in logs.values())
    out = model.val_step({"inputs": batch(1, 30)["inputs"], "data_samples": [DataSample()]})
    assert out[0].pred_img.shape == (3, 30, 30)  # padded to 4 and cropped back
    # the kernel encoder is a frozen helper, not part of the checkpoint
    assert not any(k.startswith(("kernel_encoder", "_kernel")) for k in model.state_dict())
    assert model.order == "d_first"


def test_missing_batch_key_names_the_keys():
    model = build_translator()
    with pytest.raises(KeyError, match="known_sharp"):
        model.train_step(batch(keys=("inputs", "sharp", "known_blur")),
                         adam(model, ("generator", "discriminator")))


# ---------------------------------------------------------------------- gradient routing
def test_kernel_encoder_gets_no_gradient_and_stays_frozen_in_eval():
    model = build_translator()
    model.train()
    before = {k: v.clone() for k, v in model.kernel_encoder.state_dict().items()}
    for _ in range(2):
        model.train_step(batch(), adam(model, ("generator", "discriminator")))
    enc = model.kernel_encoder
    assert not enc.training
    assert all(not p.requires_grad and p.grad is None for p in enc.parameters())
    assert all(torch.equal(before[k], v) for k, v in enc.state_dict().items())


def test_targets_are_synthesised_without_graph():
    model = build_translator()
    data = model.prepare_train_data(model.data_preprocessor(batch(), True))
    target = data["known_blur_target"]
    assert not target.requires_grad and target.grad_fn is None
    assert target.shape == data["sharp"].shape and target.min() >= 0 and target.max() <= 1
    # B re-blurred with the (D, C) pair's code, i.e. the encoder's adapt(B, extract(D, C))
    enc = model.kernel_encoder
    expected = enc.adapt(data["sharp"], enc.extract(data["known_sharp"], data["known_blur"]))
    torch.testing.assert_close(target, expected.clamp(0, 1))


def test_d_step_first_and_no_cross_gradients():
    model = build_translator()
    wrappers, log = recording_wrappers(model, ("generator", "discriminator"))
    model.train_step(batch(), wrappers)
    assert [s for s, _ in log] == ["discriminator", "generator"]  # official: D step, then G
    for stepping, holding in log:
        assert holding <= {stepping}, (stepping, holding)


def test_discriminator_losses_give_the_translator_no_gradient():
    model = build_translator()
    data = model.prepare_train_data(model.data_preprocessor(batch(), True))
    outputs = model.run_generators(data)
    detached = {"pred": [o.detach() for o in outputs["pred"]]}
    sum(model.d_losses(data, detached).values()).backward()
    assert not has_grad(model.generator)
    assert has_grad(model.discriminator)


def test_generator_losses_give_the_discriminator_no_gradient():
    model = build_translator()
    data = model.prepare_train_data(model.data_preprocessor(batch(), True))
    sum(model.g_losses(data, model.run_generators(data)).values()).backward()
    assert all(p.grad is None for p in model.discriminator.parameters())
    assert all(p.requires_grad for p in model.discriminator.parameters())
    assert has_grad(model.generator)


def test_one_discriminator_scores_all_three_scales():
    model = build_translator()
    sizes = []
    model.discriminator.register_forward_hook(lambda m, a, o: sizes.append(a[0].shape[-1]))
    data = model.prepare_train_data(model.data_preprocessor(batch(size=32), True))
    model.g_losses(data, model.run_generators(data))
    assert sorted(set(sizes)) == [8, 16, 32]


# ---------------------------------------------------------------------- gradient penalty
def test_gradient_penalty_of_a_batch_is_the_mean_of_per_sample_penalties():
    torch.manual_seed(0)
    disc = MODELS.build(dict(type="PatchDiscriminator", base_channels=4, n_layers=2,
                             norm="instance"))
    gp = GradientPenaltyLoss(loss_weight=1.0, eps=1e-16)
    real, fake = torch.rand(3, 3, 32, 32), torch.rand(3, 3, 32, 32)
    alpha = torch.rand(3, 1, 1, 1)
    batch_gp = gp(disc, real, fake, alpha=alpha)
    singles = [gp(disc, real[i:i + 1], fake[i:i + 1], alpha=alpha[i:i + 1]) for i in range(3)]
    torch.testing.assert_close(batch_gp, torch.stack(singles).mean())
    # the official batch-1 assumption fails here: one norm over the whole batch differs
    x = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    out = disc(x)
    (grad,) = torch.autograd.grad(out, x, torch.ones_like(out))
    one_norm = ((grad.flatten().norm() - 1) ** 2)
    assert not torch.allclose(one_norm, batch_gp)


def test_gradient_penalty_default_alpha_is_per_sample():
    gp = GradientPenaltyLoss(loss_weight=1.0)
    seen = []

    def disc(x):
        seen.append(x.detach())
        return x.sum(dim=(1, 2, 3))

    real, fake = torch.ones(4, 3, 2, 2), torch.zeros(4, 3, 2, 2)
    gp(disc, real, fake)
    alphas = seen[0][:, 0, 0, 0]
    assert len(set(alphas.tolist())) == 4


# ---------------------------------------------------------------------- kernel encoder trainer
def test_kernel_encoder_trainer_one_step_and_reblur_prediction():
    torch.manual_seed(0)
    model = MODELS.build(dict(type="KernelEncoderTrainer", generator=TINY_KW,
                              pixel_loss=dict(type="CharbonnierLoss")))
    data = batch(keys=("inputs", "gt"))
    logs = model.train_step(data, adam(model, ("generator",)))
    assert set(logs) == {"loss_pix"} and torch.isfinite(logs["loss_pix"])
    out = model.val_step(batch(1, 24, keys=("inputs", "gt")))
    assert out[0].pred_img.shape == (3, 24, 24) and out[0].gt_img.shape == (3, 24, 24)
    with pytest.raises(ValueError, match="not a deblurring model"):
        model(torch.rand(1, 3, 24, 24), mode="tensor")


def test_translator_loads_a_trained_kernel_encoder_strictly(tmp_path):
    torch.manual_seed(1)
    trainer = MODELS.build(dict(type="KernelEncoderTrainer", generator=TINY_KW,
                                pixel_loss=dict(type="CharbonnierLoss")))
    path = tmp_path / "kw.pth"
    torch.save({"state_dict": trainer.state_dict()}, path)
    model = build_translator(kernel_encoder_ckpt=str(path))
    for k, v in trainer.generator.state_dict().items():
        assert torch.equal(model.kernel_encoder.state_dict()[k], v)
    with pytest.raises(ValueError, match="kernel encoder"):  # same keys, other shapes
        build_translator(kernel_encoder=TINY_KW | dict(nf=8), kernel_encoder_ckpt=str(path))
    with pytest.raises(FileNotFoundError, match="GOPRO_woVAE"):
        build_translator(kernel_encoder_ckpt=str(tmp_path / "missing.pth"))


# ---------------------------------------------------------------------- two-stage model
def two_stage_cfg(**kw) -> dict:
    return dict(type="Blur2BlurDeblurrer", translator=TINY_MIMO, deblurrer=TINY_MIMO) | kw


def test_two_stage_loads_each_stage_and_chains_them(tmp_path):
    torch.manual_seed(0)
    translator = build_translator()
    restorer = MODELS.build(dict(type="Restorer", generator=TINY_MIMO,
                                 pixel_loss=dict(type="L1Loss")))
    torch.save({"state_dict": translator.state_dict()}, tmp_path / "t.pth")
    torch.save({"state_dict": restorer.state_dict()}, tmp_path / "d.pth")
    model = MODELS.build(two_stage_cfg(translator_ckpt=str(tmp_path / "t.pth"),
                                       deblurrer_ckpt=str(tmp_path / "d.pth"))).eval()
    x = torch.rand(1, 3, 22, 18)  # not a multiple of 4: padded inside, cropped back
    with torch.no_grad():
        y = model(x, mode="tensor")
        from restorekit.models.padding import PadPolicy, pad_to_policy

        xp = pad_to_policy(x, PadPolicy(4))
        t = translator.generator(xp)[-1]
        expected = restorer.generator(t)[-1][..., :22, :18]
    torch.testing.assert_close(y, expected)
    out = model.val_step({"inputs": [torch.randint(0, 256, (3, 22, 18), dtype=torch.uint8)],
                          "gt": [torch.randint(0, 256, (3, 22, 18), dtype=torch.uint8)],
                          "data_samples": [DataSample()]})
    assert out[0].pred_img.shape == out[0].translated_img.shape == (3, 22, 18)
    assert model.generator.size_divisor == 4
    with pytest.raises(RuntimeError, match="inference-only"):
        model.train_step({}, None)


def test_two_stage_gives_the_stages_no_gradient_at_inference():
    model = MODELS.build(two_stage_cfg()).eval()
    x = torch.rand(1, 3, 16, 16, requires_grad=True)
    model.predict(x)
    assert all(p.grad is None for p in model.parameters())


def test_two_stage_stage_checkpoint_errors(tmp_path):
    torch.save({"state_dict": {"generator.other.weight": torch.zeros(1)}}, tmp_path / "x.pth")
    with pytest.raises(KeyError, match="translator"):
        MODELS.build(two_stage_cfg(translator_ckpt=str(tmp_path / "x.pth")))
    with pytest.raises(FileNotFoundError, match="translator"):
        MODELS.build(two_stage_cfg(translator_ckpt=str(tmp_path / "nope.pth")))
    restorer = MODELS.build(dict(type="Restorer", generator=TINY_MIMO | dict(base_channels=8),
                                 pixel_loss=dict(type="L1Loss")))
    torch.save({"state_dict": restorer.state_dict()}, tmp_path / "d.pth")
    with pytest.raises(ValueError, match="deblurrer"):  # same keys, other shapes
        MODELS.build(two_stage_cfg(deblurrer_ckpt=str(tmp_path / "d.pth")))
