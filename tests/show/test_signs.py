"""Money and changes read right whatever the sign (property tests over the figure helpers)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from report.show import figures as fmt

FINITE = st.floats(min_value=-5e5, max_value=5e5, allow_nan=False, allow_infinity=False)
TINY = st.floats(min_value=-1e-6, max_value=1e-6, allow_nan=False)


@given(FINITE, st.integers(min_value=0, max_value=3))
def test_usd_bn_never_prints_a_dollar_minus_and_signs_only_what_rounds_below_zero(value, digits):
    text = fmt.usd_bn(value, digits)
    assert "$-" not in text and "-$" not in text
    assert text.startswith(fmt.MINUS) == (value < 0 and text.lstrip(fmt.MINUS) != "$0 billion")
    assert text.lstrip(fmt.MINUS).startswith("$")


@given(TINY)
def test_tiny_amounts_read_as_zero(value):
    assert fmt.usd_bn(value) == "$0 billion"
    assert fmt.change_words(value) == "unchanged"


@given(FINITE)
def test_change_words_follow_the_sign(rate):
    text = fmt.change_words(rate)
    assert "-" not in text
    assert text == "unchanged" or text.startswith("up " if rate > 0 else "down ")
