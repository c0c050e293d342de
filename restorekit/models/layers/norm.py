"""The one home of 2-D normalisation layers: one meaning per name, everywhere.

| name | module |
|---|---|
| ``'batch'`` | ``BatchNorm2d(affine=True, track_running_stats=True)`` |
| ``'instance'`` | ``InstanceNorm2d(affine=False)`` -- pix2pix / DeblurGAN-v2 meaning; no running
  statistics unless ``running_stats=True`` (the official DeblurGAN-v2 FPN keeps unused ones) |
| ``'instance_affine'`` | ``InstanceNorm2d(affine=True)`` (ESRGAN-style discriminators) |
| ``'none'`` | ``Identity`` |
"""

from __future__ import annotations

from torch import nn

NORMS = ("batch", "instance", "instance_affine", "none")


def build_norm(name: str, channels: int, running_stats: bool = False,
               allowed: tuple[str, ...] = NORMS) -> nn.Module:
    """The normalisation layer called ``name`` for ``channels`` feature maps.

    ``allowed`` narrows the accepted names for a component (its error message lists them).
    """
    if name not in allowed:
        raise ValueError(f"norm must be one of {list(allowed)}, got {name!r}")
    if name == "batch":
        return nn.BatchNorm2d(channels, affine=True, track_running_stats=True)
    if name == "instance":
        return nn.InstanceNorm2d(channels, affine=False, track_running_stats=running_stats)
    if name == "instance_affine":
        return nn.InstanceNorm2d(channels, affine=True)
    return nn.Identity()
