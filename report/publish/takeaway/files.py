"""What a take-away build wrote (its report) and the write-if-changed helper."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path


def _sha(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def _write(path: Path, content: bytes) -> bool:
    """Write only when the bytes differ (keeps mtimes, so Sphinx and the build skip work)."""
    if path.is_file() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(content)
    tmp.replace(path)
    return True


@dataclass
class TakeawayReport:
    """What the take-away step did."""

    charts: int = 0
    rendered: int = 0
    reused_notebooks: list[str] = field(default_factory=list)
    seconds: float = 0.0
