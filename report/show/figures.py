"""Format numbers for prose, glue them, and show a chapter's key figures.

Numbers reach the prose only through ``glue``: a chapter computes a value from the
data, formats it here and glues the text; the markdown pastes it with
``{glue:text}`name```. New data therefore changes the prose too.

Over 400 lines because every number and date the book prints is worded here, in one place.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import pandas as pd


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def fixed(value: float, digits: int) -> str:
    """Format ``value`` with ``digits`` decimals, rounded half to even on the number as written.

    ``111.45`` -> ``111.4``, ``111.55`` -> ``111.6``, ``0.125`` -> ``0.12``; thousands separated. Every formatter here rounds through this one function, so the same number reads the same
    everywhere; binary floating-point noise (111.45 stored as 111.4499...) never decides a digit.
    Raises ``ValueError`` for a value that is not finite.
    """
    if not math.isfinite(value):
        raise ValueError(f"cannot format a non-finite number: {value!r}")
    exact = Decimal(repr(float(value))).quantize(
        Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN
    )
    return f"{exact:,.{digits}f}"


#: The minus sign of a negative amount, before the currency: ``−$1.4 billion`` (U+2212).
MINUS = "\u2212"


def usd_bn(value: float | None, digits: int = 1) -> str:
    """``72.22`` -> ``$72.2 billion``; ``-1.4`` -> ``−$1.4 billion``; 1,000 or more in trillions."""
    if _is_missing(value):
        return "n/a"
    negative, value = value < 0, abs(value)
    if value >= 1000:
        return f"{MINUS if negative else ''}${fixed(value / 1000, digits + 1)} trillion"
    text = fixed(value, digits)
    # a value that rounds to zero has no sign
    sign = MINUS if negative and float(text.replace(",", "")) != 0 else ""
    if digits and text.endswith("." + "0" * digits):
        text = text[: -(digits + 1)]
    return f"{sign}${text} billion"


def usd_m(value: float | None) -> str:
    """``250`` -> ``$250 million``; 1,000 million or more as billions."""
    if _is_missing(value):
        return "n/a"
    if abs(value) >= 1000:
        return usd_bn(value / 1000)
    return f"${value:,.0f} million"


def usd_range_bn(low: float, high: float) -> str:
    """``(115, 135)`` -> ``$115-135 billion`` (the same value once)."""
    if _is_missing(low) or _is_missing(high):
        return "n/a"
    if low == high:
        return usd_bn(low)
    lo, hi = usd_bn(low).removesuffix(" billion"), usd_bn(high).removesuffix(" billion")
    return f"{lo}–{hi.lstrip('$')} billion"


def pct(value: float | None, digits: int = 0) -> str:
    """``0.256`` -> ``26%``."""
    if _is_missing(value):
        return "n/a"
    return f"{fixed(value * 100, digits)}%"


def _signed_percent(rate: float | None, digits: int, up: str, down: str, zero: str) -> str:
    """A rate in words that follow its sign (never a minus after a verb); rounds first."""
    if _is_missing(rate):
        return "n/a"
    text = fixed(abs(rate) * 100, digits)
    if float(text.replace(",", "")) == 0:
        return zero
    return f"{up if rate > 0 else down} {text}%"


def growth_words(rate: float | None, digits: int = 0) -> str:
    """A yearly rate as a verb phrase, never a minus sign after "grows".

    ``0.1`` -> ``grows 10%``, ``-0.15`` -> ``shrinks 15%``, ``0`` -> ``stays flat``.
    """
    return _signed_percent(rate, digits, "grows", "shrinks", "stays flat")


def change_words(rate: float | None, digits: int = 0) -> str:
    """A change against a comparator in words: ``0.25`` -> ``up 25%``, ``-0.1`` -> ``down 10%``.

    Rounds to ``digits``; a change that rounds to zero reads ``unchanged``; missing -> ``n/a``.
    """
    return _signed_percent(rate, digits, "up", "down", "unchanged")


def multiple(value: float | None, digits: int = 1) -> str:
    """``3.42`` -> ``3.4×``."""
    if _is_missing(value):
        return "n/a"
    return f"{fixed(value, digits)}×"


def number(value: float | None, digits: int = 0) -> str:
    """A plain number with thousands separators."""
    if _is_missing(value):
        return "n/a"
    return fixed(value, digits)


def date(value: Any, precision: str = "day") -> str:
    """A date in words: ``28 January 2026``; ``January 2026`` or ``2026`` when vaguer."""
    if _is_missing(value) or value is pd.NaT:
        return "n/a"
    when = pd.Timestamp(value)
    if precision == "year":
        return f"{when.year}"
    if precision == "quarter":
        return f"Q{when.quarter} {when.year}"
    if precision == "month":
        return f"{when:%B %Y}"
    return f"{when.day} {when:%B %Y}"


def short_date(value: Any) -> str:
    """``28 Jan 2026``."""
    if _is_missing(value) or value is pd.NaT:
        return "n/a"
    when = pd.Timestamp(value)
    return f"{when.day} {when:%b %Y}"


def months_between(start: Any, end: Any) -> float:
    """Calendar months between two dates, as a decimal (30.44 days a month)."""
    days = (pd.Timestamp(end) - pd.Timestamp(start)).days
    return days / 30.4375


_PERIOD_FREQ = {"day": "D", "month": "M", "quarter": "Q", "year": "Y"}


def period_of(value: Any, precision: str | None = "day") -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day a date stands for at its precision.

    ``("2025-08-01", "month")`` -> 1 and 31 August 2025; a year-precision date covers its whole
    year; ``None`` precision means the day. Raises ``ValueError`` for an unknown precision or a
    missing date.
    """
    level = "day" if precision is None or _is_missing(precision) else str(precision)
    if level not in _PERIOD_FREQ:
        raise ValueError(
            f"unknown date precision {precision!r}; expected one of {list(_PERIOD_FREQ)}"
        )
    if _is_missing(value) or value is pd.NaT:
        raise ValueError("a missing date has no period")
    period = pd.Timestamp(value).to_period(_PERIOD_FREQ[level])
    return period.start_time.normalize(), period.end_time.normalize()


def months_range(
    start: Any, start_precision: str | None, end: Any, end_precision: str | None
) -> tuple[float, float]:
    """The shortest and longest time (calendar months, 30.44 days each) two vague dates allow.

    Each date covers its whole period (:func:`period_of`): the shortest gap runs from the end of
    the first period to the start of the second (never below 0), the longest from the start of
    the first to the end of the second. Two dates known to the day give one value twice.
    """
    first_from, first_to = period_of(start, start_precision)
    second_from, second_to = period_of(end, end_precision)
    shortest = max(0.0, months_between(first_to, second_from))
    longest = months_between(first_from, second_to)
    return shortest, longest


def months_range_text(
    shortest: float, longest: float, digits: int = 1, compact: bool = False
) -> str:
    """A gap in months between two bounds, in words.

    ``(2.0, 2.0)`` -> ``2.0 months``; ``(0.0, 2.0)`` -> ``at least 0.0 and at most 2.0 months``
    (``compact``: ``0.0–2.0 months``, for a key-figure card). Rounded half to even on the digits
    shown; bounds that read the same are one value.
    """
    lo, hi = fixed(shortest, digits), fixed(longest, digits)
    if lo == hi:
        return f"{lo} months"
    return f"{lo}–{hi} months" if compact else f"at least {lo} and at most {hi} months"


@dataclass
class KeyFigure:
    """A headline number: glued under ``name`` and shown in the key-figures block."""

    name: str
    label: str
    value: str
    detail: str = ""
    raw: Any = field(default=None, repr=False)
    #: The date of the newest data row the figure rests on (a date-like value, or a ready
    #: string such as ``"Q2 2026"``). Shown on the card as "as of ..." and glued as
    #: ``<name>-as-of``, so a stale number never reads as current.
    as_of: Any = None
    #: The precision of ``as_of`` when it is a date: day | month | quarter | year.
    as_of_precision: str = "day"

    @property
    def as_of_text(self) -> str:
        """``as_of`` in words (``28 January 2026``, ``Q2 2026``), or ``""`` when not given."""
        if self.as_of is None or (isinstance(self.as_of, float) and math.isnan(self.as_of)):
            return ""
        if isinstance(self.as_of, str) and not _looks_iso(self.as_of):
            return self.as_of
        return date(self.as_of, self.as_of_precision)


#: Date precisions from finest to coarsest (the ``date_precision`` enum of the data package).
PRECISIONS = ("day", "month", "quarter", "year")


def as_of(
    rows: pd.DataFrame,
    date: str = "date",
    precision: str | None = "date_precision",
) -> dict[str, Any]:
    """``KeyFigure`` keywords for the newest dated row of ``rows``: ``as_of`` and its precision.

    ``rows`` are the rows a figure rests on; ``date`` names their date column and ``precision``
    the column giving each row's ``date_precision`` (``None``: every date is to the day). When
    several rows share the newest date, the coarsest precision among them is used. Rows with no
    date are ignored; with no dated row at all the result is ``{"as_of": None, ...}`` (no "as
    of" line). Raises ``KeyError`` when a named column is missing. Use as
    ``KeyFigure(..., **as_of(rows))``; combine several with :func:`newest_as_of`.
    """
    dates = pd.to_datetime(rows[date], errors="coerce")
    if precision is not None and precision not in rows.columns:
        raise KeyError(f"no column {precision!r} in the rows")
    dated = dates.notna()
    if not dated.any():
        return {"as_of": None, "as_of_precision": "day"}
    newest = dates[dated].max()
    at = dated & (dates == newest)
    level = "day"
    if precision is not None:
        given = rows.loc[at, precision].fillna("day").astype(str)
        level = max(given, key=lambda p: PRECISIONS.index(p) if p in PRECISIONS else 0)
    return {"as_of": pd.Timestamp(newest), "as_of_precision": level}


def year_as_of(fiscal_year: Any) -> dict[str, Any]:
    """``KeyFigure`` keywords for a figure that rests on a fiscal year's rows: ``as of 2025``.

    Meta's fiscal year is the calendar year, so the year's last day stands for it.
    """
    if _is_missing(fiscal_year):
        return {"as_of": None, "as_of_precision": "day"}
    return {"as_of": pd.Timestamp(f"{int(fiscal_year)}-12-31"), "as_of_precision": "year"}


def newest_as_of(*found: dict[str, Any]) -> dict[str, Any]:
    """The newest of several :func:`as_of` results (ties: the coarser precision)."""
    dated = [f for f in found if f.get("as_of") is not None]
    if not dated:
        return {"as_of": None, "as_of_precision": "day"}
    return max(
        dated,
        key=lambda f: (pd.Timestamp(f["as_of"]), PRECISIONS.index(f.get("as_of_precision", "day"))),
    )


def _looks_iso(text: str) -> bool:
    return len(text) >= 4 and text[:4].isdigit() and (len(text) == 4 or text[4] == "-")


def glue_text(name: str, text: str) -> None:
    """Glue a formatted string for ``{glue:text}`` (not displayed where computed)."""
    from myst_nb import glue

    glue(name, text, display=False)


def key_figures_html(figures: list[KeyFigure], heading: str = "Key figures") -> str:
    """The key-figures block: a row of labelled values, every string escaped."""
    cards = "\n".join(
        '<div class="report-kf">'
        f'<div class="report-kf-value">{html.escape(f.value)}</div>'
        f'<div class="report-kf-label">{html.escape(f.label)}</div>'
        + (f'<div class="report-kf-detail">{html.escape(f.detail)}</div>' if f.detail else "")
        + (
            f'<div class="report-kf-asof">as of {html.escape(f.as_of_text)}</div>'
            if f.as_of_text
            else ""
        )
        + "</div>"
        for f in figures
    )
    return (
        f'<section class="report-key-figures" aria-label="{html.escape(heading, quote=True)}">\n'
        f"{cards}\n</section>"
    )


def show_key_figures(figures: list[KeyFigure], heading: str = "Key figures") -> None:
    """Glue every key figure, then display the block (the cell's one display)."""
    from IPython.display import HTML, display

    for fig in figures:
        glue_text(fig.name, fig.value)
        if fig.as_of_text:
            glue_text(f"{fig.name}-as-of", fig.as_of_text)
    display(HTML(key_figures_html(figures, heading)))


def ordinal(n: int) -> str:
    """``3`` -> ``third`` (up to twelfth), else ``13th``."""
    words = [
        "zeroth",
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "eleventh",
        "twelfth",
    ]
    if 0 <= n < len(words):
        return words[n]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def quarter(label: str) -> str:
    """``2026Q2`` -> ``Q2 2026``. Raises ``ValueError`` for a label not of the form YYYYQn."""
    year, _, q = str(label).upper().partition("Q")
    if not (year.isdigit() and len(year) == 4 and q in {"1", "2", "3", "4"}):
        raise ValueError(f"not a quarter label (YYYYQn): {label!r}")
    return f"Q{q} {year}"


def quarter_capex_text(headline: float | None, purchases: float | None) -> str:
    """What a quarter's capex was, on whichever bases the sources give (USD bn in, words out).

    Both: ``capex of $31.08 billion including principal payments on finance leases ($30.12
    billion of purchases of property and equipment)``; one: that one, naming its basis; none:
    ``no capex figure in our sources``.
    """
    if not _is_missing(headline) and not _is_missing(purchases):
        return (
            f"capex of {usd_bn(headline, 2)} including principal payments on finance leases "
            f"({usd_bn(purchases, 2)} of purchases of property and equipment)"
        )
    if not _is_missing(headline):
        return f"capex of {usd_bn(headline, 2)} including principal payments on finance leases"
    if not _is_missing(purchases):
        return (
            f"purchases of property and equipment of {usd_bn(purchases, 2)} (Meta's headline "
            "figure, which adds finance-lease principal, is not in our sources)"
        )
    return "no capex figure in our sources"


def multiple_text(ratio: float | None) -> str:
    """A ratio of a value to an earlier one in words: ``1.82`` -> ``risen to 1.8 times its level``."""
    if _is_missing(ratio):
        return "an unknown change"
    verb = "risen" if ratio >= 1 else "fallen"
    return f"{verb} to {ratio:.1f} times its level"


_CARDINALS = [
    "no",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]


def cardinal(n: int) -> str:
    """``3`` -> ``three`` (``0`` -> ``no``, up to twelve), else the number with separators."""
    n = int(n)
    return _CARDINALS[n] if 0 <= n < len(_CARDINALS) else fixed(n, 0)


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """A count with its noun, in words up to twelve: ``one hiring freeze``, ``no layoffs``."""
    n = int(n)
    noun = singular if n == 1 else (plural or f"{singular}s")
    return f"{cardinal(n)} {noun}"


def and_list(items: list[str] | tuple[str, ...], conjunction: str = "and") -> str:
    """``["a", "b", "c"]`` -> ``a, b and c``; one item alone; ``""`` for none."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


#: A value shaped like a data code: lower-case words joined by underscores.
CODE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")

#: Codes whose words are not the code's own (units, mostly).
CODE_WORDS = {
    "usd_bn": "USD bn",
    "usd_m": "USD m",
    "pct": "%",
    # the capex bases and free-cash-flow definitions (report.data.bases), as a table shows them
    "purchases_ppe": "Purchases basis",
    "incl_finance_leases": "Headline basis",
    "ocf_less_purchases": "Operating cash flow less purchases",
}


def readable_code(value: object) -> str:
    """A data code in words for a reader: ``wang_age`` -> ``Wang age``, ``usd_bn`` -> ``USD bn``.

    Anything that is not a code (a name, a sentence, a number) is returned as text unchanged.
    """
    if not isinstance(value, str) or not CODE.match(value):
        return "" if value is None or (isinstance(value, float) and value != value) else str(value)
    if value in CODE_WORDS:
        return CODE_WORDS[value]
    words = value.replace("_", " ")
    return words[:1].upper() + words[1:]
