"""Independent image domains (no pixel correspondence), e.g. sharp photos + real blurred photos.

Used by unpaired methods: the realistic-blur pipeline (sharp + real-blur domains) and
Blur2Blur (A = unknown-domain blurry, B = unknown-domain sharp; B2B ``data/unaligned_dataset.py``
draws B at random for every A). Here the partner draw is a seeded permutation instead of
``random.randint``, so a run is reproducible and, over ``|index domain|`` items, every partner
image is used before any repeats. See ``docs/datasets.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from mmengine.dataset import BaseDataset, force_full_init

from restorekit.registry import DATASETS

from .errors import DatasetLayoutError
from .file_backends import backend_name, join_root, lmdb_keys
from .file_utils import IMG_EXTENSIONS, check_files_exist, read_list_file, require_dir, scan_images
from .paired_image_dataset import build_pipeline


@DATASETS.register_module()
class UnpairedImageDataset(BaseDataset):
    """Several independent image domains; one is indexed, the others are drawn per index.

    ``domains`` maps a result key to a source, e.g.::

        domains=dict(gt=dict(dir='sharp'), real_blur=dict(dir='real_blur'))
        domains=dict(img=dict(ann_file='trainA.txt'), gt='trainB')  # a str is a folder

    A folder is searched recursively for images (sorted by relative path); a list file holds
    one image path per line, kept in file order (relative to ``data_root``; blank lines and
    ``#`` comments ignored; a repeated line is drawn proportionally more often).

    ``len(dataset)`` is the size of ``index_domain`` (default: the first domain). Item ``i``
    gets index-domain image ``i`` and, for every other domain of size ``M``, image
    ``perm_c[i % M]`` where ``perm_c`` is a permutation of ``range(M)`` drawn from
    ``np.random.default_rng([seed, epoch, domain_number, c])`` with ``c = i // M``. The
    partner is therefore a fixed function of ``(seed, epoch, i)`` (``epoch`` is 0 unless
    :meth:`set_epoch` is called), identical in every DataLoader worker and on every rank.

    Data info: ``<name>_path`` for every domain, ``key`` (relative name of the index-domain
    image without extension) and ``sample_idx``.

    Storage (``backend_args``, :mod:`restorekit.datasets.file_backends`): ``None`` reads local
    files. With ``dict(backend='lmdb')`` every domain is ``dict(dir='<name>.lmdb')``, an LMDB
    database whose ``meta_info.txt`` lists its keys (``tools/pack_lmdb.py unpaired``); the
    paths are keys and ``<name>_backend_args`` carries the ``db_path``. Other mmengine
    backends need ``ann_file`` domains (paths joined with ``data_root`` as strings).

    Args:
        domains: ``{result_key: dict(dir=...) | dict(ann_file=...) | str}``, in order.
        data_root: joined with relative folders, list files and listed paths.
        index_domain: the domain that is indexed (``None``: the first).
        seed: non-negative int seeding the partner draw.
        backend_args: storage, see above (``None``: local files).
        pipeline, serialize_data, test_mode, lazy_init, metainfo, **kwargs: as in
            :class:`mmengine.dataset.BaseDataset`.

    Raises:
        DatasetLayoutError: bad ``domains`` entry, unknown ``index_domain``, missing folder or
            list file, missing listed file, or a domain without images.
    """

    def __init__(
        self,
        domains: dict[str, dict | str],
        data_root: str = "",
        index_domain: str | None = None,
        seed: int = 0,
        backend_args: dict | None = None,
        pipeline: Sequence[dict | Callable] = (),
        serialize_data: bool = True,
        test_mode: bool = False,
        lazy_init: bool = False,
        **kwargs: Any,
    ) -> None:
        if not isinstance(domains, dict) or not domains:
            raise DatasetLayoutError(
                "`domains` must be a non-empty dict such as "
                "dict(gt=dict(dir='sharp'), real_blur=dict(dir='blur'))."
            )
        self.domains = {name: self._parse_source(name, src) for name, src in domains.items()}
        index_domain = next(iter(self.domains)) if index_domain is None else index_domain
        if index_domain not in self.domains:
            raise DatasetLayoutError(
                f"index_domain={index_domain!r} is not one of the domains {list(self.domains)}."
            )
        if not isinstance(seed, (int, np.integer)) or seed < 0:
            raise DatasetLayoutError(f"`seed` must be a non-negative int, got {seed!r}.")
        self.backend = backend_name(backend_args)
        self.backend_args = dict(backend_args) if backend_args else None
        self.domain_backend_args: dict[str, dict | None] = {}
        for name, src in self.domains.items():
            if self.backend == "lmdb" and "dir" not in src:
                raise DatasetLayoutError(f"Domain {name!r}: backend 'lmdb' needs dir='<db>.lmdb'.")
            if self.backend not in ("local", "lmdb") and "ann_file" not in src:
                raise DatasetLayoutError(
                    f"Domain {name!r}: backend {self.backend!r} needs ann_file=... (a list of "
                    f"paths); folders can only be scanned locally or as LMDB.")
        self.index_domain = index_domain
        self.seed = int(seed)
        self.epoch = 0
        self.partner_paths: dict[str, list[str]] = {}
        self._perm_cache: dict[tuple[int, int], np.ndarray] = {}
        super().__init__(
            data_root=data_root,
            data_prefix=dict(),
            pipeline=build_pipeline(pipeline),
            serialize_data=serialize_data,
            test_mode=test_mode,
            lazy_init=lazy_init,
            **kwargs,
        )

    @staticmethod
    def _parse_source(name: str, src: dict | str) -> dict[str, str]:
        if isinstance(src, (str, Path)):
            src = dict(dir=str(src))
        if not isinstance(src, dict) or len({"dir", "ann_file"} & set(src)) != 1 or (
            set(src) - {"dir", "ann_file"}
        ):
            raise DatasetLayoutError(
                f"Domain {name!r}: give exactly one of dir=... or ann_file=..., got {src!r}."
            )
        return dict(src)

    # ------------------------------------------------------------------ loading
    def _scan_domain(self, name: str) -> list[tuple[str, str]]:
        """``[(key, path)]``: a folder sorted by relative name, a list file in file order."""
        src = self.domains[name]
        root = Path(self.data_root or ".")
        self.domain_backend_args[name] = self.backend_args
        if "dir" in src and self.backend == "lmdb":
            db = str(root / src["dir"])
            found = [(k, k) for k in lmdb_keys(db, f"Domain {name!r}")]
            self.domain_backend_args[name] = dict(self.backend_args, db_path=db)
            where = f"LMDB '{db}'"
        elif "dir" in src:
            folder = require_dir(root / src["dir"], f"Domain {name!r}", "Fix `dir` or `data_root`.")
            found = list(scan_images(folder).items())
            where = f"folder '{folder}'"
        elif self.backend != "local":
            ann = root / src["ann_file"]
            rows = read_list_file(ann, num_columns=1)
            found = [(Path(f[0]).with_suffix("").as_posix(), join_root(self.data_root, f[0]))
                     for _, f in rows]
            where = f"list file '{ann}'"
        else:
            ann = root / src["ann_file"]
            rows = read_list_file(ann, num_columns=1)
            found = [(Path(f[0]).with_suffix("").as_posix(), str(root / f[0])) for _, f in rows]
            check_files_exist([p for _, p in found], f"list file '{ann}' (domain {name!r})")
            where = f"list file '{ann}'"
        if not found:
            exts = "/".join(e[1:] for e in IMG_EXTENSIONS)
            raise DatasetLayoutError(
                f"Domain {name!r} is empty: no images ({exts}) in {where}. Add images or fix "
                f"the path."
            )
        return found

    def load_data_list(self) -> list[dict]:
        """Scan every domain; return the index domain's ``[dict(<name>_path, key)]``."""
        self.partner_paths = {}
        data_list: list[dict] = []
        for name in self.domains:
            found = self._scan_domain(name)
            if name == self.index_domain:
                data_list = [{f"{name}_path": p, "key": k} for k, p in found]
                args = self.domain_backend_args.get(name)
                if args is not None:
                    for info in data_list:
                        info[f"{name}_backend_args"] = args
            else:
                self.partner_paths[name] = [p for _, p in found]
        self._perm_cache.clear()
        return data_list

    # ------------------------------------------------------------------ partners
    def set_epoch(self, epoch: int) -> None:
        """Redraw partners for ``epoch`` (call it from a hook; default epoch is 0).

        With ``persistent_workers=True`` the workers keep their own copy of the dataset, so
        the new epoch only reaches them when the workers are re-created.
        """
        self.epoch = int(epoch)
        self._perm_cache.clear()

    def partner_index(self, domain: str, idx: int) -> int:
        """Index into ``partner_paths[domain]`` for item ``idx`` (see the class docstring)."""
        size = len(self.partner_paths[domain])
        number = list(self.domains).index(domain)
        cycle, pos = divmod(idx, size)
        perm = self._perm_cache.get((number, cycle))
        if perm is None:
            rng = np.random.default_rng([self.seed, self.epoch, number, cycle])
            perm = rng.permutation(size)
            if len(self._perm_cache) > 64:
                self._perm_cache.clear()
            self._perm_cache[(number, cycle)] = perm
        return int(perm[pos])

    @force_full_init
    def get_data_info(self, idx: int) -> dict:
        """Index-domain info for ``idx`` plus ``<domain>_path`` of each drawn partner."""
        info = super().get_data_info(idx)
        idx = info["sample_idx"]
        for domain, paths in self.partner_paths.items():
            info[f"{domain}_path"] = paths[self.partner_index(domain, idx)]
            if self.domain_backend_args.get(domain) is not None:
                info[f"{domain}_backend_args"] = self.domain_backend_args[domain]
        return info


__all__ = ["UnpairedImageDataset"]
