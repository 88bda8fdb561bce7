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
