"""Load the report's tables through the data package.

``load(name)`` validates the whole package once per process (again only when a
file changes) and returns a typed DataFrame. Notebooks never read CSVs directly.
The loader reads each file exactly as the validator did (``report.data.reading``), so every
cell the validator accepted becomes the value it means.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from report import paths
from report.data import reading
from report.data.validation import (
    DataError,
    Problem,
    edition_date,
    read_descriptor,
    read_records,
    validate,
)

__all__ = [
    "DataError",
    "Package",
    "current_chapter",
    "edition",
    "load",
    "package",
    "resolve_dir",
    "use",
]

#: Environment variable naming a file to which every table read is appended (for the cache).
READS_ENV = "REPORT_READS_FILE"
#: Environment variable pointing the report at another data folder.
DATA_ENV = "REPORT_DATA_DIR"
#: Set by the build for the kernels it starts: the fingerprint of data it has just validated.
VALIDATED_ENV = "REPORT_VALIDATED"

_state: dict[str, Any] = {"data_dir": None, "chapter": None}
_validated: dict[Path, str] = {}


def resolve_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """The data folder to use: the argument, else ``use()``'s, else $REPORT_DATA_DIR, else data/."""
    chosen = data_dir or _state["data_dir"] or os.environ.get(DATA_ENV) or paths.DATA_DIR
    return Path(chosen).expanduser().resolve()


def use(data_dir: str | os.PathLike | None, chapter: str | None = None) -> Path:
    """Point later ``load()`` calls of this process at ``data_dir``, for ``chapter``."""
    _state["data_dir"] = resolve_dir(data_dir) if data_dir else None
    _state["chapter"] = chapter
    return resolve_dir()


def current_chapter() -> str | None:
    """The chapter this process runs for, as set by ``use()``."""
    return _state["chapter"]


def fingerprint(data_dir: Path, names: list[str] | None = None) -> str:
    """A hash of the contents of the descriptor and the named (default: all) table files."""
    descriptor = read_descriptor(data_dir)
    digest = hashlib.sha256((data_dir / "datapackage.yaml").read_bytes())
    for res in descriptor["resources"]:
        if names is not None and res["name"] not in names:
            continue
        path = data_dir / res["path"]
        digest.update(res["name"].encode())
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    return digest.hexdigest()


def ensure_valid(data_dir: Path) -> None:
    """Validate once per process and content; raise DataError listing every error."""
    key = fingerprint(data_dir)
    if _validated.get(data_dir) == key:
        return
    if os.environ.get(VALIDATED_ENV) == key:  # the build validated these exact bytes already
        _validated[data_dir] = key
        return
    problems = validate(data_dir)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataError(errors)
    _validated[data_dir] = key


@dataclass(frozen=True)
class Table:
    """A resource of the package: its name, file, schema and declared use."""

    name: str
    path: Path
    title: str
    description: str
    fields: list[dict[str, Any]]
    primary_key: list[str]
    chapters: list[str]
    encoding: str | None = None


class Package:
    """The data package of one data folder."""

    def __init__(self, data_dir: str | os.PathLike | None = None):
        self.dir = resolve_dir(data_dir)
        self.descriptor = read_descriptor(self.dir)
        self.edition = edition_date(self.descriptor)
        self.tables = {
            r["name"]: Table(
                name=r["name"],
                path=self.dir / r["path"],
                title=r.get("title", r["name"]),
                description=r.get("description", ""),
                fields=r["schema"]["fields"],
                primary_key=r["schema"].get("primaryKey", []),
                chapters=r.get("chapters", []),
                encoding=r.get("encoding"),
            )
            for r in self.descriptor["resources"]
        }

    def table(self, name: str) -> Table:
        """The table called ``name``; a KeyError lists the valid names."""
        try:
            return self.tables[name]
        except KeyError:
            raise KeyError(
                f"no table {name!r} in {self.dir / 'datapackage.yaml'}; "
                f"tables: {', '.join(sorted(self.tables))}"
            ) from None


def package(data_dir: str | os.PathLike | None = None) -> Package:
    """The (validated) package of ``data_dir``."""
    pkg = Package(data_dir)
    ensure_valid(pkg.dir)
    return pkg


def edition(data_dir: str | os.PathLike | None = None) -> dt.date:
    """The edition date declared by the data package."""
    return Package(data_dir).edition


def _column(texts: pd.Series, field: dict[str, Any]) -> pd.Series:
    """One column read by its field's type, as Frictionless read it when validating.

    Empty cells are missing. Numbers read as Python's ``float`` reads the text Frictionless
    read as a ``Decimal`` (same forms, same value to the nearest double); integers as ``int``;
    booleans by the field's declared spellings (Frictionless's defaults otherwise); dates are
    ``YYYY-MM-DD`` (the validator refuses any other form).
    """
    kind = field.get("type", "string")
    present = texts[texts != ""]
    if kind in ("date", "datetime"):
        fmt = "%Y-%m-%d" if kind == "date" else "ISO8601"
        return pd.to_datetime(texts.replace("", None), format=fmt)
    if kind == "boolean":
        true, false = reading.boolean_values(field)
        spelled = {**{t: True for t in true}, **{f: False for f in false}}
        values = pd.Series(pd.NA, index=texts.index, dtype="boolean")
        values[present.index] = [spelled[t] for t in present]
        return values
    if kind == "integer":
        values = pd.Series(pd.NA, index=texts.index, dtype="Int64")
        values[present.index] = [int(t) for t in present]
        return values
    if kind == "number":
        values = pd.Series(float("nan"), index=texts.index, dtype="float64")
        values[present.index] = [float(t) for t in present]
        return values
    return pd.Series([None if t == "" else t for t in texts], index=texts.index, dtype="object")


def _typed(frame: pd.DataFrame, fields: list[dict[str, Any]]) -> pd.DataFrame:
    for field in fields:
        frame[field["name"]] = _column(frame[field["name"]], field)
    return frame


def read_table(table: Table, encoding: str | None = None) -> pd.DataFrame:
    """The rows of a table's file as a typed DataFrame, read as the validator read them."""
    records = read_records(table.path.parent, {"path": table.path.name, "encoding": encoding})
    header = records[0][1] if records else [f["name"] for f in table.fields]
    rows = [cells for _, cells in records[1:] if cells]
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    return _typed(frame, table.fields)


def _record_read(name: str) -> None:
    target = os.environ.get(READS_ENV)
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(name + "\n")


def load(name: str, data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Return table ``name`` as a typed DataFrame, after validating the whole package.

    Raises:
        DataError: the package is invalid (every error is listed).
        KeyError: no such table, or the table is not declared for the current chapter.
    """
    pkg = package(data_dir)
    table = pkg.table(name)
    chapter = current_chapter()
    if chapter and table.chapters and chapter not in table.chapters:
        raise KeyError(
            f"table {name!r} is not declared for chapter {chapter!r} in datapackage.yaml "
            f"(its 'chapters': {', '.join(table.chapters)}); add the chapter there first"
        )
    frame = read_table(table, table.encoding)
    _record_read(name)
    return frame


def problems(data_dir: str | os.PathLike | None = None) -> list[Problem]:
    """Every problem in the package (errors and warnings), without raising."""
    return validate(resolve_dir(data_dir))
