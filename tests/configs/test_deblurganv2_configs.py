"""The DeblurGAN-v2 configs keep the official settings, and their schedule reproduces the
official LinearDecay (every config builds and trains in test_every_config.py)."""

from __future__ import annotations

import pytest
import torch
from kit import REPO
from mmengine.config import Config

from restorekit.registry import PARAM_SCHEDULERS


@pytest.mark.parametrize("name", ["configs/deblurganv2_fpn_mobilenet_gopro.py",
                                  "configs/deblurganv2_fpn_inception_gopro.py"])
def test_deblurganv2_gopro_settings(name: str):
    cfg = Config.fromfile(str(REPO / name))
    model = cfg.model
    assert model.type == "DeblurGANv2" and model.train_cfg.warmup_iters == 3000
    assert model.gan_loss.pool_size == 50
    assert model.gan_loss.loss_weight == model.gan_loss.disc_loss_weight == 0.001
    assert model.perceptual_loss.layer_weights == {"conv3_3": 1.0}
    assert model.perceptual_loss.loss_weight == 0.006
    assert model.pixel_loss.loss_weight == pytest.approx(
        0.5 * sum(1 / s**2 for s in (0.229, 0.224, 0.225)) / 3, abs=1e-3)
    assert cfg.train_dataloader.batch_size == 1
    crop = [t for t in cfg.train_dataloader.dataset.pipeline if t.type == "PairedRandomCrop"]
    assert crop[0].crop_size == 256
    # validation sees clean images: loading and packing only, no random corruption
    assert {t.type for t in cfg.val_dataloader.dataset.pipeline} == {"LoadImageFromFile",
                                                                      "PackInputs"}
    assert cfg.model.data_preprocessor.pad_size_divisor == 1  # the FPN pads to 32 itself
    assert cfg.model_wrapper_cfg.find_unused_parameters  # frozen backbone under DDP


def official_linear_decay(epoch: int, start: int = 50, base: float = 1e-4, min_lr: float = 1e-7,
                          num_epochs: int = 200) -> float:
    """DeblurGAN-v2 ``LinearDecay`` (schedulers.py) at scheduler epoch ``epoch``."""
    if epoch < start:
        return base
    return base - (base - min_lr) / num_epochs * (epoch - start)


def test_schedule_reproduces_the_official_linear_decay():
    cfg = Config.fromfile(str(REPO / "configs/_base_/schedules/deblurganv2_schedule.py"))
    assert cfg.max_iters == 200_000 and cfg.warmup_iters == 3000
    # G's optimizer and scheduler are rebuilt after the warm-up: its clock starts at 3000
    for name, offset in (("discriminator", 0), ("generator", cfg.warmup_iters)):
        param = torch.nn.Parameter(torch.zeros(1))
        optimizer = torch.optim.Adam([param], lr=cfg.base_lr)
        (sched_cfg,) = cfg.param_scheduler[name]
        scheduler = PARAM_SCHEDULERS.build(dict(sched_cfg, optimizer=optimizer))
        lrs = {}
        for it in range(cfg.max_iters):  # the lr used by iteration `it`
            if it % cfg.epoch_iters == 0 or it == cfg.max_iters - 1:
                lrs[it] = optimizer.param_groups[0]["lr"]
            scheduler.step()
        for it, lr in lrs.items():
            epoch = (it - offset) / cfg.epoch_iters
            if it % cfg.epoch_iters == 0 and epoch >= 0:  # every epoch start: exact
                assert lr == pytest.approx(official_linear_decay(int(epoch)), rel=1e-6), it
        # the last iteration: the official formula at its fractional epoch, within the last
        # official epoch's step of its value
        last = lrs[cfg.max_iters - 1]
        last_epoch = (cfg.max_iters - 1 - offset) / cfg.epoch_iters
        assert last == pytest.approx(official_linear_decay(last_epoch), rel=1e-6)
        assert abs(last - official_linear_decay(int(last_epoch))) < 1e-4 * 0.999 / 200
    assert lrs[cfg.max_iters - 1] == pytest.approx(2.657e-5, rel=1e-3)  # G ends higher
