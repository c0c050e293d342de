"""Registries: lazy lookup, suggestions for unknown types, custom_imports from outside."""

from __future__ import annotations

import sys
import textwrap

import pytest
import torch
from mmengine.config import Config

from restorekit.registry import DATASETS, METRICS, MODELS, TRANSFORMS, UnknownTypeError


def test_components_are_found_lazily_through_each_registry():
    assert MODELS.get("RRDBNet").__name__ == "RRDBNet"
    assert DATASETS.get("PairedImageDataset").__name__ == "PairedImageDataset"
    assert TRANSFORMS.get("PackInputs").__name__ == "PackInputs"
    assert METRICS.get("PSNR").__name__ == "PSNR"


def test_unknown_type_names_registry_and_suggests_close_names():
    with pytest.raises(UnknownTypeError) as err:
        MODELS.build(dict(type="RRDBnet"))
    message = str(err.value)
    assert "restorekit::model registry" in message
    assert "Did you mean: RRDBNet" in message
    assert isinstance(err.value, KeyError)


def test_unknown_type_without_close_match_still_explains():
    with pytest.raises(UnknownTypeError, match="custom_imports"):
        TRANSFORMS.build(dict(type="Zzzqx"))


def test_membership_test_does_not_raise():
    assert "RRDBNet" in MODELS
    assert "NoSuchThing" not in MODELS


def test_custom_imports_registers_a_loss_from_outside_and_trains_one_step(tmp_path, tiny_config):
    package = tmp_path / "my_ext"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "my_loss.py").write_text(
        textwrap.dedent(
            """
            import torch
            from restorekit.registry import MODELS

            CALLS = []

            @MODELS.register_module()
            class MyScaledL1Loss(torch.nn.Module):
                def __init__(self, loss_weight=1.0):
                    super().__init__()
                    self.loss_weight = loss_weight

                def forward(self, pred, target):
                    CALLS.append(pred.shape)
                    return self.loss_weight * (pred - target).abs().mean()
            """
        )
    )
    cfg_path = tmp_path / "custom.py"
    cfg_path.write_text(
        f"_base_ = [{tiny_config!r}]\n"
        "custom_imports = dict(imports=['my_ext.my_loss'], allow_failed_imports=False)\n"
        "model = dict(pixel_loss=dict(_delete_=True, type='MyScaledL1Loss', loss_weight=2.0))\n"
        "train_cfg = dict(max_iters=1)\n"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        from mmengine.runner import Runner

        cfg = Config.fromfile(str(cfg_path))
        runner = Runner.from_cfg(cfg)
        assert type(runner.model.pixel_loss).__name__ == "MyScaledL1Loss"
        before = [p.clone() for p in runner.model.generator.parameters()]
        runner.train()
        import my_ext.my_loss as ext

        assert len(ext.CALLS) == 1 and ext.CALLS[0][0] == 2  # one step, batch 2
        after = list(runner.model.generator.parameters())
        assert any(not torch.equal(a, b) for a, b in zip(after, before))
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("my_ext.my_loss", None)
        sys.modules.pop("my_ext", None)
