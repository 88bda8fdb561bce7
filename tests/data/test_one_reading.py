"""One reading, as properties: what validate accepts, load reads to the value the cell means.

For generated cells of each field type (numbers in every form a spreadsheet writes, dates,
booleans, blanks, free text, encodings), either validation refuses naming the file, the
spreadsheet row and the field, or ``load`` returns the value the cell means. The fields
are the real contract's (copied from ``data/datapackage.yaml``) in a one-table package,
so each example validates in milliseconds.

Examples are derandomised (the same every run, no database), so CI is steady; run
``HYPOTHESIS_PROFILE=explore pytest tests/data/test_one_reading.py`` to search further.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from report import data
from report.data.validation import DataError, read_descriptor

settings.register_profile(
    "steady",
    max_examples=120,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("explore", max_examples=2000, database=None, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "steady"))

ROOT = Path(__file__).resolve().parents[2]

#: The real fields the mini package is made of: (table, field) in data/datapackage.yaml.
FIELDS = {
    "value_usd_bn": "cash_flow",  # number, required, may be negative
    "low_usd_bn": "capex_guidance",  # number, optional, minimum 0
    "count": "lab_events",  # integer, optional, minimum 0
    "open_weights": "model_releases",  # boolean, required
    "left_date": "departures",  # date, optional
    "occasion": "capex_guidance",  # text, required
    "note": "capex_annual",  # text, optional
}
#: A valid row; each example changes one cell of one of the three rows.
VALID = {
    "value_usd_bn": "12.5",
    "low_usd_bn": "3",
    "count": "7",
    "open_weights": "true",
    "left_date": "2025-06-30",
    "occasion": "Q2 2025 results",
    "note": "",
}
ROWS = 3


def contract_fields() -> list[dict[str, Any]]:
    real = read_descriptor(ROOT / "data")
    by_table = {r["name"]: {f["name"]: f for f in r["schema"]["fields"]} for r in real["resources"]}
    return [dict(by_table[table][name]) for name, table in FIELDS.items()]


class Mini:
    """A one-table data package in a temporary folder, rewritten for each example."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="one-reading-"))
        descriptor = {
            "name": "one-reading",
            "edition_date": "2026-11-29",
            "resources": [{"name": "t", "path": "t.csv", "schema": {"fields": contract_fields()}}],
        }
        (self.dir / "datapackage.yaml").write_text(yaml.safe_dump(descriptor), encoding="utf-8")

    def write(self, row: int, field: str, cell: str, encoding: str = "utf-8") -> None:
        rows = [dict(VALID) for _ in range(ROWS)]
        rows[row][field] = cell
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(FIELDS), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        (self.dir / "t.csv").write_bytes(buf.getvalue().encode(encoding))

    def read(self, row: int, field: str, cell: str, encoding: str = "utf-8") -> tuple[bool, Any]:
        """(True, loaded value) if accepted; (False, None) if refused naming row and field."""
        self.write(row, field, cell, encoding)
        try:
            data.ensure_valid(self.dir)
        except DataError as exc:
            named = [
                p
                for p in exc.problems
                if p.file.endswith("t.csv") and p.row == row + 2 and p.field == field
            ]
            assert named, f"{cell!r} in {field}: refused without naming row and field:\n{exc}"
            return False, None
        frame = data.load("t", self.dir)
        return True, frame[field].iloc[row]

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def mini():
    package = Mini()
    yield package
    package.close()


rows = st.integers(0, ROWS - 1)


def check(mini: Mini, row: int, field: str, cell: str, means: Any, same: Callable) -> None:
    accepted, value = mini.read(row, field, cell)
    if accepted:
        assert same(value, means), f"{cell!r} in {field} means {means!r}, loaded {value!r}"


# ---------------------------------------------------------------------------------------
# Numbers in every form a spreadsheet (or a person) writes them

finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12)
NON_FINITE = ["inf", "INF", "Infinity", "-inf", "-Infinity", "nan", "NaN", "1e400", "-1e999"]


def spreadsheet_forms(x: float) -> list[tuple[str, float]]:
    """How a spreadsheet can write ``x``, each with what it means."""
    sign = "-" if x < 0 else ""
    a = abs(x)
    return [
        (repr(x), x),  # General format, full precision
        (f"{x:.2f}", round(x, 2)),  # Number format, two decimals
        (f"{x:.6E}", float(f"{x:.6E}")),  # Scientific: 1.234560E+03
        (f"{x:.3e}", float(f"{x:.3e}")),
        (f"{x:,.2f}", round(x, 2)),  # with thousands separators
        (f"{sign}${a:,.2f}", round(x, 2)),  # Currency
        (f"({a:,.2f})" if x < 0 else f"{a:,.2f}", round(x, 2)),  # Accounting negatives
        (f"{x * 100:.1f}%", round(x * 100, 1) / 100),  # Percent
        (f"{x:.2f}".replace(".", ","), round(x, 2)),  # decimal comma
        (f" {x:.2f} ", round(x, 2)),  # padded
        (f"+{a:.2f}" if x >= 0 else f"{x:.2f}", round(x, 2)),
        (f"{x:.2f}".replace("-", "\u2212"), round(x, 2)),  # a typographic minus
    ]


def close_to(value: Any, means: float) -> bool:
    return (
        isinstance(value, float)
        and math.isfinite(value)
        and math.isclose(value, means, rel_tol=1e-12, abs_tol=1e-12)
    )


@given(
    x=finite,
    form=st.integers(0, 11),
    row=rows,
    field=st.sampled_from(["value_usd_bn", "low_usd_bn"]),
)
def test_numbers_are_refused_or_read_as_meant(mini, x, form, row, field):
    cell, means = spreadsheet_forms(x)[form]
    check(mini, row, field, cell, means, close_to)


@given(cell=st.sampled_from(NON_FINITE), row=rows)
def test_non_finite_numbers_are_always_refused(mini, cell, row):
    accepted, value = mini.read(row, "value_usd_bn", cell)
    assert not accepted, f"{cell!r} accepted as {value!r}"


@given(n=st.integers(-(10**20), 10**20), row=rows, pad=st.sampled_from(["", " ", "+", "0"]))
def test_integers_are_refused_or_read_as_meant(mini, n, row, pad):
    cell = f"{pad}{n}" if n >= 0 else str(n)
    check(mini, row, "count", cell, n, lambda v, m: not pd.isna(v) and int(v) == m)


@given(x=finite.filter(lambda v: v != int(v)), row=rows)
def test_fractions_in_an_integer_column_are_refused(mini, x, row):
    accepted, value = mini.read(row, "count", repr(x))
    assert not accepted, f"{x!r} accepted as {value!r}"


# ---------------------------------------------------------------------------------------
# Dates, in the forms spreadsheets and people write them


def date_forms(d: dt.date) -> list[str]:
    return [
        d.isoformat(),
        f"{d.year}-{d.month}-{d.day}",  # 2023-2-24
        d.strftime("%d/%m/%Y"),
        d.strftime("%m/%d/%Y"),
        f"{d.month}/{d.day}/{d.year}",
        d.strftime("%d %b %Y"),
        d.strftime("%Y%m%d"),
        f"{d.isoformat()}T00:00:00",
        f"{d.isoformat()} 00:00:00",
        f" {d.isoformat()}",
        d.strftime("%d.%m.%Y"),
    ]


@given(d=st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), form=st.integers(0, 10), row=rows)
def test_dates_are_refused_or_read_as_meant(mini, d, form, row):
    cell = date_forms(d)[form]
    check(mini, row, "left_date", cell, d, lambda v, m: not pd.isna(v) and v.date() == m)


@given(d=st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), row=rows)
def test_iso_dates_are_accepted(mini, d, row):
    accepted, value = mini.read(row, "left_date", d.isoformat())
    assert accepted and value.date() == d


# ---------------------------------------------------------------------------------------
# Booleans

BOOLEAN_FORMS = {
    True: ["true", "TRUE", "True", "1", "yes", "Y", "T", "WAHR", "VRAI", " true", "true "],
    False: ["false", "FALSE", "False", "0", "no", "N", "F", "FALSCH", "FAUX", " false"],
}


@given(meaning=st.booleans(), form=st.integers(0, 9), row=rows)
def test_booleans_are_refused_or_read_as_meant(mini, meaning, form, row):
    cell = BOOLEAN_FORMS[meaning][form]
    check(mini, row, "open_weights", cell, meaning, lambda v, m: v is not pd.NA and bool(v) is m)


# ---------------------------------------------------------------------------------------
# Blanks

blanks = st.text(alphabet=" \t\u00a0\u3000", max_size=4)


@given(cell=blanks, row=rows, field=st.sampled_from(["occasion", "open_weights", "value_usd_bn"]))
def test_a_required_cell_of_blanks_is_refused(mini, cell, row, field):
    accepted, value = mini.read(row, field, cell)
    assert not accepted, f"{cell!r} accepted in required {field} as {value!r}"


@given(row=rows, field=st.sampled_from(["low_usd_bn", "count", "left_date", "note"]))
def test_an_empty_optional_cell_is_missing(mini, row, field):
    accepted, value = mini.read(row, field, "")
    assert accepted and (value is None or pd.isna(value))


# ---------------------------------------------------------------------------------------
# Free text, and encodings

text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=30,
)


@given(cell=text, row=rows)
def test_text_is_read_exactly_as_written(mini, cell, row):
    assume(cell.strip())
    accepted, value = mini.read(row, "occasion", cell)
    assert accepted and value == cell, f"{cell!r} loaded as {value!r}"


typical = st.text(alphabet="abcXYZ 0123,.;\"'’‘“”–—€éèüßñÆ\n", min_size=1, max_size=20)


@given(
    cell=typical,
    row=rows,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]),
)
def test_other_encodings_are_refused_or_read_as_meant(mini, cell, row, encoding):
    try:
        raw = cell.encode(encoding)
    except UnicodeEncodeError:
        assume(False)
    if encoding not in ("utf-8", "utf-8-sig") and raw != cell.encode("utf-8"):
        # Bytes that happen to be valid UTF-8 read as UTF-8 (mojibake no reader can detect).
        try:
            raw.decode("utf-8")
            assume(False)
        except UnicodeDecodeError:
            pass
    mini.write(row, "note", cell, encoding)
    try:
        data.ensure_valid(mini.dir)
    except DataError as exc:
        assert encoding not in ("utf-8", "utf-8-sig"), f"{encoding} {cell!r} refused:\n{exc}"
        named = [p for p in exc.problems if p.file.endswith("t.csv")]
        assert named and ("not UTF-8" in named[0].rule or "UTF-16" in named[0].rule), exc
        if encoding != "utf-16":  # UTF-16 is named for the whole file
            assert named[0].row == row + 2 and named[0].field == "note", exc
        return
    value = data.load("t", mini.dir)["note"].iloc[row]
    assert value == cell, f"{encoding} {cell!r} loaded as {value!r}"
