"""BGAN's blur generator: sharp image + noise -> realistically blurred image.

Reference: "Deblurring by Realistic Blurring" (Zhang et al., CVPR 2020), learning-to-blur GAN
(restorekit ``reference/methods.md`` §1.1, §1.5, §1.6). The official code ships no BGAN, so the
generator is our reading of the paper: the DBGAN RRDB trunk with 9 blocks, fed with the sharp
RGB image concatenated with a noise map, global residual on the RGB channels only.

Noise (channels appended after RGB):

* ``'tiled_vector'`` (the paper): one ``noise_channels``-dim N(0, 1) vector per sample, tiled
  over H x W (the paper: 4 x 128 x 128);
* ``'spatial'`` (the jkhu29 / LUR re-implementations): N(0, 1) drawn at
  ``(round(H / 2), round(W / 2))`` and bilinearly upsampled (``align_corners=True``) to H x W;
* ``noise_channels=0``: no noise (LUR's scheme 2 dropped it).

Both are multiplied by ``noise_scale``. The re-implementations use x10 because their images are
in [0, 255]; our images are in [0, 1], so the default is 1.

Backbones: by default the generator *is* an :class:`RRDBNet` (``in_channels = 3 + noise``,
residual on RGB, output clamped to [0, 1]). ``backbone=dict(type=...)`` replaces it with any
registered generator that takes ``(N, 3 + noise_channels, H, W)`` in [0, 1] and returns
``(N, 3, H, W)`` in [0, 1]; ``in_channels`` is filled in (e.g. ``UNetGenerator`` for the U-Net
variant, whose [-1, 1] mapping then also applies to the noise channels, see its docstring).
The backbone lives at ``self.backbone`` in both cases, so checkpoint keys are
``backbone.<...>``.
"""

from __future__ import annotations

import copy

import torch
import torch.nn as nn
import torch.nn.functional as F

from restorekit.registry import MODELS

from .rrdbnet import RRDBNet

_NOISE_MODES = ("tiled_vector", "spatial")



def draw_noise(
    mode: str,
    channels: int,
    scale: float,
    n: int,
    h: int,
    w: int,
    generator: torch.Generator | None = None,
    device: torch.device | str = "cpu",
    dtype: torch.dtype = torch.float32,
) -> torch.Tensor:
    """BGAN noise map (n, channels, h, w): N(0, 1) x ``scale`` per ``mode`` (module docstring).

    Shared by every generator that takes the paper's noise input (``BlurGenerator``,
    ``KernelBlurGenerator``).
    """
    if mode not in _NOISE_MODES:
        raise ValueError(f"noise_mode must be one of {_NOISE_MODES}, got {mode!r}")
    if mode == "tiled_vector":
        vec = torch.randn((n, channels, 1, 1), generator=generator, device=device, dtype=dtype)
        noise = vec.expand(n, channels, h, w)
    else:
        low = (max(1, round(h / 2)), max(1, round(w / 2)))
        noise = torch.randn((n, channels, *low), generator=generator, device=device,
                            dtype=dtype)
        noise = F.interpolate(noise, size=(h, w), mode="bilinear", align_corners=True)
    return noise * scale

@MODELS.register_module()
class BlurGenerator(nn.Module):
    """BGAN generator ``G(sharp, noise) -> blurred``; see the module docstring.

    Shapes: ``sharp`` (N, 3, H, W) in [0, 1] (any H, W for the RRDB backbone); ``noise``
    (N, noise_channels, H, W) or None (drawn with :meth:`make_noise`); output (N, 3, H, W)
    in [0, 1] (clamped).

    Args:
        mid_channels: RRDB trunk width ``nf`` (64 in the paper's DBGAN).
        num_blocks: number of RRDBs (9 for BGAN per the paper's "9 ResBlocks").
        growth_channels: RRDB dense growth ``gc`` (32).
        init: RRDBNet weight init (``'kaiming_scaled'``, ``'normal'`` = paper's N(0, 0.01^2)).
        noise_mode: ``'tiled_vector'`` (paper) or ``'spatial'`` (re-implementations).
        noise_channels: number of noise channels (4 in the paper, 3 in LUR; 0 = no noise).
        noise_scale: multiplier of the N(0, 1) noise.
        backbone: optional config of another registered generator (replaces the RRDB trunk;
            the RRDB arguments are then ignored). ``in_channels`` is set to
            ``3 + noise_channels``; a different explicit value is an error.
    """

    def __init__(
        self,
        mid_channels: int = 64,
        num_blocks: int = 9,
        growth_channels: int = 32,
        init: str = "kaiming_scaled",
        noise_mode: str = "tiled_vector",
        noise_channels: int = 4,
        noise_scale: float = 1.0,
        backbone: dict | None = None,
    ) -> None:
        super().__init__()
        if noise_mode not in _NOISE_MODES:
            raise ValueError(f"noise_mode must be one of {_NOISE_MODES}, got {noise_mode!r}")
        if noise_channels < 0:
            raise ValueError(f"noise_channels must be >= 0, got {noise_channels}")
        self.noise_mode = noise_mode
        self.noise_channels = int(noise_channels)
        self.noise_scale = float(noise_scale)
        in_channels = 3 + self.noise_channels
        if backbone is None:
            self.backbone = RRDBNet(
                in_channels=in_channels, out_channels=3, mid_channels=mid_channels,
                num_blocks=num_blocks, growth_channels=growth_channels, clamp_output=True,
                init=init,
            )
        else:
            cfg = copy.deepcopy(dict(backbone))
            if cfg.setdefault("in_channels", in_channels) != in_channels:
                raise ValueError(
                    f"BlurGenerator: backbone in_channels={cfg['in_channels']} but the input "
                    f"has 3 + noise_channels = {in_channels} channels; drop in_channels from "
                    f"the backbone config (it is filled in)"
                )
            self.backbone = MODELS.build(cfg)

    def make_noise(
        self,
        n: int,
        h: int,
        w: int,
        generator: torch.Generator | None = None,
        device: torch.device | str | None = None,
        dtype: torch.dtype = torch.float32,
    ) -> torch.Tensor:
        """Noise map (n, noise_channels, h, w) per ``noise_mode`` (N(0,1) x ``noise_scale``).

        ``generator`` makes it deterministic (it must live on ``device``; default device: the
        generator's, else the module's parameters').
        """
        if device is None:
            device = generator.device if generator is not None else self._device()
        return draw_noise(self.noise_mode, self.noise_channels, self.noise_scale, n, h, w,
                          generator, device, dtype)

    def _device(self) -> torch.device:
        param = next(self.parameters(), None)
        return param.device if param is not None else torch.device("cpu")

    def forward(
        self,
        sharp: torch.Tensor,
        noise: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        """Blur ``sharp`` (N, 3, H, W) [0, 1] -> (N, 3, H, W) [0, 1].

        ``noise``: (N, noise_channels, H, W), or None to draw it (with ``generator`` if given,
        else from torch's global RNG).
        """
        if sharp.dim() != 4 or sharp.shape[1] != 3:
            raise ValueError(
                f"BlurGenerator expects (N, 3, H, W) sharp images, got {tuple(sharp.shape)}"
            )
        if self.noise_channels == 0:
            return self.backbone(sharp)
        n, _, h, w = sharp.shape
        if noise is None:
            noise = self.make_noise(n, h, w, generator, sharp.device, sharp.dtype)
        elif noise.shape != (n, self.noise_channels, h, w):
            raise ValueError(
                f"noise must be {(n, self.noise_channels, h, w)}, got {tuple(noise.shape)}"
            )
        x = torch.cat([sharp, noise.to(sharp.dtype)], dim=1)
        if sharp.is_contiguous(memory_format=torch.channels_last):
            x = x.contiguous(memory_format=torch.channels_last)
        return self.backbone(x)
