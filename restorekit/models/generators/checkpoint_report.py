"""The report of an official-checkpoint conversion (shared by every converter).

A converter renames the keys of an official state dict and compares them with the state dict
of the restorekit module it targets; the report lists what did not match, so a CLI can refuse
to write a partial checkpoint (``tools/converters/*.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ConversionReport:
    """What a checkpoint conversion matched and did not match."""

    converted: int = 0
    unexpected: list[str] = field(default_factory=list)  # source keys with no target
    missing: list[str] = field(default_factory=list)  # target keys with no source
    shape_mismatch: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.unexpected or self.missing or self.shape_mismatch)

    def __str__(self) -> str:
        lines = [f"converted {self.converted} tensors"]
        for name, keys in (
            ("unexpected (in the file, not in the model)", self.unexpected),
            ("missing (in the model, not in the file)", self.missing),
            ("shape mismatch", self.shape_mismatch),
        ):
            if keys:
                lines.append(f"{len(keys)} {name}:")
                lines.extend(f"  {k}" for k in keys[:20])
                if len(keys) > 20:
                    lines.append(f"  ... and {len(keys) - 20} more")
        return "\n".join(lines)


def blocks_writing(report: ConversionReport, allow_missing: bool = False,
                   allow_unexpected: bool = False) -> bool:
    """Whether a converter must refuse to write: any shape mismatch, or missing / unexpected
    keys that were not explicitly allowed."""
    return bool(report.shape_mismatch or (report.missing and not allow_missing)
                or (report.unexpected and not allow_unexpected))


def save_converted(state: dict, dst: str, meta: dict | None = None, prefix: str = "generator.",
                   raw: bool = False) -> None:
    """Write a converted state dict atomically: the bare ``state`` (``raw``), else an
    mmengine-style ``{'state_dict': {prefix + key: tensor}, 'meta': meta}``."""
    import io

    import torch

    from restorekit.engine.atomic_backend import atomic_write_bytes

    out = state if raw else {"state_dict": {f"{prefix}{k}": v for k, v in state.items()},
                             "meta": dict(meta or {})}
    buffer = io.BytesIO()
    torch.save(out, buffer)
    atomic_write_bytes(buffer.getvalue(), dst)
