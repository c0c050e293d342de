"""Blur-realism metrics: is a generated "blur" a blur, and does it look like the real one?

Registered validation metrics for learning-to-blur models (BGAN). BGAN's ``predict`` fills
``pred_img`` = BGAN(sharp), ``input_img`` = the sharp image and, for paired data,
``gt_img`` = the real blurred photo of that sharp image. Each metric compares the generated
blur with its sharp input and, when ``gt_img`` is present, the real blur with the same sharp
input (the reference), then reports how far apart the two are. All images are (3, H, W)
float in [0, 1]. Definitions: :mod:`restorekit.evaluation.functional.blur_realism` and
``docs/metrics.md``.

* :class:`MeanIntensityRatio`: catches tone / exposure shifts (not blur).
* :class:`BandEnergyProfile`: gain-invariant spectral fall-off (a blur falls with frequency).
* :class:`EdgeWidth`: blind blur extent (10-90 % width of strong edges).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from mmengine.evaluator import BaseMetric

from restorekit.registry import METRICS

from ..functional.blur_realism import (
    DEFAULT_BANDS,
    band_profile,
    edge_width,
    mean_intensity,
    profile_log_distance,
)
from .sample_wise_metric import get_sample_image

__all__ = ["BandEnergyProfile", "EdgeWidth", "MeanIntensityRatio"]


def _optional(sample: Any, key: str | None) -> Any:
    if key is None:
        return None
    return sample.get(key) if isinstance(sample, dict) else getattr(sample, key, None)


class _BlurRealismMetric(BaseMetric):
    """Base: per sample ``measure(image, sharp)`` for the generated and the reference blur.

    Args:
        pred_key: field with the generated blur (``'pred_img'``).
        input_key: field with the sharp input it was made from (``'input_img'``).
        ref_key: field with the real blur of the same sharp image (``'gt_img'``); samples
            without it contribute only the generated values; ``None`` never reads it.
        collect_device / prefix: as :class:`mmengine.evaluator.BaseMetric`.
    """

    default_prefix: str | None = ""

    def __init__(self, pred_key: str = "pred_img", input_key: str = "input_img",
                 ref_key: str | None = "gt_img", collect_device: str = "cpu",
                 prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.pred_key, self.input_key, self.ref_key = pred_key, input_key, ref_key

    def measure(self, img: Any, sharp: Any) -> Any:
        raise NotImplementedError

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        for sample in data_samples:
            sharp = get_sample_image(sample, self.input_key)
            pred = self.measure(get_sample_image(sample, self.pred_key), sharp)
            ref_img = _optional(sample, self.ref_key)
            ref = None if ref_img is None else self.measure(ref_img, sharp)
            self.results.append((pred, ref))

    @staticmethod
    def _split(results: list) -> tuple[np.ndarray, np.ndarray | None]:
        pred = np.asarray([p for p, _ in results], dtype=np.float64)
        refs = [r for _, r in results if r is not None]
        return pred, (np.asarray(refs, dtype=np.float64) if refs else None)


@METRICS.register_module()
class MeanIntensityRatio(_BlurRealismMetric):
    """Mean-intensity ratios: a blur (sum-1 kernel) keeps the mean, a tone shift does not.

    Output keys: ``MeanRatio`` = mean over images of mean(pred) / mean(sharp input);
    ``RefMeanRatio`` = the same for the real blur (gt) and, with it,
    ``MeanRatioVsRef`` = MeanRatio / RefMeanRatio (1: the generated tone matches the real
    domain's). Keys: see :class:`_BlurRealismMetric`.
    """

    def measure(self, img: Any, sharp: Any) -> float:
        return mean_intensity(img) / max(mean_intensity(sharp), 1e-12)

    def compute_metrics(self, results: list) -> dict[str, float]:
        pred, ref = self._split(results)
        out = {"MeanRatio": float(pred.mean())}
        if ref is not None:
            out["RefMeanRatio"] = float(ref.mean())
            out["MeanRatioVsRef"] = out["MeanRatio"] / out["RefMeanRatio"]
        return out


@METRICS.register_module()
class BandEnergyProfile(_BlurRealismMetric):
    """Gain-invariant band-energy profile of the blur versus its sharp input.

    Per image, :func:`band_profile` (energy of the output / of the sharp input in each band
    of ``bands``); over the set, the geometric mean per band. Output keys (``i`` = band
    index, band i = ``[bands[i], bands[i + 1])`` cycles/px): ``BandRatio_i`` (generated),
    ``RefBandRatio_i`` (real blur, when ``gt_img`` is given) and ``BandLogDist_max`` /
    ``BandLogDist_mean`` = max / mean over bands of ``|log2(BandRatio_i / RefBandRatio_i)|``
    (0: the generated blur removes each band as much as the real one; 1: a factor 2).

    Args:
        bands: band edges in cycles/px (default ``(0, .06, .12, .19, .25, .38, .5)``).
        **kwargs: ``pred_key``, ``input_key``, ``ref_key``, ``collect_device``, ``prefix``.
    """

    def __init__(self, bands: Sequence[float] = DEFAULT_BANDS, **kwargs) -> None:
        super().__init__(**kwargs)
        self.bands = tuple(float(b) for b in bands)

    def measure(self, img: Any, sharp: Any) -> np.ndarray:
        return np.log2(np.maximum(band_profile(img, sharp, self.bands), 1e-12))

    def compute_metrics(self, results: list) -> dict[str, float]:
        pred, ref = self._split(results)
        gen = 2.0 ** pred.mean(axis=0)
        out = {f"BandRatio_{i}": float(v) for i, v in enumerate(gen)}
        if ref is not None:
            real = 2.0 ** ref.mean(axis=0)
            out.update({f"RefBandRatio_{i}": float(v) for i, v in enumerate(real)})
            out["BandLogDist_max"], out["BandLogDist_mean"] = profile_log_distance(gen, real)
        return out


@METRICS.register_module()
class EdgeWidth(_BlurRealismMetric):
    """Blind blur extent: median 10-90 % width (px) of strong edges (:func:`edge_width`).

    Output keys (means over images): ``EdgeWidth`` (generated), ``InputEdgeWidth`` (sharp
    input), and with ``gt_img``: ``RefEdgeWidth`` (real blur) and ``EdgeWidthRatio`` =
    EdgeWidth / RefEdgeWidth (1: as blurred as the real domain; < 1: not blurred enough).
    Images without strong edges (``nan``) are left out of the means.

    Args:
        quantile: strong edges = gradient magnitude above this quantile (0.95).
        radius: half length (px) of the profile sampled across each edge (12).
        **kwargs: ``pred_key``, ``input_key``, ``ref_key``, ``collect_device``, ``prefix``.
    """

    def __init__(self, quantile: float = 0.95, radius: float = 12.0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.quantile, self.radius = float(quantile), float(radius)

    def _width(self, img: Any) -> float:
        return edge_width(img, quantile=self.quantile, radius=self.radius)

    def measure(self, img: Any, sharp: Any) -> tuple[float, float]:
        return self._width(img), self._width(sharp)

    def compute_metrics(self, results: list) -> dict[str, float]:
        pred, ref = self._split(results)
        out = {"EdgeWidth": float(np.nanmean(pred[:, 0])),
               "InputEdgeWidth": float(np.nanmean(pred[:, 1]))}
        if ref is not None:
            out["RefEdgeWidth"] = float(np.nanmean(ref[:, 0]))
            out["EdgeWidthRatio"] = out["EdgeWidth"] / out["RefEdgeWidth"]
        return out
