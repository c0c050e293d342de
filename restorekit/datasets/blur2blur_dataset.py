"""Blur2Blur's four image folders: A/B (unknown domain, unpaired) and C/D (known domain, paired).

Reference: ``reference/methods.md`` §4.7 (Blur2Blur ``data/unaligned_dataset.py`` and
``models/blur2blur_model.py``). The official layout is ``<dataroot>/{trainA, trainB, trainC,
trainD, testA}``; what goes where (checked in the official code, which feeds
``F(sharp=D, blur=C)`` to the kernel encoder):

====  ===================  ==========================================================
role  result key           content
====  ===================  ==========================================================
A     ``img``              unknown-domain **blurry** images (the translator's input)
B     ``sharp``            unknown-domain **sharp** images, unpaired with A
C     ``known_blur``       known-domain **blurry** images (e.g. GoPro blur), paired with D
D     ``known_sharp``      known-domain **sharp** images, paired with C
====  ===================  ==========================================================

The translator learns A -> "A with C's blur"; its synthetic targets are B re-blurred with a
kernel code extracted from a (D, C) pair (:class:`~restorekit.models.generators.KernelWizard`).

Deviations from the official dataset (documented in ``docs/datasets.md``): C and D are paired by
relative file name (official: by sorted position) and must match one to one; the (C, D) pair is
drawn on its own (official: C/D use B's random index, so ``|C| >= |B|`` was required); draws
are seeded permutations (see :class:`UnpairedImageDataset`); ``len`` is ``|A|`` (official
``max(|A|, |B|)``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mmengine.dataset import force_full_init

from restorekit.registry import DATASETS

from .errors import DatasetLayoutError
from .file_utils import IMG_EXTENSIONS, require_dir, scan_images
from .paired_image_dataset import pair_by_name
from .unpaired_image_dataset import UnpairedImageDataset

ROLES = ("A", "B", "C", "D")
ROLE_DESCRIPTIONS = {
    "A": "unknown-domain blurry images",
    "B": "unknown-domain sharp images",
    "C": "known-domain blurry images, paired with D",
    "D": "known-domain sharp images, paired with C",
}
DEFAULT_KEYS = {"A": "img", "B": "sharp", "C": "known_blur", "D": "known_sharp"}


@DATASETS.register_module()
class Blur2BlurDataset(UnpairedImageDataset):
    """The A/B/C/D folders of Blur2Blur; see the module docstring for what goes where.

    Item ``i`` (training): A image ``i``; a B image and a (C, D) pair drawn independently with
    seeded permutations (a fixed function of ``(seed, epoch, i)``; every B image / every pair is
    used once before any repeats). Data info: ``img_path``, ``sharp_path``, ``known_blur_path``,
    ``known_sharp_path`` (the result keys of ``keys``), ``key`` (A's relative name) and
    ``sample_idx``. Load each with ``LoadImageFromFile(key=...)``; crop C and D with **one**
    ``PairedRandomCrop(keys=('known_blur', 'known_sharp'))`` so they stay aligned, A and B
    with their own crops. With ``test_mode=True`` only A is read (``testA`` by default).

    Args:
        data_root: the folder holding ``trainA`` ... ``trainD`` / ``testA``.
        phase: folder name prefix: ``'train'`` -> ``trainA`` ...; ``'test'`` -> ``testA``.
        folders: per-role folder overrides relative to ``data_root``, e.g.
            ``dict(C='GOPRO/train/blur', D='GOPRO/train/sharp')``.
        keys: per-role result-key overrides (defaults ``img``, ``sharp``, ``known_blur``,
            ``known_sharp``).
        split_ratio: official ``--ratio``: A keeps the first ``split_ratio`` of its sorted files
            and B the last ``1 - split_ratio``, so a paired source set becomes unpaired
            (``None``: use every file of both; the official default is 0.6).
        seed: seeds the B and (C, D) draws.
        pipeline, serialize_data, lazy_init, metainfo, **kwargs: as in
            :class:`mmengine.dataset.BaseDataset`.

    Raises:
        DatasetLayoutError: a missing folder or one without images (names the role, the folder
            and the fix); C and D with different counts or names that do not pair (lists the
            unpaired files); a ratio that leaves A or B empty.
    """

    def __init__(
        self,
        data_root: str = "",
        phase: str = "train",
        folders: dict[str, str] | None = None,
        keys: dict[str, str] | None = None,
        split_ratio: float | None = None,
        seed: int = 0,
        pipeline: Sequence[dict | Callable] = (),
        test_mode: bool = False,
        **kwargs: Any,
    ) -> None:
        for name, given in (("folders", folders), ("keys", keys)):
            unknown = set(given or {}) - set(ROLES)
            if unknown:
                raise DatasetLayoutError(
                    f"Blur2BlurDataset: unknown role(s) {sorted(unknown)} in `{name}`; the roles "
                    f"are {list(ROLES)} (see docs/datasets.md).")
        if split_ratio is not None and not 0.0 < split_ratio < 1.0:
            raise DatasetLayoutError(f"split_ratio must be in (0, 1) or None, got {split_ratio}.")
        self.folders = {r: f"{phase}{r}" for r in ROLES} | dict(folders or {})
        self.keys = DEFAULT_KEYS | dict(keys or {})
        if len(set(self.keys.values())) != len(ROLES):
            raise DatasetLayoutError(f"Blur2BlurDataset: result keys must differ, got {self.keys}.")
        self.split_ratio = split_ratio
        self.known_sharp_paths: list[str] = []
        roles = ("A",) if test_mode else ("A", "B", "C")  # D is read together with C
        self._role_of = {self.keys[r]: r for r in ROLES}
        super().__init__(
            domains={self.keys[r]: dict(dir=self.folders[r]) for r in roles},
            data_root=data_root, seed=seed, pipeline=pipeline, test_mode=test_mode, **kwargs)

    # ------------------------------------------------------------------ scanning
    def _role_folder(self, role: str) -> dict[str, str]:
        desc = ROLE_DESCRIPTIONS[role]
        folder = require_dir(
            Path(self.data_root or ".") / self.folders[role], f"Blur2Blur {role} ({desc})",
            f"Set `data_root`, or `folders=dict({role}=...)` relative to it.")
        found = scan_images(folder)
        if not found:
            exts = "/".join(e[1:] for e in IMG_EXTENSIONS)
            raise DatasetLayoutError(
                f"Blur2Blur {role} ({desc}) folder '{folder}' has no images ({exts}). Put the "
                f"{desc} there or point `folders=dict({role}=...)` at them.")
        return found

    def _scan_domain(self, name: str) -> list[tuple[str, str]]:
        role = self._role_of[name]
        found = self._role_folder(role)
        if role != "C":
            return list(found.items())
        sharp = self._role_folder("D")
        pairs = pair_by_name(
            found, sharp,
            f"C ({ROLE_DESCRIPTIONS['C']}) '{Path(self.data_root or '.') / self.folders['C']}'",
            f"D ({ROLE_DESCRIPTIONS['D']}) '{Path(self.data_root or '.') / self.folders['D']}'")
        self.known_sharp_paths = [d for _, _, d in pairs]
        return [(k, c) for k, c, _ in pairs]

    def load_data_list(self) -> list[dict]:
        """Scan the folders (A indexed; B, C+D drawn); apply ``split_ratio``."""
        data_list = super().load_data_list()
        if self.split_ratio is None or self.test_mode:
            return data_list
        n_a = int(len(data_list) * self.split_ratio)
        b_paths = self.partner_paths[self.keys["B"]]
        n_b = int(len(b_paths) * (1 - self.split_ratio))
        if n_a == 0 or n_b == 0:
            raise DatasetLayoutError(
                f"split_ratio={self.split_ratio} leaves {n_a} A image(s) of {len(data_list)} and "
                f"{n_b} B image(s) of {len(b_paths)}; add images or change split_ratio.")
        self.partner_paths[self.keys["B"]] = b_paths[len(b_paths) - n_b:]
        return data_list[:n_a]

    @force_full_init
    def get_data_info(self, idx: int) -> dict:
        """A's info for ``idx`` plus the drawn B path and (C, D) pair paths."""
        info = super().get_data_info(idx)
        if self.known_sharp_paths:
            pair = self.partner_index(self.keys["C"], info["sample_idx"])
            info[f"{self.keys['D']}_path"] = self.known_sharp_paths[pair]
        return info


__all__ = ["DEFAULT_KEYS", "ROLES", "ROLE_DESCRIPTIONS", "Blur2BlurDataset"]
