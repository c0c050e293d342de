"""Two-process gloo DDP on CPU: ranks agree and match a single process on the global batch."""

from __future__ import annotations

import os
import socket

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from kit import tiny_dbgan
from mmengine.optim import OptimWrapper, OptimWrapperDict

STEPS = 3
GLOBAL_BATCH = 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _model():
    from restorekit.registry import MODELS

    torch.manual_seed(0)
    # GANLoss (per-sample terms): the mean over a split batch equals the global mean, so DDP's
    # gradient averaging reproduces the single-process gradient exactly (relativistic losses
    # average over the per-process batch instead; see docs/architecture.md)
    return MODELS.build(
        tiny_dbgan(gan_loss=dict(type="GANLoss", gan_type="lsgan", loss_weight=0.1))
    )


def _data(indices):
    from restorekit.structures import DataSample

    g = torch.Generator().manual_seed(1)
    sharp = torch.randint(0, 256, (GLOBAL_BATCH, 3, 16, 16), dtype=torch.uint8, generator=g)
    blurred = (sharp.float() * 0.6 + 50).byte()
    return dict(
        inputs=[blurred[i] for i in indices],
        gt=[sharp[i] for i in indices],
        data_samples=[DataSample() for _ in indices],
    )


def _optim(model):
    return OptimWrapperDict(
        generator=OptimWrapper(torch.optim.Adam(model.generator.parameters(), 1e-2)),
        discriminator=OptimWrapper(torch.optim.Adam(model.discriminator.parameters(), 1e-2)),
    )


def _worker(rank: int, world: int, port: int, out_dir: str) -> None:
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=rank, world_size=world)
    from restorekit.engine.wrappers import SeparateDistributedDataParallel

    model = _model()
    wrapped = SeparateDistributedDataParallel(model, device_ids=[rank])  # dropped on CPU
    optim = _optim(model)
    per_rank = GLOBAL_BATCH // world
    data = _data(range(rank * per_rank, (rank + 1) * per_rank))
    for _ in range(STEPS):
        wrapped.train_step(data, optim)
    # sub-modules are DDP-wrapped: generator.module.x -> generator.x
    state = {
        k.replace(".module.", ".", 1): v.detach().clone() for k, v in model.state_dict().items()
    }
    torch.save(state, os.path.join(out_dir, f"rank{rank}.pth"))
    dist.destroy_process_group()


def test_two_process_ddp_matches_single_process(tmp_path):
    mp.spawn(_worker, args=(2, _free_port(), str(tmp_path)), nprocs=2, join=True)
    rank0 = torch.load(tmp_path / "rank0.pth", weights_only=True)
    rank1 = torch.load(tmp_path / "rank1.pth", weights_only=True)

    model = _model()
    optim = _optim(model)
    data = _data(range(GLOBAL_BATCH))
    initial = {k: v.clone() for k, v in model.state_dict().items()}
    for _ in range(STEPS):
        model.train_step(data, optim)
    single = model.state_dict()

    keys = [k for k in single if k.startswith(("generator.", "discriminator."))]
    assert keys
    for key in keys:
        assert torch.equal(rank0[key], rank1[key]), f"ranks disagree on {key}"
        assert torch.allclose(rank0[key], single[key], atol=1e-5, rtol=1e-4), key
    assert any(not torch.equal(initial[k], single[k]) for k in keys)  # training did something
