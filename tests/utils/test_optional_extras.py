"""A missing optional package (setup.py extra) is one line naming `pip install "restorekit[X]"`."""

from __future__ import annotations

import builtins
import importlib.util
from pathlib import Path

import pytest
from mmengine.config import Config

from restorekit.utils.optional import MissingDependencyError, check_vis_backends, require

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def without(monkeypatch):
    """``without('onnx', ...)``: importing those top-level packages raises ImportError."""
    real_import = builtins.__import__
    blocked: set[str] = set()

    def fake_import(name, *args, **kwargs):
        if name.split(".")[0] in blocked:
            raise ModuleNotFoundError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    def block(*names: str) -> None:
        blocked.update(names)
        for name in names:  # importlib.import_module bypasses builtins.__import__
            monkeypatch.setitem(__import__("sys").modules, name, None)
        monkeypatch.setattr(builtins, "__import__", fake_import)

    return block


def _tool(relative: str):
    spec = importlib.util.spec_from_file_location("rk_tool_x", REPO / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("module,extra", [("onnxruntime", "onnx"), ("onnx", "onnx"),
                                          ("lmdb", "lmdb"), ("tensorboard", "tensorboard"),
                                          ("matplotlib", "plot")])
def test_require_names_the_extra(without, module, extra):
    without(module)
    with pytest.raises(MissingDependencyError) as err:
        require(module, "This feature")
    assert str(err.value) == (f"This feature needs the '{module}' package: "
                              f'pip install "restorekit[{extra}]"')
    assert isinstance(err.value, ImportError)


@pytest.mark.parametrize("missing", ["onnx", "onnxruntime"])
def test_export_onnx_without_onnx_is_one_line(without, missing, capsys, tmp_path):
    tool = _tool("tools/export_onnx.py")
    without(missing)
    with pytest.raises(SystemExit) as exit_info:
        tool.main(["none.py", "none", "--out", str(tmp_path / "m.onnx")])
    err = capsys.readouterr().err.strip()
    assert exit_info.value.code == 2 and len(err.splitlines()) == 1
    assert err.startswith("export_onnx.py: error:") and 'pip install "restorekit[onnx]"' in err
    assert not (tmp_path / "m.onnx").exists()


def test_lmdb_packing_and_reading_without_lmdb(without, tmp_path):
    from restorekit.datasets.file_backends import get_bytes
    from restorekit.datasets.lmdb_packing import LmdbWriter

    without("lmdb")
    with pytest.raises(MissingDependencyError, match=r'restorekit\[lmdb\]'):
        LmdbWriter(tmp_path / "db")
    with pytest.raises(MissingDependencyError, match=r'restorekit\[lmdb\]'):
        get_bytes("img_0", dict(backend="lmdb", db_path=str(tmp_path / "db")))


def test_tensorboard_backend_is_checked_before_training(without):
    cfg = Config(dict(visualizer=dict(type="Visualizer",
                                      vis_backends=[dict(type="TensorboardVisBackend")])))
    check_vis_backends(cfg)  # installed in the test environment: passes
    without("tensorboard")
    with pytest.raises(MissingDependencyError, match=r'restorekit\[tensorboard\]'):
        check_vis_backends(cfg)
