"""Apply a blur kernel and the usual camera degradations to a numpy image.

Every function takes an HWC (or HW) numpy image, either ``uint8`` in [0, 255] or floating point
in [0, 1], and returns the same layout and dtype family: uint8 in -> uint8 out (rounded and
clipped), float in -> float32 out. Channel order does not matter except for
:func:`jpeg_compress`, which assumes RGB (restorekit's convention).

Compared with the reference generators (restorekit ``reference/methods.md`` §5.2):
DeblurGAN v1 zero-pads and ``fftconvolve``s, then min-max normalises the result; motionblur
uses a 'valid' convolution that shrinks the image and casts to uint8 by truncation. Here the
blur is size-preserving with a reflected border, brightness-preserving for a sum-1 kernel,
and uint8 results are rounded, not truncated.
"""

from __future__ import annotations

import cv2
import numpy as np

from restorekit.utils.image import float_to_uint8

__all__ = [
    "add_gaussian_noise",
    "apply_gamma",
    "blur_image",
    "jpeg_compress",
    "simple_crf",
]

_BORDERS = {
    "reflect": cv2.BORDER_REFLECT_101,  # d c b | a b c d | c b a  (numpy 'reflect')
    "symmetric": cv2.BORDER_REFLECT,  # c b a | a b c d | d c b
    "replicate": cv2.BORDER_REPLICATE,
    "constant": cv2.BORDER_CONSTANT,  # zeros
}


def _to_float(img: np.ndarray) -> np.ndarray:
    """float32 copy in [0, 1] (uint8 / 255, float as is)."""
    if img.dtype == np.uint8:
        return img.astype(np.float32) / 255.0
    if not np.issubdtype(img.dtype, np.floating):
        raise TypeError(f"expected a uint8 or floating image, got dtype {img.dtype}")
    return img.astype(np.float32, copy=True)


def _like(out: np.ndarray, ref: np.ndarray, clip: bool = True) -> np.ndarray:
    """Return float32 ``out`` ([0, 1] scale) in ``ref``'s dtype family."""
    if ref.dtype == np.uint8:
        return float_to_uint8(out)
    return np.clip(out, 0.0, 1.0) if clip else out


def blur_image(
    img: np.ndarray,
    kernel: np.ndarray,
    border: str = "reflect",
) -> np.ndarray:
    """Convolve every channel of ``img`` with ``kernel``; output has the input's shape.

    A true convolution (the kernel is flipped for ``cv2.filter2D``, which correlates), so a
    kernel built from a trajectory moves image content along that trajectory. The kernel's
    centre is ``(kh // 2, kw // 2)``; odd sizes are recommended.

    Args:
        img: ``(H, W, C)`` or ``(H, W)``; uint8 [0, 255] or float [0, 1].
        kernel: ``(kh, kw)`` non-negative float kernel, normally summing to 1 (it is used as
            given, not renormalised).
        border: ``'reflect'`` (default, ``dcb|abcd|cba``), ``'symmetric'`` (``cba|abcd|dcb``),
            ``'replicate'`` or ``'constant'`` (zeros).

    Returns:
        The blurred image, same shape; uint8 (rounded, clipped) for uint8 input, float32
        otherwise (not clipped: a sum-1 non-negative kernel keeps values in the input range).
    """
    if border not in _BORDERS:
        raise ValueError(f"border must be one of {sorted(_BORDERS)}, got {border!r}")
    kernel = np.asarray(kernel, dtype=np.float32)
    if kernel.ndim != 2 or kernel.size == 0:
        raise ValueError(f"kernel must be a non-empty 2-D array, got shape {kernel.shape}")
    if img.ndim not in (2, 3):
        raise ValueError(f"image must be HW or HWC, got shape {img.shape}")
    src = _to_float(img)
    flipped = np.ascontiguousarray(kernel[::-1, ::-1])
    kh, kw = kernel.shape
    anchor = (kw - 1 - kw // 2, kh - 1 - kh // 2)  # (x, y) of the flipped kernel's centre
    flag = _BORDERS[border]

    def _filter(plane: np.ndarray) -> np.ndarray:
        return cv2.filter2D(plane, cv2.CV_32F, flipped, anchor=anchor, borderType=flag)

    if src.ndim == 2 or src.shape[2] <= 4:
        out = _filter(src)
        if src.ndim == 3 and out.ndim == 2:  # cv2 drops a singleton channel axis
            out = out[:, :, None]
    else:
        out = np.stack([_filter(np.ascontiguousarray(src[:, :, c]))
                        for c in range(src.shape[2])], axis=2)
    return _like(out, img, clip=False)


def add_gaussian_noise(
    img: np.ndarray,
    sigma: float,
    rng: np.random.Generator,
    clip: bool = True,
) -> np.ndarray:
    """Add i.i.d. zero-mean Gaussian noise.

    Args:
        img: HWC / HW, uint8 [0, 255] or float [0, 1].
        sigma: standard deviation **on the [0, 1] scale** (e.g. 0.01 = 2.55 grey levels).
        rng: the random generator.
        clip: clip a float result to [0, 1] (uint8 results are always clipped).

    Returns:
        Same shape; uint8 for uint8 input, else float32.
    """
    if sigma < 0:
        raise ValueError(f"sigma must be >= 0, got {sigma}")
    out = _to_float(img)
    if sigma > 0:
        out += (sigma * rng.standard_normal(out.shape)).astype(np.float32)
    return _like(out, img, clip=clip)


def apply_gamma(img: np.ndarray, gamma: float) -> np.ndarray:
    """Raise intensities to a power on the [0, 1] scale: ``out = in ** gamma``.

    ``gamma = 2.2`` roughly linearises an sRGB image; ``gamma = 1 / 2.2`` re-encodes it.

    Args:
        img: HWC / HW, uint8 [0, 255] or float [0, 1] (negative values are clipped to 0).
        gamma: positive exponent.

    Returns:
        Same shape; uint8 for uint8 input, else float32 in [0, 1].
    """
    if gamma <= 0:
        raise ValueError(f"gamma must be > 0, got {gamma}")
    out = np.power(np.clip(_to_float(img), 0.0, None), gamma, dtype=np.float32)
    return _like(out, img)


def simple_crf(img: np.ndarray, gamma: float = 2.2, inverse: bool = False) -> np.ndarray:
    """A gamma camera response function.

    ``simple_crf(linear)`` maps linear irradiance to display values (``x ** (1 / gamma)``);
    ``simple_crf(display, inverse=True)`` maps display values back to linear (``x ** gamma``).
    Blurring in linear space, ``simple_crf(blur(simple_crf(sharp, inverse=True)))``, makes
    saturated highlights smear as in real photos. Ranges and dtypes as :func:`apply_gamma`;
    keep the linear image float to avoid quantising the dark tones.
    """
    return apply_gamma(img, gamma if inverse else 1.0 / gamma)


def jpeg_compress(img: np.ndarray, quality: int) -> np.ndarray:
    """Encode and decode ``img`` as a JPEG (OpenCV/libjpeg, 4:2:0 chroma subsampling).

    Args:
        img: ``(H, W, 3)`` RGB or ``(H, W)`` / ``(H, W, 1)`` grey; uint8 [0, 255] or float
            [0, 1] (quantised to 8 bits first).
        quality: JPEG quality in [1, 100] (100 = least loss, still not lossless).

    Returns:
        Same shape; uint8 for uint8 input, else float32 in [0, 1].
    """
    quality = int(quality)
    if not 1 <= quality <= 100:
        raise ValueError(f"jpeg quality must be in [1, 100], got {quality}")
    u8 = img if img.dtype == np.uint8 else _like(_to_float(img), np.zeros(1, np.uint8))
    squeeze = u8.ndim == 3 and u8.shape[2] == 1
    plane = u8[:, :, 0] if squeeze else u8
    if plane.ndim == 3 and plane.shape[2] != 3:
        raise ValueError(f"jpeg_compress needs 1 or 3 channels, got shape {img.shape}")
    if plane.ndim == 3:
        plane = cv2.cvtColor(plane, cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode(".jpg", plane, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("OpenCV failed to encode the image as JPEG")
    flag = cv2.IMREAD_COLOR if plane.ndim == 3 else cv2.IMREAD_GRAYSCALE
    dec = cv2.imdecode(buf, flag)
    if dec.ndim == 3:
        dec = cv2.cvtColor(dec, cv2.COLOR_BGR2RGB)
    if squeeze:
        dec = dec[:, :, None]
    if img.dtype == np.uint8:
        return dec
    return dec.astype(np.float32) / 255.0
