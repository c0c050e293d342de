"""tools/converters/nafnet.py on a file in the official BasicSR layout ({'params': ...})."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import torch

from restorekit.models.generators.nafnet import NAFNet

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "models" / "generators"))  # importlib mode: no rootdir
from nafnet_reference import OfficialNAFNet, randomize_  # noqa: E402

ARCH = dict(width=4, enc_blk_nums=[1, 2], middle_blk_num=1, dec_blk_nums=[1, 1])


def load_tool():
    path = REPO / "tools" / "converters" / "nafnet.py"
    spec = importlib.util.spec_from_file_location("rk_tool_convert_nafnet", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_infers_the_architecture_and_writes_a_generator_checkpoint(tmp_path):
    official = randomize_(OfficialNAFNet(**ARCH)).eval()
    src, dst = tmp_path / "NAFNet-official.pth", tmp_path / "converted.pth"
    torch.save({"params": official.state_dict()}, src)
    assert load_tool().main([str(src), str(dst)]) == 0
    ckpt = torch.load(dst, weights_only=True)
    assert ckpt["meta"]["generator"] == dict(type="NAFNet", img_channels=3, **ARCH)
    net = NAFNet(**ARCH).eval()
    net.load_state_dict({k[len("generator."):]: v for k, v in ckpt["state_dict"].items()},
                        strict=True)
    x = torch.rand(1, 3, 9, 14)
    with torch.no_grad():
        assert torch.allclose(net(x), official(x), atol=1e-5)


def test_cli_refuses_a_file_that_does_not_fill_the_model(tmp_path, capsys):
    state = OfficialNAFNet(**ARCH).state_dict()
    del state["ending.bias"]
    src, dst = tmp_path / "partial.pth", tmp_path / "out.pth"
    torch.save({"params": state}, src)
    assert load_tool().main([str(src), str(dst), "--raw"]) == 1
    out = capsys.readouterr().out
    assert "1 missing" in out and "conv_last.bias" in out and "not written" in out
    assert not dst.exists()
