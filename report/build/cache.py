"""A data-aware execution cache.

A notebook is executed again only when its source, its effective parameters, the
``report`` package code, the data package descriptor, or one of the tables it read in
its last run changed. Contents are hashed, never timestamps. Each notebook's entry is
a small JSON file under ``_build/cache``; a missing, unreadable or stale entry simply
means the notebook runs.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from report.data.validation import read_descriptor

#: The whole report package (this module lives in report/build/).
PACKAGE_DIR = Path(__file__).resolve().parents[1]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def code_hash(package_dir: Path | None = None) -> str:
    """Hash of every source and static file of the ``report`` package (the one that runs)."""
    package_dir = package_dir or PACKAGE_DIR
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(str(path.relative_to(package_dir)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


class Cache:
    """Cache entries of one build folder, for one data folder."""

    def __init__(self, folder: Path, root: Path, data_dir: Path):
        self.folder = folder
        self.root = root
        self.data_dir = data_dir
        self._code = code_hash()
        descriptor = read_descriptor(data_dir)
        self._tables = {r["name"]: data_dir / r["path"] for r in descriptor["resources"]}
        self._descriptor = _sha((data_dir / "datapackage.yaml").read_bytes())

    def _entry_path(self, name: str) -> Path:
        return self.folder / f"{name}.json"

    def _read(self, name: str) -> dict[str, Any] | None:
        try:
            entry = json.loads(self._entry_path(name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return entry if isinstance(entry, dict) else None

    def table_hash(self, table: str) -> str:
        """Hash of one table's file ('missing' if the table or file is gone)."""
        path = self._tables.get(table)
        return _sha(path.read_bytes()) if path is not None and path.is_file() else "missing"

    def key(
        self, name: str, source: Path, parameters: dict[str, Any], reads: list[str] | None = None
    ) -> str:
        """The cache key of a notebook run, given the tables it reads (default: as recorded)."""
        if reads is None:
            entry = self._read(name) or {}
            reads = entry.get("reads")
            if not isinstance(reads, list):
                return "no-record"
        digest = hashlib.sha256()
        digest.update(source.read_bytes())
        digest.update(json.dumps(parameters, sort_keys=True, default=str).encode())
        digest.update(self._code.encode())
        digest.update(self._descriptor.encode())
        for table in sorted(reads):
            digest.update(f"{table}:{self.table_hash(table)}".encode())
        return digest.hexdigest()

    def miss(self, name: str, key: str, output: Path) -> str | None:
        """Why ``name`` must run (no entry, inputs changed, output gone), or None to reuse it."""
        entry = self._read(name)
        if not entry or key == "no-record":
            return "not in the cache"
        if entry.get("key") != key:
            return "inputs changed (notebook, parameters, code or data it reads)"
        if not output.is_file() or entry.get("output_sha") != _sha(output.read_bytes()):
            return "staged output missing or changed"
        return None

    def hit(self, name: str, key: str, output: Path) -> bool:
        """Whether the staged output of ``name`` is still valid for ``key``."""
        return self.miss(name, key, output) is None

    def record(
        self, name: str, source: Path, parameters: dict[str, Any], reads: list[str], output: Path
    ) -> None:
        """Store the entry of a successful run."""
        self.folder.mkdir(parents=True, exist_ok=True)
        entry = {
            "key": self.key(name, source, parameters, reads),
            "reads": sorted(reads),
            "output_sha": _sha(output.read_bytes()),
        }
        tmp = self._entry_path(name).with_suffix(".tmp")
        tmp.write_text(json.dumps(entry, indent=1), encoding="utf-8")
        tmp.replace(self._entry_path(name))

    def forget(self, name: str) -> None:
        """Drop an entry (after a failure)."""
        self._entry_path(name).unlink(missing_ok=True)
