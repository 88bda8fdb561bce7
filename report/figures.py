"""Format numbers for prose, glue them, and show a chapter's key figures.

Numbers reach the prose only through ``glue``: a chapter computes a value from the
data, formats it here and glues the text; the markdown pastes it with
``{glue:text}`name```. New data therefore changes the prose too.
"""

from __future__ import annotations

import html
import math
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


def usd_bn(value: float | None, digits: int = 1) -> str:
    """``72.22`` -> ``$72.2 billion``; values of 1,000 or more in trillions."""
    if _is_missing(value):
        return "n/a"
    if abs(value) >= 1000:
        return f"${fixed(value / 1000, digits + 1)} trillion"
    text = fixed(value, digits)
    if digits and text.endswith("." + "0" * digits):
        text = text[: -(digits + 1)]
    return f"${text} billion"


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
