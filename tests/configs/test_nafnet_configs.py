"""The NAFNet configs state the official GoPro recipe (megvii-research/NAFNet
options/train/GoPro/NAFNet-width{32,64}.yml) and the demo keeps its loss and optimiser."""

from __future__ import annotations

from pathlib import Path

import pytest
from mmengine.config import Config

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


@pytest.mark.parametrize(("name", "width", "weight_decay", "iters", "per_gpu"), [
    ("nafnet_w32_gopro.py", 32, 0.0, 200_000, 4),
    ("nafnet_w64_gopro.py", 64, 1e-3, 400_000, 8),
])
def test_official_recipe(name, width, weight_decay, iters, per_gpu):
    cfg = Config.fromfile(str(CONFIGS / name))
    gen = cfg.model.generator
    assert cfg.model.type == "Restorer" and gen.type == "NAFNet" and gen.width == width
    assert (list(gen.enc_blk_nums), gen.middle_blk_num, list(gen.dec_blk_nums)) == (
        [1, 1, 1, 28], 1, [1, 1, 1, 1])
    assert gen.pad_mode == "constant"
    assert cfg.model.pixel_loss == dict(type="PSNRLoss", loss_weight=1.0)
    wrapper = cfg.optim_wrapper.generator
    assert wrapper.optimizer == dict(type="AdamW", lr=1e-3, betas=(0.9, 0.9),
                                     weight_decay=weight_decay)
    assert wrapper.clip_grad == dict(max_norm=0.01)
    assert cfg.param_scheduler == dict(type="CosineAnnealingLR", T_max=iters, eta_min=1e-7,
                                       by_epoch=False)
    assert cfg.train_cfg.max_iters == iters
    # the batch is per GPU: 8 GPUs give the official total (32 for width32, 64 for width64)
    assert cfg.train_dataloader.batch_size == per_gpu
    assert cfg.auto_scale_lr.base_batch_size == 8 * per_gpu
    crops = [s["crop_size"] for s in cfg.train_dataloader.dataset.pipeline if "crop_size" in s]
    assert crops == [256]


def test_demo_uses_the_same_loss_and_optimiser_on_a_small_network():
    demo = Config.fromfile(str(CONFIGS / "demo" / "nafnet_demo.py"))
    full = Config.fromfile(str(CONFIGS / "nafnet_w32_gopro.py"))
    assert demo.model.pixel_loss == full.model.pixel_loss
    assert demo.optim_wrapper.generator == full.optim_wrapper.generator
    assert demo.model.generator.width < full.model.generator.width
