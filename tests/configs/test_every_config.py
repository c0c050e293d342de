"""Every config in configs/ builds what the Runner builds and trains for real on tiny data.

For each config: the model, its model wrapper (``model_wrapper_cfg`` built as the Runner does,
in a gloo process group of world size 1), its optimizer wrappers (around the wrapped model, as
the Runner does) and its train / val dataloaders, whose datasets read tiny image folders this
module writes (GoPro + RWBI layouts, the demo layout). Two training steps run through the
wrapper on one real batch (the second step is where DDP notices parameters that got no
gradient, e.g. a frozen backbone without ``find_unused_parameters``), then one validation step.

Speed-ups, and only these:
* the paper-size networks of the GoPro configs (configs/*.py) are shrunk to width 4-16 and one
  block, and their VGG19 perceptual losses become an L1 loss of the same weight (a VGG19 takes
  seconds to build; the perceptual loss has its own tests); the demo configs run as shipped;
* the dataloaders use ``num_workers=0`` (no worker processes), and the training steps use the
  first two samples of the batch the train dataloader gives;
* pretrained weights are ``None`` (none exist offline) and a scheme-1 config loads a BGAN
  checkpoint this module writes.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
import torch.distributed as dist
from kit import REPO, write_images
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import MODEL_WRAPPERS, init_default_scope
from mmengine.runner import Runner

from restorekit.demo.data import DEMO_VERSION
from restorekit.registry import MODELS

CONFIGS = sorted(
    p.relative_to(REPO / "configs").as_posix()
    for p in (REPO / "configs").rglob("*.py")
    if "_base_" not in p.parts
)
SUBMODULES = ("generator", "discriminator", "blur_generator", "blur_discriminator")
WEIGHT_KEYS = ("pretrained", "pretrained_backbone", "init_cfg")
SHRINK = {
    "RRDBNet": dict(mid_channels=8, num_blocks=1, growth_channels=4),
    "UNetGenerator": dict(base_channels=4),
    "FPNGenerator": dict(num_filters=16, num_filters_fpn=32),
    "VGGStyleDiscriminator": dict(base_channels=4),
    "PatchDiscriminator": dict(base_channels=4),
    "DoubleScaleDiscriminator": dict(base_channels=4),
}
# log keys the variant methods must report (DeblurGAN-v2 and the U-Net / PatchGAN DBGAN)
LOG_KEYS = {"loss_d", "loss_gan", "loss_pix"}
LOG_KEYS_CONFIGS = (
    "deblurganv2_fpn_mobilenet_gopro.py",
    "deblurganv2_fpn_inception_gopro.py",
    "demo/deblurganv2_demo.py",
    "dbgan_unet_gopro.py",
    "demo/dbgan_unet_demo.py",
)


def strip_weights(node):
    """Every pretrained-weight reference set to None, recursively (in place)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in WEIGHT_KEYS:
                node[key] = None
            else:
                strip_weights(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            strip_weights(value)
    return node


def shrink(node):
    """Shrink every network config found in ``node`` (in place); see the module docstring."""
    if isinstance(node, dict):
        kind = node.get("type")
        node.update(SHRINK.get(kind, {}))
        if kind == "PerceptualLoss":
            weight = node.get("loss_weight", 1.0)
            node.clear()
            node.update(type="L1Loss", loss_weight=weight)
        if kind == "BlurGenerator" and "backbone" not in node:
            node.update(SHRINK["RRDBNet"])
        for value in node.values():
            shrink(value)
    return node


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """GoPro (256 px: the largest crop), RWBI and demo (96 px) folders with a few images."""
    root = tmp_path_factory.mktemp("config_data")
    gopro = root / "data" / "GOPRO_Large"
    for split in ("train", "test"):
        for kind in ("blur", "sharp"):
            write_images(gopro / split / "seq" / kind, ["000001.png", "000002.png"], size=256)
    (gopro / "train_sharp.txt").write_text(
        "GOPRO_Large/train/seq/sharp/000001.png\nGOPRO_Large/train/seq/sharp/000002.png\n")
    write_images(root / "data" / "RWBI", ["a.png", "b.png", "c.png"], size=256, seed=1)
    demo = root / "demo"
    for sub in ("train/blur", "train/sharp", "train/real_blur", "test_realblur/blur",
                "test_realblur/sharp", "test/blur", "test/sharp"):
        write_images(demo / sub, ["x_00.png", "x_01.png"], size=96)
    (demo / ".complete").write_text(f"version={DEMO_VERSION}\n")  # no rebuild
    return root


@pytest.fixture(scope="module")
def process_group(tmp_path_factory):
    """A gloo process group of world size 1: the DDP wrappers need one."""
    store = tmp_path_factory.mktemp("process_group") / "store"
    dist.init_process_group("gloo", init_method=f"file://{store}", rank=0, world_size=1)
    yield
    dist.destroy_process_group()


def retarget(cfg: Config, root: Path) -> None:
    """Point the train / val datasets of ``cfg`` at the tiny folders under ``root``."""
    for loader in ("train_dataloader", "val_dataloader"):
        cfg[loader].update(num_workers=0, persistent_workers=False)
        dataset = cfg[loader]["dataset"]
        if "root" in dataset:  # demo datasets
            dataset["root"] = str(root / "demo")
        elif dataset["type"] == "UnpairedImageDataset":
            dataset["data_root"] = str(root / "data")
        else:
            dataset["data_root"] = str(root / "data" / "GOPRO_Large")


def write_bgan_ckpt(cfg: Config, path: Path) -> None:
    """A BGAN checkpoint (``generator.`` keys) of ``cfg.model.blur_generator``."""
    torch.manual_seed(0)
    bgan = MODELS.build(cfg.model["blur_generator"])
    torch.save({"meta": {}, "state_dict": {f"generator.{k}": v
                                           for k, v in bgan.state_dict().items()}}, path)


def test_configs_were_found():
    assert {"dbgan_gopro.py", "demo/dbgan_demo.py"} <= set(CONFIGS)


@pytest.mark.parametrize("name", CONFIGS)
def test_config_builds_and_trains(name, data_dir, process_group, tmp_path):
    init_default_scope("restorekit")
    cfg = Config.fromfile(str(REPO / "configs" / name))
    assert cfg.default_scope == "restorekit"
    strip_weights(cfg.model)
    if not name.startswith("demo/"):
        shrink(cfg.model)
    retarget(cfg, data_dir)
    if "blur_generator_ckpt" in cfg.model:
        assert cfg.model["blur_generator_ckpt"].startswith("work_dirs/")
        cfg.model["blur_generator_ckpt"] = str(tmp_path / "bgan.pth")
        write_bgan_ckpt(cfg, tmp_path / "bgan.pth")

    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    if cfg.get("optim_wrapper") is None:  # test-only config (training-free classical baseline)
        assert cfg.get("train_dataloader") is None and cfg.get("test_dataloader")
        out = model.val_step(next(iter(Runner.build_dataloader(cfg.test_dataloader))))
        assert out[0].pred_img.shape == out[0].gt_img.shape
        return
    # as Runner.wrap_model under a launcher: module= and device_ids=[LOCAL_RANK]
    wrapper = MODEL_WRAPPERS.build(cfg.model_wrapper_cfg,
                                   default_args=dict(module=model, device_ids=[0]))
    assert wrapper.module is model
    optim = build_optim_wrapper(wrapper, cfg.optim_wrapper)
    assert set(optim.optim_wrappers) <= set(SUBMODULES)
    if "blur_generator_ckpt" in cfg.model:  # the frozen BGAN has no optimizer
        assert "blur_generator" not in optim.optim_wrappers

    train_batch = next(iter(Runner.build_dataloader(cfg.train_dataloader)))
    assert len(train_batch["inputs"]) == cfg.train_dataloader.batch_size
    train_batch = {key: value[:2] for key, value in train_batch.items()}
    wrapper.train()
    for _ in range(2):
        logs = wrapper.train_step(train_batch, optim)
        assert logs, "no loss was logged"
        assert all(math.isfinite(float(v)) for v in logs.values()), logs
    if name in LOG_KEYS_CONFIGS:
        assert set(logs) >= LOG_KEYS

    wrapper.eval()
    out = wrapper.val_step(next(iter(Runner.build_dataloader(cfg.val_dataloader))))
    assert out[0].pred_img.shape == out[0].gt_img.shape
    assert float(out[0].pred_img.min()) >= 0 and float(out[0].pred_img.max()) <= 1
