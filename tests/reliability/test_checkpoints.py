"""Hostile, broken, foreign and diverged checkpoints through tools/test.py, tools/deblur.py,
tools/train.py --resume and init_model: never unpickled, never loaded leniently, never NaN."""

from __future__ import annotations

import os
import zipfile

import pytest
import torch
from reliability_helpers import assert_one_line_error, run

from restorekit.apis import init_model


class _Payload:
    """Unpickling this creates ``marker`` (stands for arbitrary code execution)."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _hostile(path, marker) -> str:
    torch.save({"state_dict": {}, "meta": {}, "x": _Payload(str(marker))}, path)
    return str(path)


def _state(trained) -> dict:
    return torch.load(trained["work"] / "iter_4.pth", weights_only=True)["state_dict"]


def make_checkpoint(kind: str, tmp_path, trained) -> tuple[str, str]:
    """``(path, expected message fragment)`` for each bad-checkpoint kind."""
    good = trained["work"] / "iter_4.pth"
    path = tmp_path / f"{kind}.pth"
    if kind == "truncated":
        path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
        return str(path), "is truncated"
    if kind == "empty":
        path.write_bytes(b"")
        return str(path), "is empty (0 bytes)"
    if kind == "zip_not_checkpoint":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("readme.txt", "hello")
        return str(path), "zip archive but not a PyTorch checkpoint"
    if kind == "text":
        path.write_text("this is not a checkpoint\n")
        return str(path), "is not a PyTorch checkpoint"
    if kind == "folder":
        path.mkdir()
        return str(path), "folder"
    if kind == "other_architecture":
        state = {k: (torch.zeros(2, *v.shape[1:]) if v.dim() > 1 else v)
                 for k, v in _state(trained).items()}
        torch.save({"state_dict": state}, path)
        return str(path), "shape mismatch"
    if kind == "foreign_keys":
        torch.save({"state_dict": {"backbone.layer1.weight": torch.zeros(3)}}, path)
        return str(path), "missing key(s)"
    if kind == "nan_weights":
        state = _state(trained)
        key = next(k for k in state if k.startswith("generator.") and k.endswith("weight"))
        state[key] = torch.full_like(state[key], float("nan"))
        torch.save({"state_dict": state}, path)
        return str(path), "NaN or infinite weights"
    raise ValueError(kind)


BAD = ["truncated", "empty", "zip_not_checkpoint", "text", "folder", "other_architecture",
       "foreign_keys", "nan_weights"]


@pytest.mark.parametrize("kind", BAD)
def test_test_tool_refuses_bad_checkpoint(kind, tmp_path, trained, capsys):
    ckpt, message = make_checkpoint(kind, tmp_path, trained)
    res = run("test", [trained["config"], ckpt, "--work-dir", tmp_path / "w"], capsys)
    assert_one_line_error(res, message, os.path.basename(ckpt))


@pytest.mark.parametrize("kind", ["truncated", "other_architecture", "nan_weights"])
def test_deblur_tool_refuses_bad_checkpoint(kind, tmp_path, trained, capsys):
    ckpt, message = make_checkpoint(kind, tmp_path, trained)
    img = trained["data"] / "blur" / "img_0.png"
    res = run("deblur", [trained["config"], ckpt, img, "--out-dir", tmp_path / "o"], capsys)
    assert_one_line_error(res, message, os.path.basename(ckpt))
    assert not (tmp_path / "o").exists()


def test_init_model_refuses_nan_weights(tmp_path, trained):
    from restorekit.engine.errors import NonFiniteWeightsError

    ckpt, _ = make_checkpoint("nan_weights", tmp_path, trained)
    with pytest.raises(NonFiniteWeightsError, match=r"nan_weights\.pth"):
        init_model(trained["config"], ckpt)


def test_generator_only_checkpoint_is_accepted(tmp_path, trained, capsys):
    gen = {k[len("generator."):]: v for k, v in _state(trained).items()
           if k.startswith("generator.")}
    path = tmp_path / "gen_only.pth"
    torch.save(gen, path)
    full = run("test", [trained["config"], trained["work"] / "iter_4.pth",
                        "--work-dir", tmp_path / "w1"], capsys)
    only = run("test", [trained["config"], path, "--work-dir", tmp_path / "w2"], capsys)
    assert full.code == only.code == 0, only.err[-1500:]
    assert only.value["PSNR"] == pytest.approx(full.value["PSNR"], abs=1e-9)


@pytest.mark.parametrize("tool_name", ["test", "deblur", "train_resume"])
def test_hostile_pickle_is_never_executed(tool_name, tmp_path, trained, capsys, monkeypatch):
    """Even with TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 the embedded code does not run."""
    monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")
    marker = tmp_path / "PWNED"
    ckpt = _hostile(tmp_path / "evil.pth", marker)
    img = trained["data"] / "blur" / "img_0.png"
    argv = {
        "test": ("test", [trained["config"], ckpt, "--work-dir", tmp_path / "w"]),
        "deblur": ("deblur", [trained["config"], ckpt, img, "--out-dir", tmp_path / "o"]),
        "train_resume": ("train", [trained["config"], "--work-dir", tmp_path / "w",
                                   "--resume", ckpt]),
    }[tool_name]
    res = run(*argv, capsys)
    assert not marker.exists()
    assert_one_line_error(res, "evil.pth", "allow-list")


def test_ddp_checkpoint_keys_load_with_the_trained_weights(tmp_path, trained, capsys):
    """mmengine saved DDP runs as ``generator.module.*``, which loaded nothing (random weights,
    exit 0); they now load, and give the same metrics as the unwrapped checkpoint."""
    ckpt = torch.load(trained["work"] / "iter_4.pth", weights_only=False)
    ckpt["state_dict"] = {k.replace(".", ".module.", 1): v for k, v in ckpt["state_dict"].items()}
    path = tmp_path / "ddp.pth"
    torch.save(ckpt, path)
    plain = run("test", [trained["config"], trained["work"] / "iter_4.pth",
                         "--work-dir", tmp_path / "w1"], capsys)
    ddp = run("test", [trained["config"], path, "--work-dir", tmp_path / "w2"], capsys)
    assert plain.code == ddp.code == 0, ddp.err[-1500:]
    assert ddp.value["PSNR"] == pytest.approx(plain.value["PSNR"], abs=1e-9)
