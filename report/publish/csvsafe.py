"""CSV cells a spreadsheet would run as formulas, neutralised (the OWASP "CSV injection" advice).

A cell the book offers for download that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is run by spreadsheets as a formula. Such a text cell gets a leading
apostrophe, which spreadsheets show as text; a number (``-0.25``, ``+3``, ``1E+3``) is left
as it is, so numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*")


def neutralise(value: Any) -> Any:
    """``value`` safe for a spreadsheet: a formula-like text gets a leading ``'``; else as is."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_csv(text: str) -> str:
    """A whole CSV text with every formula-like cell neutralised (header included)."""
    rows = list(csv.reader(io.StringIO(text)))
    if not any(neutralise(c) != c for row in rows for c in row):
        return text
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[neutralise(c) for c in row] for row in rows])
    return out.getvalue()
