"""Helpers of the realistic-blur method tests: tiny networks, batches, gradient recording."""

import torch
from mmengine.optim import OptimWrapper, OptimWrapperDict

SUBS = ("generator", "discriminator", "blur_generator", "blur_discriminator")


def tiny_blur_generator(**kw):
    return dict(type="BlurGenerator", mid_channels=8, num_blocks=1, growth_channels=4, **kw)


def tiny_generator():
    return dict(type="RRDBNet", mid_channels=8, num_blocks=1, growth_channels=4)


def tiny_discriminator(in_channels=3):
    return dict(type="GlobalPoolDiscriminator", in_channels=in_channels, base_channels=4,
                num_stages=2, norm="none")


def preprocessor():
    return dict(type="DeblurDataPreprocessor", image_keys=("gt", "real_blur"))


def batch(n=2, size=16, keys=("inputs", "gt", "real_blur"), seed=0):
    """A collated batch of uint8 (3, size, size) images (lists, as pseudo_collate gives)."""
    g = torch.Generator().manual_seed(seed)
    return {k: [torch.randint(0, 256, (3, size, size), generator=g, dtype=torch.uint8)
                for _ in range(n)] for k in keys}


def has_grad(module) -> bool:
    return any(p.grad is not None and bool(p.grad.abs().sum() > 0) for p in module.parameters())


class RecordingWrapper(OptimWrapper):
    """SGD wrapper that records, at every ``step``, which sub-modules hold gradients."""

    def __init__(self, name, model, log, lr=0.01):
        super().__init__(torch.optim.SGD(getattr(model, name).parameters(), lr=lr))
        self.name, self.model, self.log = name, model, log

    def step(self, **kwargs):
        self.log.append((self.name, {s for s in SUBS if getattr(self.model, s, None) is not None
                                     and has_grad(getattr(self.model, s))}))
        super().step(**kwargs)


def recording_wrappers(model, names):
    """``(OptimWrapperDict of RecordingWrapper, shared log)``."""
    log = []
    return OptimWrapperDict(**{n: RecordingWrapper(n, model, log) for n in names}), log


def adam_wrappers(model, names, lr=1e-2):
    return OptimWrapperDict(**{
        n: OptimWrapper(torch.optim.Adam(getattr(model, n).parameters(), lr=lr)) for n in names})


def snapshot(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}
