"""The data package descriptor (read once per content) and the records of a table as read."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from report.data import reading, yamlio
from report.data.validation.problems import DataError, Problem

_DESCRIPTORS: dict[bytes, Any] = {}


def read_descriptor(data_dir: Path) -> dict[str, Any]:
    """Read ``datapackage.yaml`` strictly; raise DataError if it is unusable.

    Parsed descriptors are cached by content (parsing is the slow part), so callers must
    treat the result as read-only.
    """
    path = data_dir / "datapackage.yaml"
    if not path.is_file():
        raise DataError([Problem(str(path), "the data package descriptor is missing")])
    raw = path.read_bytes()
    key = hashlib.sha1(raw).digest()
    if key in _DESCRIPTORS:
        return _DESCRIPTORS[key]
    try:
        descriptor = yamlio.loads(raw.decode("utf-8"), str(path))
    except yamlio.YamlError as exc:
        raise DataError([Problem(str(path), str(exc))]) from exc
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise DataError([Problem(str(path), "must be a mapping with a 'resources' list")])
    _DESCRIPTORS[key] = descriptor
    return descriptor


def edition_date(descriptor: dict[str, Any]) -> dt.date:
    """The edition date declared in the package (``edition_date``)."""
    value = descriptor.get("edition_date")
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise DataError(
            [Problem("datapackage.yaml", "edition_date must be an ISO date", value=value)]
        ) from exc


def _display(data_dir: Path, path: str) -> str:
    """How a file is named in messages: relative to the current folder when possible."""
    full = (data_dir / path).resolve()
    try:
        return str(full.relative_to(Path.cwd()))
    except ValueError:
        return str(full)


def read_records(data_dir: Path, resource: dict[str, Any]) -> list[tuple[int, list[str]]]:
    """The records of a resource's file, numbered as spreadsheet rows (as the loader reads them).

    Raises:
        reading.Unreadable: the bytes are not text in the declared encoding.
        csv.Error: the quoting is malformed.
    """
    raw = (data_dir / resource["path"]).read_bytes()
    return list(reading.records(reading.decode(raw, resource.get("encoding"))))
