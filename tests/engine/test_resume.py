"""Resume: 4 iterations + resume to 8 == 8 uninterrupted iterations (seeded CPU run)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from kit import load_tool


def _weights(path: Path) -> dict:
    state = torch.load(path, map_location="cpu", weights_only=True)["state_dict"]
    keep = ("generator.", "generator_ema.", "discriminator.")
    return {k: v for k, v in state.items() if k.startswith(keep)}


@pytest.mark.parametrize("ema", [False, True])
def test_resume_reproduces_uninterrupted_training(tmp_path, tiny_pairs, make_tiny_config, ema):
    main = load_tool("train").main
    config = make_tiny_config(tiny_pairs, tmp_path / "unused", max_iters=8)
    common = ["default_hooks.checkpoint.interval=4", "train_cfg.val_interval=100"]
    if ema:  # the generator's moving average is saved and resumed too
        common.append("model.ema_cfg.momentum=0.1")
    straight, split = tmp_path / "straight", tmp_path / "split"
    main([config, "--work-dir", str(straight), "--cfg-options", *common])
    main([config, "--work-dir", str(split), "--cfg-options", *common, "train_cfg.max_iters=4"])
    assert (split / "iter_4.pth").is_file() and not (split / "iter_8.pth").exists()
    main([config, "--work-dir", str(split), "--resume", "--cfg-options", *common])
    a, b = _weights(straight / "iter_8.pth"), _weights(split / "iter_8.pth")
    assert a.keys() == b.keys() and len(a) > 10
    assert any(k.startswith("generator_ema.") for k in a) == ema
    for key in a:
        assert torch.allclose(a[key], b[key], atol=1e-6, rtol=0), key
    # and the run really moved away from the 4-iteration weights
    mid = _weights(split / "iter_4.pth")
    assert any(not torch.equal(mid[k], b[k]) for k in b if k.startswith("generator."))
