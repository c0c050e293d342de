"""Read an image file into a uint8 HWC RGB array."""

from __future__ import annotations

import io
import os

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from restorekit.registry import TRANSFORMS

from ..errors import ImageReadError, require_keys
from ..file_backends import describe, get_bytes

_PNG_END = b"IEND\xae\x42\x60\x82"
_JPEG_EOI = b"\xff\xd9"


def check_complete(data: bytes, path: str, where: str | None = None) -> None:
    """Raise :class:`ImageReadError` if a PNG / JPEG byte string is cut short.

    Some decoders (older OpenCV / libjpeg builds) return a partially decoded JPEG padded with
    gray instead of failing, so the end markers are checked explicitly: a PNG must end with its
    ``IEND`` chunk and a JPEG must contain the ``FFD9`` end-of-image marker in its last 1 KiB
    (trailing padding after the marker is tolerated). Other formats rely on the decoder.
    ``where`` replaces ``'path'`` in the message (e.g. ``key 'k' in LMDB 'db'``).
    """
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        complete = data.rstrip(b"\x00").endswith(_PNG_END)
        fmt = "PNG (no IEND chunk at the end)"
    elif data.startswith(b"\xff\xd8"):
        complete = _JPEG_EOI in data[-1024:]
        fmt = "JPEG (no end-of-image marker)"
    else:
        return
    if not complete:
        where = where or f"'{path}'"
        raise ImageReadError(
            f"Image {where} is truncated: incomplete {fmt}. Re-copy or "
            f"re-download the file."
        )


def to_uint8_rgb(img: np.ndarray, path: str, where: str | None = None) -> np.ndarray:
    """Convert a decoded OpenCV array (BGR/BGRA/gray, uint8 or uint16) to uint8 (H, W, 3) RGB.

    * gray (H, W) or (H, W, 1) and gray+alpha (H, W, 2) → the gray channel repeated 3 times;
    * BGRA → alpha dropped (colour values kept as stored, not composited on a background);
    * uint16 → ``round(v / 257)``, which maps 0 → 0 and 65535 → 255 exactly (no ties occur
      because 257 is odd);
    * anything else (float TIFF/EXR, 4+ unknown channels) → :class:`ImageReadError`
      (naming ``where``, default ``'path'``).
    """
    where = where or f"'{path}'"
    if img.dtype == np.uint16:
        img = np.round(img.astype(np.float32) / 257.0).astype(np.uint8)
    elif img.dtype != np.uint8:
        raise ImageReadError(
            f"Image {where} has unsupported pixel type {img.dtype}; convert it to 8- or 16-bit."
        )
    if img.ndim == 2:
        img = img[:, :, None]
    channels = img.shape[2]
    if channels in (1, 2):
        return np.ascontiguousarray(np.repeat(img[:, :, :1], 3, axis=2))
    if channels in (3, 4):
        return np.ascontiguousarray(img[:, :, 2::-1])  # BGR(A) -> RGB, alpha dropped
    raise ImageReadError(f"Image {where} has {channels} channels; expected 1-4.")


def exif_orientation(data: bytes) -> int:
    """The EXIF orientation tag (1-8) of an encoded image, 1 when absent or unreadable.

    Read with Pillow (header only, a dependency of scikit-image); OpenCV's
    ``IMREAD_UNCHANGED`` ignores the tag.
    """
    if b"exif" not in data[:65536].lower() and not data.startswith((b"II*\x00", b"MM\x00*")):
        return 1
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as im:
            value = int(im.getexif().get(0x0112, 1))
    except Exception:
        return 1
    return value if 1 <= value <= 8 else 1


def apply_orientation(img: np.ndarray, orientation: int) -> np.ndarray:
    """Turn stored pixels into display orientation for EXIF ``orientation`` 1-8 (the same
    result as ``PIL.ImageOps.exif_transpose``)."""
    if orientation == 2:
        img = img[:, ::-1]
    elif orientation == 3:
        img = img[::-1, ::-1]
    elif orientation == 4:
        img = img[::-1]
    elif orientation == 5:
        img = np.swapaxes(img, 0, 1)
    elif orientation == 6:
        img = np.rot90(img, k=-1)
    elif orientation == 7:
        img = np.swapaxes(img, 0, 1)[::-1, ::-1]
    elif orientation == 8:
        img = np.rot90(img, k=1)
    return np.ascontiguousarray(img)


def decode_image(data: bytes, path: str, backend_args: dict | None = None) -> np.ndarray:
    """Decode encoded image bytes into a uint8 (H, W, 3) RGB array.

    Args:
        data: the file's bytes.
        path: the file path (LMDB: the key); errors name it through
            :func:`restorekit.datasets.file_backends.describe` with ``backend_args``.
        backend_args: where the bytes came from (``None``: a local file).
    """
    where = describe(path, backend_args)
    if not data:
        raise ImageReadError(f"Image {where} is empty (0 bytes). Re-copy or remove it.")
    check_complete(data, path, where)
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if img is None:
        raise ImageReadError(
            f"Image {where} could not be decoded ({len(data)} bytes): it is corrupt, truncated "
            f"or not an image. Re-copy it or remove it from the dataset."
        )
    return apply_orientation(to_uint8_rgb(img, path, where), exif_orientation(data))


def read_image(path: str, backend_args: dict | None = None) -> np.ndarray:
    """Read ``path`` into a uint8 (H, W, 3) RGB array; see :class:`LoadImageFromFile`.

    ``backend_args`` selects the storage (:mod:`restorekit.datasets.file_backends`); for
    ``backend='lmdb'`` ``path`` is the key and ``backend_args['db_path']`` the database.
    """
    return decode_image(get_bytes(path, backend_args), path, backend_args)


@TRANSFORMS.register_module()
class LoadImageFromFile(BaseTransform):
    """Load ``results[f'{key}_path']`` into ``results[key]`` as uint8 (H, W, 3) RGB.

    Follows mmagic's ``LoadImageFromFile(key=...)`` naming: ``key='img'`` reads ``img_path``,
    ``'gt'`` reads ``gt_path``, ``'real_blur'`` reads ``real_blur_path``. The file is read with
    Python and decoded with ``cv2.imdecode(IMREAD_UNCHANGED)``; an EXIF orientation tag is then
    applied (:func:`apply_orientation`), so a phone photo comes out upright as viewers show it
    (pairs stay aligned when both files carry the same tag). See :func:`to_uint8_rgb` for gray,
    alpha and 16-bit handling.

    Storage: ``results[f'{key}_backend_args']`` (set by the datasets for LMDB and remote
    storage) or else this transform's ``backend_args``; ``None`` reads local files. For LMDB
    the path is the key (:mod:`restorekit.datasets.file_backends`).

    Added keys: ``key`` (the image) and ``ori_<key>_shape`` = (H, W).

    Args:
        key: result key of the image.
        backend_args: mmengine-style storage settings used when the data info has none,
            e.g. ``dict(backend='http')`` for URLs (mmagic's ``backend_args``).

    Raises:
        MissingKeyError: ``results`` has no ``<key>_path`` (a ``KeyError``).
        ImageReadError: the file is missing, empty, truncated or undecodable (names the file).
    """

    def __init__(self, key: str = "img", backend_args: dict | None = None) -> None:
        self.key = key
        self.backend_args = backend_args

    def transform(self, results: dict) -> dict:
        path_key = f"{self.key}_path"
        require_keys(results, [path_key], f"LoadImageFromFile(key={self.key!r})")
        path = os.fspath(results[path_key])
        img = read_image(path, results.get(f"{self.key}_backend_args", self.backend_args))
        results[self.key] = img
        results[f"ori_{self.key}_shape"] = tuple(img.shape[:2])
        return results

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(key={self.key!r})"


__all__ = ["LoadImageFromFile", "apply_orientation", "check_complete", "decode_image",
           "exif_orientation", "read_image", "to_uint8_rgb"]
