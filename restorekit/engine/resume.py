"""Choose and check the checkpoint ``tools/train.py --resume`` continues from.

* :func:`find_resume_checkpoint` follows ``<work_dir>/last_checkpoint``; if it is missing,
  dangling or names a file that does not load (killed save, truncated copy), it falls back to
  the newest loadable ``*.pth`` in the work dir and says so.
* :func:`check_resume_schedule` refuses to extend a run past the end of the learning-rate
  schedule restored from the checkpoint (mmengine restores the checkpoint's schedulers over
  the config's, so a larger ``max_iters`` silently ran on the old schedule's end).
"""

from __future__ import annotations

import math
import os
import re
import warnings
from pathlib import Path

from .errors import CheckpointLoadError, ResumeError
from .safe_checkpoint import load_checkpoint_safely

_STEP = re.compile(r"(?:iter|epoch)_(\d+)\.pth$")


def _loadable(path: str) -> tuple[dict | None, str]:
    """(checkpoint, '') if ``path`` loads as a training checkpoint, else (None, reason)."""
    if not os.path.isfile(path):
        return None, "does not exist"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ckpt = load_checkpoint_safely(path)
    except (CheckpointLoadError, OSError) as err:
        return None, str(err)
    if not isinstance(ckpt, dict) or "state_dict" not in ckpt or "meta" not in ckpt:
        return None, "is not a training checkpoint (no state_dict / meta)"
    return ckpt, ""


def _candidates(work_dir: Path) -> list[Path]:
    """``*.pth`` files of the work dir, newest step first (then newest file)."""
    files = [p for p in work_dir.glob("*.pth") if p.is_file()]

    def order(p: Path):
        m = _STEP.search(p.name)
        return (int(m.group(1)) if m else -1, p.stat().st_mtime)

    return sorted(files, key=order, reverse=True)


def remove_stale_temp_files(work_dir: str | os.PathLike) -> list[str]:
    """Delete ``.<name>.pth.*.tmp`` files an interrupted atomic save left behind."""
    removed = []
    for p in Path(work_dir).glob(".*.pth.*.tmp"):
        p.unlink(missing_ok=True)
        removed.append(str(p))
    return removed


def find_resume_checkpoint(work_dir: str | os.PathLike) -> tuple[str | None, dict | None,
                                                                   str | None]:
    """The checkpoint ``--resume`` (without a path) continues from.

    Returns:
        ``(path, checkpoint, note)``: ``path`` is ``None`` when the work dir holds no
        checkpoint at all (training starts from scratch); ``note`` explains a fallback.

    Raises:
        ResumeError: checkpoints exist but none of them loads.
    """
    work_dir = Path(work_dir)
    pointer = work_dir / "last_checkpoint"
    named = None
    if pointer.is_file():
        named = pointer.read_text().strip()
        if named and not os.path.isabs(named) and not os.path.exists(named):
            named = str(work_dir / Path(named).name)
    tried: list[str] = []
    if named:
        ckpt, reason = _loadable(named)
        if ckpt is not None:
            return named, ckpt, None
        tried.append(f"'{named}' {reason}")
    for path in _candidates(work_dir) if work_dir.is_dir() else []:
        if named and os.path.abspath(path) == os.path.abspath(named):
            continue
        ckpt, reason = _loadable(str(path))
        if ckpt is not None:
            if named:
                note = (f"last_checkpoint names '{named}', which cannot be used "
                        f"({tried[0].split(' ', 1)[1]}); resuming from '{path}', the newest "
                        f"loadable checkpoint in '{work_dir}'.")
            else:
                note = f"no last_checkpoint in '{work_dir}'; resuming from '{path}'."
            if len(tried) > 1:
                note += " Skipped: " + "; ".join(tried[1:])
            return str(path), ckpt, note
        tried.append(f"'{path}' {reason}")
    if tried:
        raise ResumeError(f"--resume found no loadable checkpoint in '{work_dir}': "
                          + "; ".join(tried) + ". Start a new run (without --resume) or pass "
                          "--resume PATH to a good checkpoint.")
    return None, None, None


def _horizon(state: dict) -> float | None:
    end = state.get("end")
    if isinstance(end, (int, float)) and math.isfinite(end):
        return float(end)
    if "T_max" in state:
        return float(state.get("begin", 0)) + float(state["T_max"])
    return None


def _scheduler_states(ckpt: dict) -> list[dict]:
    scheds = ckpt.get("param_schedulers")
    if isinstance(scheds, dict):
        return [s for group in scheds.values() for s in group if isinstance(s, dict)]
    if isinstance(scheds, list):
        return [s for s in scheds if isinstance(s, dict)]
    return []


def _saved_max_iters(ckpt: dict) -> int | None:
    """``train_cfg.max_iters`` of the run that wrote ``ckpt`` (read from the config text in
    its meta with a regular expression; the text is never executed)."""
    text = (ckpt.get("meta") or {}).get("cfg")
    if not isinstance(text, str):
        return None
    match = re.search(r"train_cfg\s*=\s*dict\((?:[^()]|\([^()]*\))*?max_iters\s*=\s*(\d+)",
                      text, re.S)
    return int(match.group(1)) if match else None


def check_resume_schedule(ckpt: dict, path: str, new_max_iters: int | None) -> None:
    """Refuse to resume past the end of the schedule stored in ``ckpt``.

    Raises:
        ResumeError: the checkpoint's run had ``max_iters`` smaller than ``new_max_iters`` and
            its learning-rate schedule spans that old run, so the extra iterations would run
            on a finished (or, for a cosine without ``end``, restarting) schedule.
    """
    if not new_max_iters:
        return
    old_max = _saved_max_iters(ckpt)
    horizons = [h for h in map(_horizon, _scheduler_states(ckpt)) if h is not None]
    if old_max is None or not horizons or new_max_iters <= old_max:
        return
    end = max(horizons)
    if end < old_max or end >= new_max_iters:
        return
    done = int((ckpt.get("meta") or {}).get("iter", 0))
    raise ResumeError(
        f"Checkpoint '{path}' (iteration {done}) comes from a run with max_iters={old_max}; "
        f"its learning-rate schedule ends at iteration {int(end)} and --resume restores that "
        f"schedule, not the config's, so iterations {int(end) + 1}-{new_max_iters} would run "
        f"past its end. To train longer, start a new run from its weights instead: "
        f"--cfg-options load_from={path} (without --resume) with a schedule for "
        f"max_iters={new_max_iters - done}.")
