"""How a data file is read: one reading for the validator and the loader.

What ``validate`` accepts, ``load`` reads to the same value, because both read a file
through this module:

- **bytes to text**: UTF-8, with or without the byte-order mark a spreadsheet's "CSV UTF-8"
  starts with; anything else is refused, naming the row and field of the first byte that is
  not UTF-8 and the encoding the file most likely has;
- **text to records**: RFC 4180 with any line ending (LF, CRLF or CR); a quoted cell may hold
  line breaks. Records are numbered as a spreadsheet numbers its rows (the header is row 1),
  however many lines a record spans, so every message names the same row for the same record;
- **cells to values**: the Table Schema types of ``datapackage.yaml``, read as Frictionless
  reads them, with three narrowings the format cannot state, applied to every table: a number
  is finite, a date is written ``YYYY-MM-DD``, and a required text is more than spaces.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

#: Frictionless's default spellings of a boolean (a field may declare its own).
TRUE_VALUES = ("true", "True", "TRUE", "1")
FALSE_VALUES = ("false", "False", "FALSE", "0")

#: A date as the data package writes it; Frictionless alone would also take ``2023-2-4``.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

#: A number as the README lists it (a spreadsheet's General or Number cell): ASCII digits,
#: ``.`` as the decimal mark followed by digits, an optional sign and exponent, spaces around.
#: Python (so Frictionless) would also read ``1_000``, ``.5``, ``5.`` and other scripts' digits.
NUMBER = re.compile(r" *[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)? *")

#: A whole number as the README lists it: ASCII digits, an optional sign, spaces around.
INTEGER = re.compile(r" *[+-]?[0-9]+ *")

#: The README's grammar of each type, shared by cells and parameters (``report.build.params``).
GRAMMAR = {"number": NUMBER, "integer": INTEGER, "date": ISO_DATE}

#: The largest integer a column of the loader's integer type (``Int64``) holds.
MAX_INTEGER = 2**63 - 1

#: Separators a spreadsheet may have used instead of the comma, with how to name them.
OTHER_SEPARATORS = {";": "semicolon", "\t": "tab", "|": "vertical bar"}


class Unreadable(ValueError):
    """A file's bytes are not text in the encoding the data package declares."""

    def __init__(
        self, rule: str, row: int | None = None, field: str | None = None, value: Any = None
    ):
        self.rule, self.row, self.field, self.value = rule, row, field, value
        super().__init__(rule)


def codec(encoding: str | None) -> str:
    """The Python codec for a declared encoding; UTF-8 tolerates a byte-order mark."""
    name = (encoding or "utf-8").strip().lower().replace("_", "-")
    return "utf-8-sig" if name in ("utf-8", "utf8") else name


def likely_encoding(raw: bytes) -> str:
    """A best guess at the encoding of bytes that are not UTF-8, for the message."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or raw[:200].count(b"\x00") > 20:
        return "UTF-16 (a spreadsheet's 'Unicode text')"
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return "Latin-1 (ISO-8859-1)"
    return "Windows-1252 (a spreadsheet's plain 'CSV' on Windows)"


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """Physical lines with their offsets, split as the csv module splits them."""
    offset = 0
    for line in io.StringIO(text, newline=""):
        yield offset, line
        offset += len(line)


def _cell_index(record_text: str, position: int) -> int:
    """Which cell (0-based) of a record holds the character at ``position``."""
    index, quoted = 0, False
    for char in record_text[:position]:
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            index += 1
    return index


def locate(text: str, offset: int) -> tuple[int, str | None, str]:
    """Where character ``offset`` of ``text`` is: spreadsheet row, field name and cell text."""
    lines = list(_lines(text))
    reader = csv.reader((line for _, line in lines), strict=False)
    header: list[str] = []
    consumed, row = 0, 0
    for cells in reader:
        row += 1
        if row == 1:
            header = cells
        start = lines[consumed][0]
        consumed = reader.line_num
        end = lines[consumed][0] if consumed < len(lines) else len(text)
        if start <= offset < end:
            index = _cell_index(text[start:end], offset - start)
            field = header[index] if row > 1 and index < len(header) else None
            return row, field, cells[index] if index < len(cells) else ""
    return row, None, ""


def decode(raw: bytes, encoding: str | None = None) -> str:
    """The text of a data file; raise Unreadable naming the row and field of a bad byte."""
    name = codec(encoding)
    if name == "utf-8-sig" and raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable(
            "the file is UTF-16 (a spreadsheet's 'Unicode text'), not UTF-8: "
            "save it as 'CSV UTF-8 (comma delimited)'"
        )
    try:
        return raw.decode(name)
    except UnicodeDecodeError as exc:
        # Latin-1 maps each byte to one character, so offsets into it are byte offsets.
        row, field, cell = locate(raw.decode("latin-1"), exc.start)
        guess = likely_encoding(raw)
        try:  # the cell as the guessed encoding reads it, to show what was meant
            cell = cell.encode("latin-1").decode("cp1252" if "1252" in guess else "latin-1")
        except UnicodeError:
            pass
        raise Unreadable(
            f"not UTF-8 (byte 0x{raw[exc.start]:02X} cannot be read); the file is most likely "
            f"{guess}: save it as 'CSV UTF-8' or convert it to UTF-8",
            row=row if row > 1 else None,
            field=field,
            value=cell[:80] if row > 1 else None,
        ) from None


def records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each record with its spreadsheet row number (the header is row 1).

    A blank line is a record with no cells (a spreadsheet shows it as an empty row).
    Raises ``csv.Error`` on malformed quoting.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    yield from enumerate(reader, start=1)


def looks_separated_by(header: list[str], expected: list[str]) -> str | None:
    """The separator a header line was written with, when it is not the comma."""
    if len(header) >= len(expected):
        return None
    line = ",".join(header)
    for sep, name in OTHER_SEPARATORS.items():
        names = [part.strip().strip('"') for part in line.split(sep)]
        if len(set(names) & set(expected)) >= min(2, len(expected)):
            return name
    return None


def boolean_values(field: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The spellings of true and of false a boolean field accepts (declared, else the defaults)."""
    return (
        tuple(field.get("trueValues", TRUE_VALUES)),
        tuple(field.get("falseValues", FALSE_VALUES)),
    )


def narrowing(kind: str, raw: str, value: Any, required: bool = False) -> str | None:
    """Why a cell that Frictionless read as ``value`` is still refused, or None.

    These are the report's readings of the Table Schema types, for every table: numbers
    are finite (``inf``, ``nan`` and numbers too large for a float are refused) and written
    as :data:`NUMBER` (``1_000``, ``.5`` and non-ASCII digits are refused), integers are
    written as :data:`INTEGER` and fit the loader's 64-bit column, dates are written ``YYYY-MM-DD``, and a required text
    is more than blanks.
    """
    if kind == "number" and isinstance(value, int | float | Decimal):
        if not math.isfinite(float(value)):
            return "not a finite number (inf, nan and numbers beyond 1.8e308 are refused)"
        if isinstance(raw, str) and not NUMBER.fullmatch(raw):
            return (
                "not a number as the data is written (digits, '.' as the decimal mark, an "
                "optional sign and exponent: 1234.5, -0.25, 1.2E+3)"
            )
    elif kind == "integer" and isinstance(value, int):
        if isinstance(raw, str) and not INTEGER.fullmatch(raw):
            return "not a whole number as the data is written (digits and an optional sign)"
        if abs(value) > MAX_INTEGER:
            return f"integer out of range (at most {MAX_INTEGER:,} either side of zero)"
    elif kind == "date" and value is not None:
        if not ISO_DATE.fullmatch(raw):
            return "not a date written YYYY-MM-DD (as 2023-02-24, with leading zeros)"
    elif kind == "string" and required and isinstance(raw, str) and raw and not raw.strip():
        return "empty: the cell holds only blanks (spaces or tabs) and the field is required"
    return None
