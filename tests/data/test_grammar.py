"""The grammar is the contract (#30 case 10): exactly the README's forms, everywhere.

The README lists what a number, a whole number, a date and a boolean may look like, in a CSV
cell and in a parameter (``--param`` or a parameters file). These properties generate strings
inside that grammar and outside it (other scripts' digits, ``1_000``, ``.5``, ``0o12``,
``1:30``, ``yes``, signs and spaces in odd places) and check that each place accepts a string
exactly when the README's grammar, restated here from its words, says so.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_one_reading import Mini, mini, rows  # noqa: F401 (the fixture)

from report.build import params
from report.data import yamlio

# The README, "New data": numbers are digits with "." as the decimal mark, an optional sign
# and exponent, surrounding spaces ignored; whole numbers have no decimal point; dates are
# YYYY-MM-DD with leading zeros; booleans true/false, TRUE/FALSE, True/False, 1/0.
README_NUMBER = r" *[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)? *"
README_INTEGER = r" *[+-]?[0-9]+ *"
README_TRUE, README_FALSE = {"true", "TRUE", "True", "1"}, {"false", "FALSE", "False", "0"}


def readme_number(text: str, whole: bool = False) -> bool:
    """Whether the README's grammar admits ``text`` (and it is a finite number)."""
    if not re.fullmatch(README_INTEGER if whole else README_NUMBER, text):
        return False
    return whole or math.isfinite(float(text))


#: Characters numbers are written with, right and wrong: ASCII digits and marks, a space, a
#: tab, other scripts' digits (Arabic-Indic, full-width), a typographic minus, YAML 1.1's
#: underscores, octal/hex prefixes and sexagesimal colons, and letters of inf/nan.
NUMBERISH = "0123456789+-.eE_ ,:\t\u0663\uff11\u2212oxabfinINFty%$"

numbers_inside = st.from_regex(README_NUMBER, fullmatch=True).filter(lambda s: len(s) < 30)
integers_inside = st.from_regex(README_INTEGER, fullmatch=True).filter(lambda s: len(s) < 20)
numberish = st.text(alphabet=NUMBERISH, min_size=1, max_size=10)
numbers = st.one_of(numbers_inside, integers_inside, numberish)

booleanish = st.one_of(
    st.sampled_from(sorted(README_TRUE | README_FALSE)),
    st.sampled_from(["yes", "no", "on", "off", "y", "n", "tRUE", " true", "true ", "T", "01"]),
    st.text(alphabet="truefalsTRUEFALS01 ", min_size=1, max_size=6),
)


def _param(kind: str) -> params.Param:
    default = {"int": 1, "float": 1.0, "bool": True}[kind]
    return params.Param(name="p", type=kind, default=default, help="a test parameter")


def _cli_accepts(kind: str, text: str) -> bool:
    try:
        params.parse_cli_value(_param(kind), text, "chapter")
    except params.ParameterError:
        return False
    return True


def _file_accepts(kind: str, text: str) -> bool:
    """Whether ``p: TEXT`` in a parameters file is accepted for a parameter of ``kind``."""
    try:
        value = yamlio.loads(f"p: {text}\n", "params.yaml", grammar=True)["p"]
        params.check_value("chapter", _param(kind), value, "params.yaml")
    except (params.ParameterError, yamlio.YamlError, TypeError):
        return False
    return True


@given(text=numbers)
def test_a_number_parameter_on_the_command_line_is_exactly_the_grammar(text):
    assert _cli_accepts("float", text) == readme_number(text), repr(text)
    assert _cli_accepts("int", text) == readme_number(text, whole=True), repr(text)


@given(text=booleanish)
def test_a_boolean_parameter_on_the_command_line_is_exactly_the_grammar(text):
    assert _cli_accepts("bool", text) == (text in README_TRUE | README_FALSE), repr(text)


@given(text=numbers.filter(lambda s: s == s.strip() and "\t" not in s))
def test_a_number_in_a_parameters_file_is_exactly_the_grammar(text):
    """YAML 1.1 would read 1_000 as 1000, 012 as 10, 1:30 as 90 and .inf as infinity."""
    assert _file_accepts("float", text) == readme_number(text), repr(text)
    assert _file_accepts("int", text) == readme_number(text, whole=True), repr(text)


@given(text=booleanish.filter(lambda s: s == s.strip() and s not in ("0", "1", "01")))
def test_a_boolean_in_a_parameters_file_is_exactly_the_grammar(text):
    """YAML 1.1 would read yes, no, on and off as booleans; the README's words only are."""
    assert _file_accepts("bool", text) == (text in README_TRUE | README_FALSE), repr(text)


def test_yaml_surprises_in_a_parameters_file_are_read_as_the_readme_says():
    loaded = yamlio.loads(
        "a: [yes, no, on, off, 1_000, 0o12, 012, 1:30, 2025-01-02, TRUE, 1.2E+3]",
        grammar=True,
    )["a"]
    assert loaded == [
        *("yes", "no", "on", "off", "1_000", "0o12"),
        12,  # base ten, not YAML 1.1's octal 10
        *("1:30", "2025-01-02"),
        True,
        1200.0,
    ]
    assert not _file_accepts("bool", "yes") and not _file_accepts("int", "1_000")
    assert not _file_accepts("float", ".inf") and not _file_accepts("float", ".nan")


@given(text=numbers, row=rows)
def test_a_number_cell_is_accepted_exactly_when_the_grammar_says(mini, text, row):  # noqa: F811
    accepted, value = mini.read(row, "value_usd_bn", text)
    assert accepted == readme_number(text), repr(text)
    if accepted:
        assert math.isclose(value, float(text), rel_tol=1e-12)


@given(text=numbers, row=rows)
def test_a_whole_number_cell_is_accepted_exactly_when_the_grammar_says(mini, text, row):  # noqa: F811
    accepted, value = mini.read(row, "count", text)
    fits = readme_number(text, whole=True) and int(text) >= 0 and abs(int(text)) < 2**63
    assert accepted == fits, repr(text)


@given(text=booleanish, row=rows)
def test_a_boolean_cell_is_accepted_exactly_when_the_grammar_says(mini, text, row):  # noqa: F811
    accepted, _ = mini.read(row, "open_weights", text)
    assert accepted == (text in README_TRUE | README_FALSE), repr(text)


@given(
    text=st.one_of(
        st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)).map(str),
        st.text(alphabet="0123456789-/ T:", min_size=1, max_size=12),
    ),
    row=rows,
)
def test_a_date_cell_is_accepted_exactly_when_the_grammar_says(mini, text, row):  # noqa: F811
    accepted, _ = mini.read(row, "left_date", text)
    try:
        real = re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) and dt.date.fromisoformat(text)
    except ValueError:
        real = False
    assert accepted == bool(real), repr(text)


@given(
    tag=st.sampled_from(["!!bool", "!!int", "!!float", "!!str", "!!timestamp", "!local"]),
    value=st.sampled_from(["yes", "0x1F", "1_000", "1:30", "2026-01-01", "x"]),
)
def test_an_explicit_yaml_tag_in_a_parameter_file_is_refused_with_its_line(tag, value):

    with pytest.raises(yamlio.YamlError, match=r"p\.yaml, line 2: the YAML tag"):
        yamlio.loads(f"a: 1\nb: {tag} {value}\n", "p.yaml", grammar=True)
