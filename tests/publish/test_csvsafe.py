"""Formulas in the downloads (#30 case 4): neutralised in every CSV the book offers."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from report.publish.csvsafe import TRIGGERS, neutralise, neutralise_csv
from report.publish.takeaway.rows import _cell


@given(
    st.sampled_from(TRIGGERS),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1),
)
def test_a_formula_like_text_is_neutralised(start, rest):
    value = start + "x" + rest
    assert neutralise(value) == "'" + value


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_stay_numbers(x):
    assert neutralise(repr(x)) == repr(x)
    assert _cell(x) == format(x, ".12g")


def test_every_cell_of_a_csv_is_checked_and_a_clean_csv_is_untouched():
    text = 'a,b\n=HYPERLINK("http://x"),-0.25\n@SUM(A1),+3\n'
    rows = list(csv.reader(io.StringIO(neutralise_csv(text))))
    assert rows[1] == ['\'=HYPERLINK("http://x")', "-0.25"]
    assert rows[2] == ["'@SUM(A1)", "+3"]
    clean = "a,b\nx,1\n"
    assert neutralise_csv(clean) is clean or neutralise_csv(clean) == clean


def test_the_chart_downloads_neutralise_text_cells():
    assert _cell("=1+1") == "'=1+1"
    assert _cell("-$5bn note") == "'-$5bn note"
    assert _cell("plain") == "plain"
