"""Blurred/sharp image pairs: GoPro_Large folders, plain folders, or a RealBlur-style list.

Reference layouts: GoPro_Large ``<split>/<sequence>/{blur,blur_gamma,sharp}/*.png`` (Nah et al.
2017, as read by DeblurGAN-v2's ``files_a``/``files_b`` globs); HIDE / MMA-style
``{input,target}`` folders (mmagic ``deblurring-motion_test_config.py``); RealBlur split lists
(one pair per line). See ``docs/datasets.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mmengine.dataset import BaseDataset

from restorekit.registry import DATASETS, TRANSFORMS

from .errors import DatasetLayoutError, list_some
from .file_backends import backend_name, join_root, lmdb_keys
from .file_utils import IMG_EXTENSIONS, check_files_exist, read_list_file, require_dir, scan_images

LAYOUTS = ("gopro", "folders", "list")
_DEFAULT_FOLDER_PAIRS = (("input", "target"), ("blur", "sharp"))
_SHARP_DIR_NAMES = {"gt", "sharp", "target", "groundtruth"}
_BLUR_DIR_NAMES = {"blur", "blurry", "blur_gamma", "input"}


def build_pipeline(pipeline: Sequence[dict | Callable]) -> list[Callable]:
    """Build config dicts through restorekit's ``TRANSFORMS`` (works without a default scope)."""
    return [TRANSFORMS.build(t) if isinstance(t, dict) else t for t in pipeline]


def pair_by_name(
    inputs: dict[str, str], targets: dict[str, str], input_desc: str, target_desc: str
) -> list[tuple[str, str, str]]:
    """Pair two ``{key: path}`` maps by key; return ``[(key, input_path, target_path)]`` sorted.

    Raises:
        DatasetLayoutError: either side is empty, the counts differ, or the names differ.
    """
    exts = "/".join(e[1:] for e in IMG_EXTENSIONS)
    for found, desc in ((inputs, input_desc), (targets, target_desc)):
        if not found:
            raise DatasetLayoutError(
                f"No images ({exts}) found in {desc}. Put the images there or fix the path."
            )
    only_in = sorted(set(inputs) - set(targets))
    only_tg = sorted(set(targets) - set(inputs))
    if only_in or only_tg:
        details = []
        if only_in:
            details.append(f"only in the input: {list_some([inputs[k] for k in only_in])}")
        if only_tg:
            details.append(f"only in the target: {list_some([targets[k] for k in only_tg])}")
        head = (
            f"Unequal image counts: {len(inputs)} in {input_desc} but {len(targets)} in "
            f"{target_desc}"
            if len(inputs) != len(targets)
            else f"Image names do not match between {input_desc} and {target_desc}"
        )
        raise DatasetLayoutError(
            f"{head}; {'; '.join(details)}. Images are paired by relative name without "
            f"extension: add the missing partners or remove the extra files."
        )
    return [(k, inputs[k], targets[k]) for k in sorted(inputs)]


@DATASETS.register_module()
class PairedImageDataset(BaseDataset):
    """Blurred/sharp pairs for supervised deblurring.

    Sources (``layout``; inferred as ``'list'`` when ``ann_file`` is set, else ``'folders'``):

    * ``'gopro'``: ``<data_root>/<split>/<sequence>/{blur_dir, sharp_dir}/*.png``;
      keys are ``'<sequence>/<name>'``, e.g. ``'GOPR0372_07_00/000047'``.
    * ``'folders'``: ``<data_root>/<input_dir>`` and ``<data_root>/<target_dir>`` (searched
      recursively); by default ``input/target``, else ``blur/sharp``. mmagic's
      ``data_prefix=dict(img=..., gt=...)`` is accepted as an alias.
    * ``'list'``: ``ann_file`` with one ``<blur_path> <sharp_path>`` per line, relative to
      ``data_root``; blank lines and ``#`` comments are ignored. The official RealBlur lists put
      the sharp image first: set ``ann_columns=('gt', 'img')`` for them.

    Each data info is ``dict(img_path=str, gt_path=str, key=str)`` (plus ``sample_idx``); the
    pipeline (e.g. ``LoadImageFromFile`` for ``img`` and ``gt``) turns it into images.

    Storage (``backend_args``, :mod:`restorekit.datasets.file_backends`): ``None`` reads local
    files. ``dict(backend='lmdb')`` needs ``layout='folders'``: ``input_dir`` / ``target_dir``
    are LMDB databases (default ``input.lmdb`` / ``target.lmdb``, else ``blur.lmdb`` /
    ``sharp.lmdb``, as ``tools/pack_lmdb.py`` writes), paired by the keys of their
    ``meta_info.txt``; ``img_path`` / ``gt_path`` are then keys and the data info gains
    ``img_backend_args`` / ``gt_backend_args`` with each ``db_path``. Other mmengine backends
    (``'http'``, ``'petrel'``, ...) need ``layout='list'``: listed paths are joined with
    ``data_root`` as strings and read through the backend (no existence check up front).

    Args:
        data_root: root folder; relative folders and ``ann_file`` are joined with it.
        layout: ``'gopro'``, ``'folders'`` or ``'list'`` (``None``: inferred, see above).
        split: GoPro split folder (``'train'`` / ``'test'``).
        blur_dir: GoPro blurred folder, ``'blur'`` or ``'blur_gamma'``.
        sharp_dir: GoPro sharp folder.
        input_dir / target_dir: folder names for ``layout='folders'``.
        ann_file: list file for ``layout='list'``.
        ann_columns: which column of the list holds ``'img'`` (blurred) and ``'gt'`` (sharp).
        backend_args: storage, see above (``None``: local files).
        pipeline, serialize_data, test_mode, lazy_init, metainfo, **kwargs: as in
            :class:`mmengine.dataset.BaseDataset`.

    Raises:
        DatasetLayoutError: missing folder or list file, empty set, unequal counts, names that
            do not pair, malformed or dangling list lines (the message lists up to 5 files).
    """

    def __init__(
        self,
        data_root: str = "",
        layout: str | None = None,
        split: str = "train",
        blur_dir: str = "blur",
        sharp_dir: str = "sharp",
        input_dir: str | None = None,
        target_dir: str | None = None,
        ann_file: str = "",
        ann_columns: Sequence[str] = ("img", "gt"),
        data_prefix: dict | None = None,
        backend_args: dict | None = None,
        pipeline: Sequence[dict | Callable] = (),
        serialize_data: bool = True,
        test_mode: bool = False,
        lazy_init: bool = False,
        **kwargs: Any,
    ) -> None:
        if layout is None:
            layout = "list" if ann_file else "folders"
        if layout not in LAYOUTS:
            raise DatasetLayoutError(f"Unknown layout {layout!r}; choose one of {LAYOUTS}.")
        if layout == "list" and not ann_file:
            raise DatasetLayoutError("layout='list' needs `ann_file` (a list of image pairs).")
        if sorted(ann_columns) != ["gt", "img"]:
            raise DatasetLayoutError(
                f"ann_columns must be ('img', 'gt') or ('gt', 'img'), got {tuple(ann_columns)}."
            )
        self.backend = backend_name(backend_args)
        needed = {"local": None, "lmdb": "folders"}.get(self.backend, "list")
        if needed and layout != needed:
            raise DatasetLayoutError(
                f"backend {self.backend!r} needs layout={needed!r}, got layout={layout!r}"
                + (" (pack GoPro / list sets with tools/pack_lmdb.py: it writes "
                   "input.lmdb / target.lmdb)." if self.backend == "lmdb" else ".")
            )
        self.backend_args = dict(backend_args) if backend_args else None
        if data_prefix and {"img", "gt"} <= set(data_prefix):  # mmagic-style alias
            input_dir = input_dir or data_prefix["img"]
            target_dir = target_dir or data_prefix["gt"]
        self.layout = layout
        self.split = split
        self.blur_dir = blur_dir
        self.sharp_dir = sharp_dir
        self.input_dir = input_dir
        self.target_dir = target_dir
        self.ann_columns = tuple(ann_columns)
        super().__init__(
            ann_file=ann_file,
            data_root=data_root,
            data_prefix=dict(),
            pipeline=build_pipeline(pipeline),
            serialize_data=serialize_data,
            test_mode=test_mode,
            lazy_init=lazy_init,
            **kwargs,
        )

    # ------------------------------------------------------------------ loading
    def _root(self, *parts: str) -> Path:
        return Path(self.data_root or ".", *parts)

    def load_data_list(self) -> list[dict]:
        """Scan the configured source and return ``[dict(img_path, gt_path, key), ...]``."""
        if self.layout == "gopro":
            pairs = self._load_gopro()
        elif self.layout == "folders":
            pairs = self._load_folders()
        else:
            pairs = self._load_list()
        infos = [dict(img_path=i, gt_path=g, key=k) for k, i, g in pairs]
        if self.backend == "lmdb":
            for info in infos:
                info["img_backend_args"] = dict(self.backend_args, db_path=self._lmdb_in)
                info["gt_backend_args"] = dict(self.backend_args, db_path=self._lmdb_tg)
        elif self.backend != "local":
            for info in infos:
                info["img_backend_args"] = info["gt_backend_args"] = self.backend_args
        return infos

    def _load_gopro(self) -> list[tuple[str, str, str]]:
        root = require_dir(
            self._root(self.split), f"GoPro split '{self.split}'",
            "Set `data_root` to the GOPRO_Large folder and `split` to 'train' or 'test'.",
        )
        sequences = sorted(p for p in root.iterdir() if p.is_dir())
        if not sequences:
            raise DatasetLayoutError(f"GoPro split folder '{root}' has no sequence folders.")
        if {s.name for s in sequences} >= {self.blur_dir, self.sharp_dir}:
            raise DatasetLayoutError(
                f"'{root}' holds '{self.blur_dir}'/'{self.sharp_dir}' directly (a flattened "
                f"GoPro copy); use layout='folders' with input_dir/target_dir instead."
            )
        inputs: dict[str, str] = {}
        targets: dict[str, str] = {}
        lacking: list[str] = []
        for seq in sequences:
            for sub, found in ((self.blur_dir, inputs), (self.sharp_dir, targets)):
                folder = seq / sub
                if not folder.is_dir():
                    lacking.append(str(folder))
                    continue
                for key, path in scan_images(folder, recursive=False).items():
                    found[f"{seq.name}/{key}"] = path
        if lacking:
            raise DatasetLayoutError(
                f"{len(lacking)} GoPro sequence folder(s) are missing: {list_some(lacking)}. "
                f"Every '<sequence>' needs '{self.blur_dir}/' and '{self.sharp_dir}/' "
                f"(blur_dir may be 'blur' or 'blur_gamma')."
            )
        return pair_by_name(
            inputs, targets,
            f"'{root}/*/{self.blur_dir}'", f"'{root}/*/{self.sharp_dir}'",
        )

    def _load_folders(self) -> list[tuple[str, str, str]]:
        if self.input_dir is not None or self.target_dir is not None:
            if self.input_dir is None or self.target_dir is None:
                raise DatasetLayoutError("Set both `input_dir` and `target_dir`, or neither.")
            candidates = [(self.input_dir, self.target_dir)]
        else:
            candidates = list(_DEFAULT_FOLDER_PAIRS)
            if self.backend == "lmdb":
                candidates = [(f"{i}.lmdb", f"{t}.lmdb") for i, t in candidates]
        for inp, tgt in candidates:
            if self._root(inp).is_dir() and self._root(tgt).is_dir():
                break
        else:
            tried = ", ".join(f"'{self._root(i)}' + '{self._root(t)}'" for i, t in candidates)
            raise DatasetLayoutError(
                f"Paired folders not found; tried {tried}. Set `data_root`, or `input_dir` / "
                f"`target_dir` to the blurred and sharp folders."
            )
        in_dir, tg_dir = self._root(inp), self._root(tgt)
        if self.backend == "lmdb":
            self._lmdb_in, self._lmdb_tg = str(in_dir), str(tg_dir)
            inputs = {k: k for k in lmdb_keys(in_dir, "Input")}
            targets = {k: k for k in lmdb_keys(tg_dir, "Target")}
            return pair_by_name(inputs, targets, f"LMDB '{in_dir}'", f"LMDB '{tg_dir}'")
        return pair_by_name(scan_images(in_dir), scan_images(tg_dir), f"'{in_dir}'", f"'{tg_dir}'")

    def _load_list(self) -> list[tuple[str, str, str]]:
        rows = read_list_file(self.ann_file, num_columns=2)
        img_col = self.ann_columns.index("img")
        pairs = []
        for _, fields in rows:
            img_rel, gt_rel = fields[img_col], fields[1 - img_col]
            key = Path(img_rel).with_suffix("").as_posix()
            if self.backend == "local":
                pairs.append((key, str(self._root(img_rel)), str(self._root(gt_rel))))
            else:
                pairs.append((key, join_root(self.data_root, img_rel),
                              join_root(self.data_root, gt_rel)))
        first = rows[0][1]
        self._check_column_order(rows[0][0], first[img_col], first[1 - img_col])
        if self.backend == "local":
            source = f"list file '{self.ann_file}'"
            check_files_exist([p for _, i, g in pairs for p in (i, g)], source)
        return pairs

    def _check_column_order(self, line: int, img_rel: str, gt_rel: str) -> None:
        """Catch a list whose columns are swapped relative to ``ann_columns``."""
        img_parts = {p.lower() for p in Path(img_rel).parts[:-1]}
        gt_parts = {p.lower() for p in Path(gt_rel).parts[:-1]}
        if img_parts & _SHARP_DIR_NAMES and gt_parts & _BLUR_DIR_NAMES:
            raise DatasetLayoutError(
                f"List file '{self.ann_file}', line {line}: the blurred column "
                f"({img_rel!r} is in a sharp-looking folder) and the sharp column "
                f"look swapped. The official RealBlur lists are '<gt> <blur>': set "
                f"ann_columns=('gt', 'img') (now {self.ann_columns})."
            )


__all__ = ["LAYOUTS", "PairedImageDataset", "build_pipeline", "pair_by_name"]
