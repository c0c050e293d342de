"""Blur synthesis shared by the methods that learn blur (BGAN, the realistic-blur schemes)."""

from __future__ import annotations

import torch
from torch import nn


def sharp_and_paired_blur(
    inputs: torch.Tensor, gt: torch.Tensor | None
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The sharp batch and, when the data are pairs, the paired (real) blurred batch.

    Convention of the blur-learning methods: with a ``gt`` key the data are (blurred
    ``inputs``, sharp ``gt``) pairs; without it ``inputs`` holds the sharp images (sharp-only
    data packed with ``PackInputs(input_key='gt')``).
    """
    return (inputs, None) if gt is None else (gt, inputs)


def synthesize_blur(blur_generator: nn.Module, sharp: torch.Tensor,
                    seed: int | None = None) -> torch.Tensor:
    """``blur_generator(sharp)`` (N, 3, H, W) [0, 1] with its noise drawn from a
    ``torch.Generator`` seeded with ``seed`` (None: the global RNG)."""
    generator = None
    if seed is not None:
        generator = torch.Generator(device=sharp.device).manual_seed(int(seed))
    return blur_generator(sharp, generator=generator)


def mix_blur(
    synthetic: torch.Tensor, real: torch.Tensor | None, ratio: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-sample choice: the real blurred image with probability ``ratio``, else the synthetic.

    Returns ``(mixed, use_real)`` with ``use_real`` a bool (N,) tensor. ``ratio=0`` always
    takes the synthetic blur (``real`` may be None), ``ratio=1`` always the real one. The draw
    uses torch's global RNG (seeded by mmengine's ``randomness``).
    """
    n = synthetic.shape[0]
    if ratio <= 0 or real is None:
        if ratio > 0:
            raise KeyError(
                "real_pair_ratio > 0 needs paired data: blurred `inputs` with sharp `gt`"
            )
        return synthetic, torch.zeros(n, dtype=torch.bool, device=synthetic.device)
    use_real = torch.rand(n, device=synthetic.device) < ratio
    mixed = torch.where(use_real.view(n, 1, 1, 1), real.to(synthetic.dtype), synthetic)
    return mixed, use_real


def real_blur_batch(data: dict, key: str, method: str) -> torch.Tensor:
    """``data[key]``: the unpaired real blurred images, or a KeyError saying how to load them."""
    real = data.get(key)
    if real is None:
        raise KeyError(
            f"{method} needs unpaired real blurred images under data[{key!r}]: load them in "
            f"the pipeline (UnpairedImageDataset domain {key!r}, PackInputs image_keys) and "
            f"list the key in the data preprocessor's image_keys"
        )
    return real


def restore_with_synthetic_blur(model, inputs: torch.Tensor, data_samples, gt) -> list:
    """``predict`` of the realistic-blur schemes: ``pred_img`` = G(inputs) and, when ``gt`` is
    present, ``synthetic_blur_img`` = blur_generator(gt) with ``model.test_noise_seed``."""
    from .base_restorer import pack_predictions

    restored = model.inference_generator(model._format(inputs))
    synthetic = None
    if gt is not None:
        synthetic = synthesize_blur(model.blur_generator, model._format(gt), model.test_noise_seed)
    return pack_predictions(
        data_samples,
        dict(pred_img=restored, input_img=inputs, gt_img=gt, synthetic_blur_img=synthetic),
    )
