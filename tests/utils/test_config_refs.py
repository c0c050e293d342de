"""`restorekit::` config references: a user config in any folder inherits a shipped config,
with a plugin package that registers its own loss through custom_imports."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from restorekit.utils.cli import load_config_checked
from restorekit.utils.config_refs import (
    PREFIX,
    list_configs,
    load_config,
    resolve_config,
    shipped_config,
)

REPO = Path(__file__).resolve().parents[2]

PLUGIN = '''
import torch
from restorekit.registry import MODELS

CALLS = []

@MODELS.register_module()
class PluginGradientLoss(torch.nn.Module):
    """L1 between horizontal image gradients."""

    def __init__(self, loss_weight=1.0):
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, pred, target):
        CALLS.append(tuple(pred.shape))
        dx = lambda x: x[..., 1:] - x[..., :-1]
        return self.loss_weight * (dx(pred) - dx(target)).abs().mean()
'''


def write_user_project(root: Path, data_root: Path) -> Path:
    """``root/my_plugin/losses.py`` and ``root/my_config.py`` inheriting a shipped config."""
    (root / "my_plugin").mkdir(parents=True)
    (root / "my_plugin" / "__init__.py").write_text("")
    (root / "my_plugin" / "losses.py").write_text(PLUGIN)
    dataset = (f"dict(_delete_=True, type='PairedImageDataset', data_root={str(data_root)!r}, "
               "layout='folders', input_dir='blur', target_dir='sharp', "
               "pipeline=_base_.train_pipeline)")
    config = root / "my_config.py"
    config.write_text(textwrap.dedent(f"""\
        _base_ = ["restorekit::demo/dbgan_demo.py"]
        custom_imports = dict(imports=["my_plugin.losses"], allow_failed_imports=False)
        model = dict(pixel_loss=dict(_delete_=True, type="PluginGradientLoss", loss_weight=0.5))
        train_dataloader = dict(batch_size=2, dataset={dataset})
        train_cfg = dict(max_iters=1, val_interval=100)
        param_scheduler = dict(T_max=1)
        custom_hooks = []
        """))
    return config


def test_reference_resolves_to_the_shipped_file_and_lists_close_names():
    path = shipped_config("demo/dbgan_demo.py")
    assert path == REPO / "configs" / "demo" / "dbgan_demo.py"
    assert resolve_config(PREFIX + "dbgan_gopro.py") == str(REPO / "configs" / "dbgan_gopro.py")
    assert resolve_config("some/local.py") == "some/local.py"  # plain paths pass through
    assert PREFIX + "demo/dbgan_demo.py" in list_configs()
    assert not any("_base_" in name for name in list_configs())
    with pytest.raises(FileNotFoundError, match=r"Did you mean: restorekit::demo/dbgan_demo\.py"):
        shipped_config("demo/dbgan_dem.py")


def test_checkout_relative_path_outside_the_checkout_suggests_the_reference(tmp_path,
                                                                          monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"restorekit::dbgan_gopro\.py"):
        load_config_checked("configs/dbgan_gopro.py")


def test_top_level_config_without_slash_is_a_valid_base(tmp_path):
    # mmengine's own `pkg::path` parser requires a '/', restorekit's does not
    user = tmp_path / "u.py"
    user.write_text('_base_ = ["restorekit::dbgan_gopro.py"]\ntrain_dataloader = '
                    'dict(batch_size=3)\n')
    cfg = load_config(user)
    assert cfg.model.type == "DBGAN" and cfg.train_dataloader.batch_size == 3
    assert "_scope_" not in cfg.pretty_text  # read as a plain base, no scope keys injected


def test_user_config_with_plugin_loss_trains_one_step(tmp_path, tiny_pairs, monkeypatch):
    from mmengine.runner import Runner

    config = write_user_project(tmp_path / "project", tiny_pairs)
    monkeypatch.syspath_prepend(str(tmp_path / "project"))
    try:
        cfg = load_config_checked(str(config))
        assert cfg.model.generator.type == "RRDBNet"  # inherited from the shipped demo config
        cfg.work_dir = str(tmp_path / "work")
        runner = Runner.from_cfg(cfg)
        assert type(runner.model.pixel_loss).__name__ == "PluginGradientLoss"
        runner.train()
        import my_plugin.losses as plugin

        assert plugin.CALLS and plugin.CALLS[0][0] == 2  # the plugin loss ran on a batch of 2
    finally:
        for name in ("my_plugin.losses", "my_plugin"):
            sys.modules.pop(name, None)


def test_print_config_from_the_users_folder_resolves_base_and_plugin(tmp_path, tiny_pairs):
    project = tmp_path / "project"
    config = write_user_project(project, tiny_pairs)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(project)])}
    proc = subprocess.run([sys.executable, "-m", "restorekit", "print-config", config.name],
                          cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "type='PluginGradientLoss'" in proc.stdout
    assert "type='RRDBNet'" in proc.stdout  # the shipped base was merged
