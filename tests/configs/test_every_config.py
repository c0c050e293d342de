"""Every config in configs/ builds what the Runner builds and trains for real on tiny data.

For each config: the model, its model wrapper (``model_wrapper_cfg`` built as the Runner does,
in a gloo process group of world size 1), its optimizer wrappers (around the wrapped model, as
the Runner does) and its train / val dataloaders, whose datasets read tiny image folders this
module writes under the config's own relative data roots (GoPro + RWBI, the demo data,
Blur2Blur's A/B/C/D folders with GoPro and RB2V). Two training steps run through the wrapper on
one real batch (the second step is where DDP notices parameters that got no gradient, e.g. a
frozen backbone without ``find_unused_parameters``), then one validation step.

Kinds of config, each run as the Runner would:
* trainable: two training steps, then one ``val_step`` on a batch of the val dataloader; a
  config without a val loop (``val_dataloader = None``, the Blur2Blur translator, evaluated
  through its two-stage config) runs its ``val_step`` on the training batch instead;
* test-only (``train_dataloader = None``: training-free classical baselines, the two-stage
  Blur2Blur inference): no optimizer, one ``val_step`` on a batch of the test dataloader.

Speed-ups, and only these:
* the paper-size networks of the GoPro configs (configs/*.py) are shrunk to width 4-16 and one
  block, and their VGG19 perceptual losses become an L1 loss of the same weight (a VGG19 takes
  seconds to build; the perceptual loss has its own tests); the demo configs run as shipped;
* the dataloaders use ``num_workers=0`` (no worker processes), and the training steps use the
  first two samples of the batch the train dataloader gives;
* pretrained weights are ``None`` (none exist offline); every checkpoint a model loads at
  construction (a ``<name>_ckpt`` key of ``model``: the scheme-1 BGAN, Blur2Blur's kernel
  encoder, the two-stage translator / deblurrer) is a checkpoint of ``model.<name>`` that this
  module writes (keys ``generator.*``, as a training run saves them);
* the tiny images are as large as the largest training crop of any config (demo configs and the
  others separately), so every config crops as shipped.
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
    "MIMOUNet": dict(base_channels=4, num_blocks=1),
    "MIMOUNetPlus": dict(base_channels=4, num_blocks=1),
    "KernelWizard": dict(nf=4, front_blocks=1, back_blocks=1, kernel_dim=8, extractor_blocks=1),
    "NAFNet": dict(width=4, enc_blk_nums=[1, 1, 1, 1], middle_blk_num=1, dec_blk_nums=[1, 1, 1, 1]),
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


def largest_crop(demo: bool) -> int:
    """The largest ``crop_size`` of the training pipelines of the demo (or the other) configs."""
    crops = [0]
    for name in CONFIGS:
        if name.startswith("demo/") != demo:
            continue
        loader = Config.fromfile(str(REPO / "configs" / name)).get("train_dataloader")
        if loader is not None:
            crops += [step["crop_size"] for step in find_key(loader, "pipeline", [])
                      if isinstance(step, dict) and "crop_size" in step]
    return max(crops)


def find_key(node, key: str, default):
    """The first value of ``key`` in a nested dict (datasets may wrap datasets)."""
    if isinstance(node, dict):
        if key in node:
            return node[key]
        for value in node.values():
            found = find_key(value, key, None)
            if found is not None:
                return found
    return default


# folders of images under data/, by data set; pairs share file names
FOLDERS = {
    "GOPRO_Large": [f"{split}/seq/{kind}" for split in ("train", "test")
                    for kind in ("blur", "sharp")],
    "RWBI": [""],
    # Blur2Blur with GoPro as the known blur (configs/_base_/datasets/blur2blur_gopro.py)
    "blur2blur_gopro": ["trainA", "trainB", "trainC", "trainD", "test/blur", "test/sharp"],
    # Blur2Blur on RB2V (configs/blur2blur_rb2v.py); 3 images so split_ratio 0.6 leaves A and B
    "RB2V_GOPRO": ["RB2V/train/blur", "RB2V/train/sharp", "RB2V/test/blur", "RB2V/test/sharp",
                   "GOPRO/train/blur", "GOPRO/train/sharp"],
    "demo": ["train/blur", "train/sharp", "train/real_blur", "test_realblur/blur",
             "test_realblur/sharp", "test/blur", "test/sharp", "train_realpairs/blur",
             "train_realpairs/sharp"],
}
NAMES = ["x_00.png", "x_01.png", "x_02.png"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """``data/<set>/<folder>/x_0{0,1,2}.png`` for every set of :data:`FOLDERS`; the demo images
    as large as the largest demo crop, the others as large as the largest other crop."""
    root = tmp_path_factory.mktemp("config_data")
    sizes = dict(demo=largest_crop(demo=True), other=largest_crop(demo=False))
    for seed, (dataset, folders) in enumerate(FOLDERS.items()):
        size = sizes["demo" if dataset == "demo" else "other"]
        for folder in folders:
            write_images(root / "data" / dataset / folder, NAMES, size=size, seed=seed)
    (root / "data" / "GOPRO_Large" / "train_sharp.txt").write_text(
        "".join(f"GOPRO_Large/train/seq/sharp/{name}\n" for name in NAMES))
    (root / "data" / "demo" / ".complete").write_text(f"version={DEMO_VERSION}\n")  # no rebuild
    return root


@pytest.fixture(scope="module")
def process_group(tmp_path_factory):
    """A gloo process group of world size 1: the DDP wrappers need one."""
    store = tmp_path_factory.mktemp("process_group") / "store"
    dist.init_process_group("gloo", init_method=f"file://{store}", rank=0, world_size=1)
    yield
    dist.destroy_process_group()


LOADERS = ("train_dataloader", "val_dataloader", "test_dataloader")
ROOT_KEYS = ("data_root", "root")


def rebase(node, root: Path) -> None:
    """Every relative ``data_root`` / ``root`` in ``node`` moved under ``root`` (in place)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ROOT_KEYS and isinstance(value, str):
                assert not Path(value).is_absolute(), f"{key}={value!r}: configs use relative roots"
                node[key] = str(root / value)
            else:
                rebase(value, root)
    elif isinstance(node, (list, tuple)):
        for value in node:
            rebase(value, root)


def retarget(cfg: Config, root: Path) -> None:
    """Point the datasets of ``cfg`` at the tiny folders under ``root``, without workers."""
    for loader in LOADERS:
        if cfg.get(loader) is not None:
            cfg[loader].update(num_workers=0, persistent_workers=False)
            rebase(cfg[loader]["dataset"], root)


def write_stage_ckpts(cfg: Config, folder: Path) -> None:
    """For every ``<name>_ckpt`` path of ``cfg.model``: a checkpoint of ``cfg.model[name]``
    (keys ``generator.*``, or ``<name>_ckpt_prefix``), and the path pointed at it."""
    model = cfg.model
    for key in [k for k in model if k.endswith("_ckpt") and model[k] is not None]:
        name = key[: -len("_ckpt")]
        assert not Path(model[key]).is_absolute(), f"{key}={model[key]!r} should be relative"
        assert isinstance(model.get(name), dict), f"{key} without a {name} config"
        torch.manual_seed(0)
        net = MODELS.build(model[name])
        prefix = model.get(f"{key}_prefix") or "generator."  # None: auto-detected
        path = folder / f"{name}.pth"
        torch.save({"meta": {}, "state_dict": {f"{prefix}{k}": v
                                               for k, v in net.state_dict().items()}}, path)
        model[key] = str(path)


def check_predictions(out, batch) -> None:
    """One prediction per input, of the input's size; clamped to [0, 1] where a target exists."""
    assert len(out) == len(batch["inputs"])
    assert out[0].pred_img.shape == batch["inputs"][0].shape
    if out[0].get("gt_img") is not None:
        assert out[0].pred_img.shape == out[0].gt_img.shape
        assert float(out[0].pred_img.min()) >= 0 and float(out[0].pred_img.max()) <= 1


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
    write_stage_ckpts(cfg, tmp_path)

    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    # as Runner.wrap_model under a launcher: module= and device_ids=[LOCAL_RANK]
    wrapper = MODEL_WRAPPERS.build(cfg.model_wrapper_cfg,
                                   default_args=dict(module=model, device_ids=[0]))
    assert wrapper.module is model

    if cfg.get("train_dataloader") is None:  # test-only: classical baselines, two-stage models
        assert cfg.get("optim_wrapper") is None and cfg.get("train_cfg") is None
        batch = next(iter(Runner.build_dataloader(cfg.test_dataloader)))
        wrapper.eval()
        check_predictions(wrapper.val_step(batch), batch)
        return

    optim = build_optim_wrapper(wrapper, cfg.optim_wrapper)
    assert set(optim.optim_wrappers) <= set(SUBMODULES)
    for key in [k for k in cfg.model if k.endswith("_ckpt")]:  # frozen: no optimizer
        assert key[: -len("_ckpt")] not in optim.optim_wrappers

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
    if cfg.get("val_dataloader") is None:  # no val loop (Blur2Blur translator): inference path
        assert cfg.get("val_cfg") is None
        batch = train_batch
    else:
        batch = next(iter(Runner.build_dataloader(cfg.val_dataloader)))
    check_predictions(wrapper.val_step(batch), batch)
