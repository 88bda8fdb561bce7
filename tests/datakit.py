"""Helpers to make deliberately broken copies of the data package."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def copy_data(dest: Path) -> Path:
    shutil.copytree(DATA, dest)
    return dest


def read(path: Path) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    return rows[0], rows[1:]


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    path.write_text(buf.getvalue(), encoding="utf-8")


def set_cell(data: Path, table: str, column: str, value: str, row: int = 0) -> None:
    """Set ``column`` of data row ``row`` (0-based; CSV row ``row + 2``)."""
    path = data / f"{table}.csv"
    header, rows = read(path)
    rows[row][header.index(column)] = value
    write(path, header, rows)


def drop_column(data: Path, table: str, column: str) -> None:
    path = data / f"{table}.csv"
    header, rows = read(path)
    i = header.index(column)
    write(path, header[:i] + header[i + 1 :], [r[:i] + r[i + 1 :] for r in rows])


def add_column(data: Path, table: str, column: str, value: str = "x") -> None:
    path = data / f"{table}.csv"
    header, rows = read(path)
    write(path, header + [column], [r + [value] for r in rows])


def duplicate_row(data: Path, table: str, row: int = 0) -> None:
    path = data / f"{table}.csv"
    header, rows = read(path)
    write(path, header, rows + [list(rows[row])])


def append_raw(data: Path, table: str, text: str) -> None:
    path = data / f"{table}.csv"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def cell(data: Path, table: str, column: str, row: int = 0) -> str:
    header, rows = read(data / f"{table}.csv")
    return rows[row][header.index(column)]


def row_count(data: Path, table: str) -> int:
    return len(read(data / f"{table}.csv")[1])


def rewrite(
    data: Path,
    table: str,
    *,
    encoding: str = "utf-8",
    bom: bool = False,
    lineterminator: str = "\n",
    delimiter: str = ",",
) -> None:
    """Save a table again as a spreadsheet might: another encoding, BOM, line ending, separator."""
    path = data / f"{table}.csv"
    header, rows = read(path)
    buf = io.StringIO()
    csv.writer(buf, lineterminator=lineterminator, delimiter=delimiter).writerows([header, *rows])
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode(encoding))


#: Broken copies of the data, each with the file and words its error must name (used by the
#: data tests and the pipeline tests).
CASES = {
    "missing column": (
        lambda d: drop_column(d, "capex_annual", "capex_usd_bn"),
        "capex_annual.csv",
        None,
        "capex_usd_bn",
        "missing",
    ),
    "wrong type": (
        lambda d: set_cell(d, "capex_annual", "capex_usd_bn", "lots"),
        "capex_annual.csv",
        2,
        "capex_usd_bn",
        "type",
    ),
    "bad date": (
        lambda d: set_cell(d, "capex_guidance", "given_date", "2025-13-40"),
        "capex_guidance.csv",
        2,
        "given_date",
        "type",
    ),
    "negative money": (
        lambda d: set_cell(d, "capex_annual", "capex_usd_bn", "-5"),
        "capex_annual.csv",
        2,
        "capex_usd_bn",
        "minimum",
    ),
    "duplicate key": (
        lambda d: duplicate_row(d, "capex_annual", 0),
        "capex_annual.csv",
        None,
        None,
        "duplicate",
    ),
    "unknown source_id": (
        lambda d: set_cell(d, "capex_annual", "source_id", "no-such-source"),
        "capex_annual.csv",
        2,
        None,
        "no-such-source",
    ),
    "non-http url": (
        lambda d: set_cell(d, "sources", "url", "ftp://example.org/x"),
        "sources.csv",
        2,
        "url",
        "pattern",
    ),
    "javascript url": (
        lambda d: set_cell(d, "sources", "url", "javascript:alert(1)"),
        "sources.csv",
        2,
        "url",
        "pattern",
    ),
    "empty required cell": (
        lambda d: set_cell(d, "capex_guidance", "occasion", ""),
        "capex_guidance.csv",
        2,
        "occasion",
        "required",
    ),
    "low above high": (
        lambda d: set_cell(d, "capex_guidance", "low_usd_bn", "999"),
        "capex_guidance.csv",
        2,
        "high_usd_bn",
        "must not exceed",
    ),
    "unexpected column": (
        lambda d: add_column(d, "capex_annual", "comment"),
        "capex_annual.csv",
        None,
        "comment",
        "unexpected column",
    ),
    "malformed quoting": (
        lambda d: append_raw(d, "capex_annual", '2030,purchases_ppe,"1,x\n'),
        "capex_annual.csv",
        None,
        None,
        "malformed CSV",
    ),
    "too many cells": (
        lambda d: append_raw(d, "capex_annual", "2019,purchases_ppe,1,x,y,,z\n"),
        "capex_annual.csv",
        None,
        None,
        "cells but the header has",
    ),
    "bad enum": (
        lambda d: set_cell(d, "capex_annual", "basis", "cash"),
        "capex_annual.csv",
        2,
        "basis",
        "enum",
    ),
    "actual after edition": (
        lambda d: set_cell(d, "capex_annual", "fiscal_year", "2099"),
        "capex_annual.csv",
        2,
        "fiscal_year",
        "after the edition date",
    ),
    "published after accessed": (
        lambda d: set_cell(d, "sources", "published", "2026-12-31"),
        "sources.csv",
        2,
        "accessed",
        "must not exceed",
    ),
    "missing file": (
        lambda d: (d / "capex_guidance.csv").unlink(),
        "capex_guidance.csv",
        None,
        None,
        "missing",
    ),
}


def broken_copy(tmp_path, case: str):
    copy = copy_data(tmp_path / case.replace(" ", "-"))
    CASES[case][0](copy)
    return copy
