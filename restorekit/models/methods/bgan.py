"""BGAN: the learning-to-blur GAN of "Deblurring by Realistic Blurring" (CVPR 2020)."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from restorekit.registry import MODELS
from restorekit.structures import DataSample

from ..data_preprocessor import DeblurDataPreprocessor
from .gan_restorer import BaseGANRestorer, build_optional


def sharp_and_paired_blur(
    inputs: torch.Tensor, gt: torch.Tensor | None
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The sharp batch and, when the data are pairs, the paired (real) blurred batch.

    Convention of the realistic-blur methods: with a ``gt`` key the data are (blurred
    ``inputs``, sharp ``gt``) pairs; without it ``inputs`` holds the sharp images (sharp-only
    data packed with ``PackInputs(input_key='gt')``).
    """
    return (inputs, None) if gt is None else (gt, inputs)


def pack_predictions(
    data_samples: Sequence[DataSample] | None, fields: dict[str, torch.Tensor | None]
) -> list[DataSample]:
    """One :class:`DataSample` per image with every non-None ``fields`` entry (N, 3, H, W),
    cropped back to the sample's ``ori_shape`` and stored as ``<name>`` (float32, [0, 1])."""
    batches = {k: v for k, v in fields.items() if v is not None}
    n = len(next(iter(batches.values())))
    if data_samples is None:
        data_samples = [DataSample() for _ in range(n)]
    cropped = {k: DeblurDataPreprocessor.unpad(v.float(), data_samples) for k, v in batches.items()}
    results = []
    for i, sample in enumerate(data_samples):
        result = DataSample(metainfo=sample.metainfo)
        for name, images in cropped.items():
            setattr(result, name, images[i][:3].clamp(0, 1).contiguous())
        results.append(result)
    return results


@MODELS.register_module()
class BGAN(BaseGANRestorer):
    """Learning-to-blur GAN: ``G(sharp, noise)`` mimics unpaired real blurred photos.

    Generator loss (each weight from its loss config)::

        L_G = pixel(G(s), s) + perceptual(G(s), s) + RBL_G(C(real_blur), C(G(s)))

    and discriminator loss ``RBL_D(C(real_blur), C(G(s).detach()))``, where RBL is
    ``RelativisticAverageLoss`` with x_r = real blur, x_f = BGAN output (``C(real_blur)`` is
    detached in ``L_G``: the generator step trains only G). The content terms compare the
    generated blur with its own sharp input, as the paper describes (it keeps the content; the
    adversarial term adds the blur). Paper weights (ESRGAN reading): perceptual 1, RBL 0.005.

    Data (after the preprocessor, all (N, 3, H, W) in [0, 1]): the sharp images are ``gt`` if
    present (then ``inputs`` is the paired blur, unused in training), else ``inputs``; the
    unpaired real blurred crops are ``data[real_blur_key]`` (same crop size as the sharp).

    ``predict`` returns ``pred_img`` = G(sharp) with noise from a ``torch.Generator`` seeded
    with ``test_noise_seed`` (reproducible evaluation), ``input_img`` = the sharp image and,
    for paired data, ``gt_img`` = the real blurred image of the pair (so PSNR/SSIM measure how
    close the synthetic blur is to the real one; meaningful only where the real blur is
    reproducible from the sharp frame, e.g. never pixel-exact for camera shake).

    Args:
        generator: a :class:`BlurGenerator` config (or any ``(N,3,H,W) -> (N,3,H,W)``
            generator that draws its own noise).
        discriminator, data_preprocessor, train_cfg, channels_last, init_cfg: see
            :class:`BaseGANRestorer`; the preprocessor must list ``real_blur_key`` in its
            ``image_keys``.
        pixel_loss, perceptual_loss: content losses against the sharp input (any may be None).
        gan_loss: the adversarial loss (RBL = ``RelativisticAverageLoss``).
        real_blur_key: data key of the unpaired real blurred images.
        test_noise_seed: seed of the noise used by ``predict`` (None: global RNG).
    """

    def __init__(
        self,
        generator: dict,
        discriminator: dict | None = None,
        pixel_loss: dict | None = None,
        perceptual_loss: dict | None = None,
        gan_loss: dict | None = None,
        real_blur_key: str = "real_blur",
        test_noise_seed: int | None = 0,
        **kwargs,
    ) -> None:
        super().__init__(generator, discriminator, **kwargs)
        self.pixel_loss = build_optional(pixel_loss)
        self.perceptual_loss = build_optional(perceptual_loss)
        self.gan_loss = build_optional(gan_loss)
        if (self.discriminator is None) != (self.gan_loss is None):
            raise ValueError("BGAN needs both a discriminator and a gan_loss, or neither")
        if self.gan_loss is None:
            raise ValueError("BGAN needs a discriminator and gan_loss (RBL): without real blur "
                             "the generator would only learn the identity")
        self.real_blur_key = real_blur_key
        self.test_noise_seed = test_noise_seed

    def _real_blur(self, data: dict) -> torch.Tensor:
        real = data.get(self.real_blur_key)
        if real is None:
            raise KeyError(
                f"BGAN needs unpaired real blurred images under data[{self.real_blur_key!r}]: "
                f"load them in the pipeline (UnpairedImageDataset domain {self.real_blur_key!r},"
                f" PackInputs image_keys) and list the key in the data preprocessor's image_keys"
            )
        return real

    def prepare_train_data(self, data: dict) -> dict:
        sharp, _ = sharp_and_paired_blur(data["inputs"], data.get("gt"))
        return dict(data, inputs=sharp)

    def g_step(self, data: dict, outputs: torch.Tensor) -> dict[str, torch.Tensor]:
        sharp = data["inputs"]
        losses = {}
        if self.pixel_loss is not None:
            losses["loss_pix"] = self.pixel_loss(outputs, sharp)
        if self.perceptual_loss is not None:
            losses["loss_perceptual"] = self.perceptual_loss(outputs, sharp)
        disc = self.frozen(self.discriminator)
        real_pred = disc(self._real_blur(data)).detach() if self.gan_loss.relativistic else None
        losses["loss_gan"] = self.gan_loss.gen_loss(real_pred, disc(outputs))
        self.unfreeze(self.discriminator)
        return losses

    def d_step(self, data: dict, outputs: torch.Tensor) -> dict[str, torch.Tensor]:
        real_pred = self.discriminator(self._real_blur(data))
        fake_pred = self.discriminator(outputs)
        return {"loss_d": self.gan_loss.disc_loss(real_pred, fake_pred)}

    def synthesize(self, sharp: torch.Tensor, seed: int | None = None) -> torch.Tensor:
        """G(sharp) with noise from a generator seeded with ``seed`` (None: global RNG)."""
        generator = None
        if seed is not None:
            generator = torch.Generator(device=sharp.device).manual_seed(int(seed))
        return self.generator(self._format(sharp), generator=generator)

    @torch.no_grad()
    def predict(
        self, inputs: torch.Tensor, data_samples: Sequence[DataSample] | None = None, **images
    ) -> list[DataSample]:
        sharp, paired = sharp_and_paired_blur(inputs, images.get("gt"))
        fake = self.synthesize(sharp, self.test_noise_seed)
        return pack_predictions(
            data_samples, dict(pred_img=fake, input_img=sharp, gt_img=paired)
        )
