"""What the config structure promises (docs/configs.md): one definition per shared network
block, the make-demo schedules, crop sizes set by name, one DDP wrapper everywhere."""

from __future__ import annotations

import pytest
from kit import REPO
from mmengine.config import Config

CONFIGS = sorted(
    p.relative_to(REPO / "configs").as_posix()
    for p in (REPO / "configs").rglob("*.py")
    if "_base_" not in p.parts
)
# what `make demo` trained before the demo configs carried their own schedules
# (tools/demo.py and restorekit/apis/realistic_blur_demo.py at 093f73f), iterations per config
MAKE_DEMO_ITERS = {
    "demo/dbgan_demo.py": 300,
    "demo/dbgan_unet_demo.py": 300,
    "demo/deblurganv2_demo.py": 300,
    "demo/realistic_blur_joint_demo.py": 150,
}


def load(name: str) -> Config:
    return Config.fromfile(str(REPO / "configs" / name))


@pytest.mark.parametrize("name", sorted(MAKE_DEMO_ITERS))
def test_demo_configs_carry_the_make_demo_schedule(name):
    cfg, iters = load(name), MAKE_DEMO_ITERS[name]
    assert cfg.train_cfg == dict(type="IterBasedTrainLoop", max_iters=iters, val_interval=iters)
    assert cfg.param_scheduler == dict(type="CosineAnnealingLR", T_max=iters, eta_min=1e-5,
                                       by_epoch=False)
    ckpt = cfg.default_hooks.checkpoint
    assert (ckpt.interval, ckpt.max_keep_ckpts, ckpt.save_last, ckpt.by_epoch) == (iters, 1, True,
                                                                                   False)
    assert cfg.model.channels_last is True


def test_one_bgan_generator_for_bgan_and_both_schemes():
    bgan = load("bgan_gopro.py").model.generator
    assert load("realistic_blur_separate_gopro.py").model.blur_generator == bgan
    assert load("realistic_blur_joint_gopro.py").model.blur_generator == bgan
    demo_bgan = load("demo/bgan_demo.py").model.generator
    assert load("demo/realistic_blur_separate_demo.py").model.blur_generator == demo_bgan
    assert load("demo/realistic_blur_joint_demo.py").model.blur_generator == demo_bgan


def without_init(net: dict) -> dict:
    """A network config without its training-time initialisation arguments."""
    return {k: v for k, v in net.items() if k not in ("init", "init_std")}


# (config that loads a checkpoint, its network key, config that trains it, its network key)
LOADED_STAGES = [
    ("blur2blur_gopro.py", "kernel_encoder", "kernel_wizard_gopro.py", "generator"),
    ("blur2blur_deblur_gopro.py", "translator", "blur2blur_gopro.py", "generator"),
    ("blur2blur_deblur_gopro.py", "deblurrer", "mimo_unet_gopro.py", "generator"),
    ("demo/blur2blur_demo.py", "kernel_encoder", "demo/kernel_wizard_demo.py", "generator"),
    ("demo/blur2blur_two_stage_demo.py", "translator", "demo/blur2blur_demo.py", "generator"),
    ("demo/blur2blur_two_stage_demo.py", "deblurrer", "demo/mimo_unet_demo.py", "generator"),
]


@pytest.mark.parametrize(("loader", "stage", "trainer", "net"), LOADED_STAGES)
def test_loaded_stages_are_the_trained_architectures(loader, stage, trainer, net):
    """A network loaded strictly from another config's checkpoint is that config's block."""
    assert without_init(load(loader).model[stage]) == without_init(load(trainer).model[net])


#: configs that train (test-only configs, train_dataloader=None, have no pipeline to crop)
TRAINING_CONFIGS = [name for name in CONFIGS if load(name).train_dataloader is not None]


@pytest.mark.parametrize("name", TRAINING_CONFIGS)
def test_crop_sizes_are_set_by_name(name):
    """The crop of the training pipeline is the config's ``crop_size``."""
    cfg = load(name)
    crops = [step.crop_size for step in cfg.train_dataloader.dataset.pipeline
             if "crop_size" in step]
    assert crops and set(crops) == {cfg.crop_size}
    assert cfg.train_pipeline == cfg.train_dataloader.dataset.pipeline


@pytest.mark.parametrize("name", CONFIGS)
def test_every_config_uses_restorekits_ddp_wrapper(name):
    wrapper = load(name).model_wrapper_cfg
    assert wrapper.type == "restorekit.SeparateDistributedDataParallel"
    # the DeblurGAN-v2 backbone warm-up leaves parameters without gradients
    assert wrapper.find_unused_parameters == ("deblurganv2" in name)
