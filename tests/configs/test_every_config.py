"""Every config in configs/ parses, builds its model and runs one training step on tiny inputs
(test-only configs without an optimiser, the classical baselines, run one val_step).

Pretrained weights and checkpoints named by a config are replaced by ``None`` (random
weights): no ImageNet weights exist offline, and the loading paths have their own tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from restorekit.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS
from restorekit.structures import DataSample

REPO = Path(__file__).resolve().parents[2]
CONFIGS = sorted(p for p in (REPO / "configs").rglob("*.py") if "_base_" not in p.parts)
WEIGHT_KEYS = ("pretrained", "pretrained_backbone", "init_cfg")
# fully convolutional paper-size networks whose 256-pixel training crop is slow on CPU: one
# step on a smaller crop runs the same code (their crop size is asserted in their own tests)
SMALL_CROP = {"nafnet_w32_gopro.py": 32, "nafnet_w64_gopro.py": 32}


def strip_weights(node):
    """Replace every pretrained-weight / checkpoint reference with None, recursively."""
    if isinstance(node, dict):
        return {
            k: (None if (k in WEIGHT_KEYS or k.endswith("_ckpt")) else strip_weights(v))
            for k, v in node.items()
        }
    if isinstance(node, (list, tuple)):
        return type(node)(strip_weights(v) for v in node)
    return node


def crop_size(cfg: Config) -> int:
    pipeline = cfg.get("train_dataloader", {}).get("dataset", {}).get("pipeline", [])
    for step in pipeline:
        if isinstance(step, dict) and "crop_size" in step:
            size = step["crop_size"]
            return size if isinstance(size, int) else size[0]
    return 64


def test_configs_were_found():
    names = {p.relative_to(REPO / "configs").as_posix() for p in CONFIGS}
    assert {"dbgan_gopro.py", "demo/dbgan_demo.py"} <= names


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.relative_to(REPO / "configs").as_posix())
def test_config_builds_and_trains_one_step(path):
    cfg = Config.fromfile(str(path))
    assert cfg.default_scope == "restorekit"
    torch.manual_seed(0)
    model = MODELS.build(strip_weights(cfg.model.to_dict()))
    if cfg.get("optim_wrapper") is None:  # test-only config (training-free classical baseline)
        assert cfg.get("train_dataloader") is None and cfg.get("test_dataloader")
        image = torch.randint(0, 256, (3, 24, 20), dtype=torch.uint8)
        prediction = model.val_step({"inputs": [image], "gt": [image],
                                     "data_samples": [DataSample()]})
        assert prediction[0].pred_img.shape == (3, 24, 20)
        return
    optim_cfg = dict(cfg.optim_wrapper.to_dict())
    constructor = optim_cfg.pop("constructor", "MultiOptimWrapperConstructor")
    optim = OPTIM_WRAPPER_CONSTRUCTORS.build(dict(type=constructor, optim_wrapper_cfg=optim_cfg))(
        model
    )
    size = SMALL_CROP.get(path.name, crop_size(cfg))
    keys = tuple(getattr(model.data_preprocessor, "image_keys", ("gt",)))
    g = torch.Generator().manual_seed(0)

    def image():
        return torch.randint(0, 256, (3, size, size), dtype=torch.uint8, generator=g)

    data = {"inputs": [image()], "data_samples": [DataSample()]}
    data.update({key: [image()] for key in keys})
    logs = model.train_step(data, optim)
    assert logs, "no loss was logged"
    for name, value in logs.items():
        assert torch.isfinite(torch.as_tensor(value)).all(), f"{name} is not finite"
    prediction = model.val_step(data)
    assert prediction[0].pred_img.shape[-2:] == (size, size)
