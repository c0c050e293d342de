"""Every BGAN / realistic-blur config builds and runs one training and one validation step.

Networks are shrunk (widths, depths) and the VGG perceptual loss is swapped for an L1 loss of
the same weight (no ImageNet weights offline; a VGG19 takes seconds to build), so each config
runs in about a second; the data are tiny temporary folders laid
out as the configs expect (GoPro + RWBI, or the demo data with an up-to-date marker).
"""

from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

from restorekit.demo.data import DEMO_VERSION
from restorekit.registry import DATASETS, MODELS

REPO = Path(__file__).resolve().parents[2]
CONFIGS = [
    "bgan_gopro.py",
    "bgan_unet_gopro.py",
    "realistic_blur_separate_gopro.py",
    "realistic_blur_joint_gopro.py",
    "realistic_blur_joint_unet_gopro.py",
    "demo/bgan_demo.py",
    "demo/bgan_unet_demo.py",
    "demo/realistic_blur_separate_demo.py",
    "demo/realistic_blur_joint_demo.py",
    "demo/realistic_blur_joint_unet_demo.py",
]
SHRINK = {
    "RRDBNet": dict(mid_channels=8, num_blocks=1, growth_channels=4),
    "UNetGenerator": dict(base_channels=4),
    "VGGStyleDiscriminator": dict(base_channels=4),
    "PatchDiscriminator": dict(base_channels=4),
    "GlobalPoolDiscriminator": dict(base_channels=4),
}


def shrink(node):
    """Shrink every network config found in ``node`` (in place)."""
    if isinstance(node, dict):
        kind = node.get("type")
        node.update(SHRINK.get(kind, {}))
        if kind == "PerceptualLoss":  # building a VGG19 takes seconds (tested elsewhere)
            weight = node.get("loss_weight", 1.0)
            node.clear()
            node.update(type="L1Loss", loss_weight=weight)
        if kind == "BlurGenerator" and "backbone" not in node:
            node.update(SHRINK["RRDBNet"])
        for value in node.values():
            shrink(value)
    return node


def write_images(folder: Path, names, size=136, seed=0):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for name in names:
        cv2.imwrite(str(folder / name), rng.integers(0, 256, (size, size, 3), dtype=np.uint8))


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("rb_data")
    gopro = root / "data" / "GOPRO_Large"
    for split in ("train", "test"):
        for kind in ("blur", "sharp"):
            write_images(gopro / split / "seq" / kind, ["000001.png", "000002.png"])
    (gopro / "train_sharp.txt").write_text(
        "GOPRO_Large/train/seq/sharp/000001.png\nGOPRO_Large/train/seq/sharp/000002.png\n")
    write_images(root / "data" / "RWBI", ["a.png", "b.png", "c.png"], seed=1)
    demo = root / "demo"
    for sub in ("train/blur", "train/sharp", "train/real_blur", "test_realblur/blur",
                "test_realblur/sharp", "test/blur", "test/sharp"):
        write_images(demo / sub, ["x_00.png", "x_01.png"], size=72)
    (demo / ".complete").write_text(f"version={DEMO_VERSION}\n")  # no rebuild
    return root


def retarget(cfg: Config, root: Path) -> None:
    """Point every dataset of ``cfg`` at the tiny folders under ``root``."""
    for loader in ("train_dataloader", "val_dataloader"):
        ds = cfg[loader]["dataset"]
        if "root" in ds:  # demo datasets
            ds["root"] = str(root / "demo")
        elif ds["type"] == "UnpairedImageDataset":
            ds["data_root"] = str(root / "data")
        else:
            ds["data_root"] = str(root / "data" / "GOPRO_Large")


def make_bgan_ckpt(cfg: Config, path: Path) -> None:
    torch.manual_seed(0)
    bgan = MODELS.build(cfg.model["blur_generator"])
    torch.save({"meta": {}, "state_dict": {f"generator.{k}": v
                                           for k, v in bgan.state_dict().items()}}, path)


def batch_of(cfg: Config, loader: str, n: int) -> dict:
    dataset = DATASETS.build(cfg[loader]["dataset"])
    return pseudo_collate([dataset[i] for i in range(n)])


@pytest.mark.parametrize("name", CONFIGS)
def test_config_trains_one_step(name, data_dir, tmp_path):
    init_default_scope("restorekit")
    torch.manual_seed(0)
    cfg = Config.fromfile(REPO / "configs" / name)
    shrink(cfg.model)
    retarget(cfg, data_dir)
    if "blur_generator_ckpt" in cfg.model:
        assert cfg.model["blur_generator_ckpt"].startswith("work_dirs/")
        cfg.model["blur_generator_ckpt"] = str(tmp_path / "bgan.pth")
        make_bgan_ckpt(cfg, tmp_path / "bgan.pth")
    model = MODELS.build(cfg.model)
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    assert set(optim.optim_wrappers) == {
        n for n in ("generator", "discriminator", "blur_generator", "blur_discriminator")
        if n in optim.optim_wrappers
    }
    if "blur_generator_ckpt" in cfg.model:
        assert "blur_generator" not in optim.optim_wrappers
    model.train()
    logs = model.train_step(batch_of(cfg, "train_dataloader", 2), optim)
    assert logs and all(torch.isfinite(v).all() for v in logs.values())
    model.eval()
    out = model.val_step(batch_of(cfg, "val_dataloader", 1))
    assert out[0].pred_img.shape == out[0].gt_img.shape
    assert float(out[0].pred_img.min()) >= 0 and float(out[0].pred_img.max()) <= 1
