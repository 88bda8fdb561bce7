"""Infrastructure chapter, fixed comparators: a quarter against its two named comparators.

Guidance ranges are compared only with ranges of the same kind (given at the same point).
"""

from __future__ import annotations

import re

import pandas as pd

from report.chapters.infrastructure.capex import with_midpoints
from report.data.bases import MixedBasisError
from report.data.sourcing import preferred


def shift_quarter(label: str, quarters: int) -> str:
    """``2026Q2`` moved by ``quarters`` (``-4``: the same quarter a year earlier -> ``2025Q2``)."""
    year, q = int(label[:4]), int(label[-1])
    index = year * 4 + (q - 1) + quarters
    return f"{index // 4}Q{index % 4 + 1}"


def quarter_comparison(quarterly: pd.DataFrame, sources: pd.DataFrame, basis: str) -> dict:
    """The latest quarter on one basis against its two fixed comparators.

    The comparators are the same quarter a year earlier and the previous quarter, both on
    ``basis`` (a quarter missing on that basis gives ``None`` and a NaN change, never a figure
    on the other basis). Returns ``quarter``, ``value`` (USD bn), ``year_ago``,
    ``year_ago_value``, ``vs_year_ago`` (fraction), ``previous``, ``previous_value``,
    ``vs_previous`` and ``basis``. Raises ``MixedBasisError`` when no row is on ``basis``.
    """
    one = quarterly[quarterly["basis"] == basis]
    if one.empty:
        raise MixedBasisError(f"no quarterly capex on basis {basis!r}")
    series = preferred(one, ["quarter"], sources).set_index("quarter")["capex_usd_bn"]
    latest = max(series.index, key=lambda q: (int(q[:4]), int(q[-1])))
    year_ago, previous = shift_quarter(latest, -4), shift_quarter(latest, -1)

    def value(q: str) -> float | None:
        return float(series[q]) if q in series.index else None

    def change(before: float | None) -> float:
        return float("nan") if before in (None, 0) else float(series[latest]) / before - 1

    return {
        "basis": basis,
        "quarter": latest,
        "value": float(series[latest]),
        "year_ago": year_ago,
        "year_ago_value": value(year_ago),
        "vs_year_ago": change(value(year_ago)),
        "previous": previous,
        "previous_value": value(previous),
        "vs_previous": change(value(previous)),
    }


_OCCASION = re.compile(r"Q([1-4]) (\d{4}) results")


def occasion_point(fiscal_year: int, occasion: str) -> tuple[int, int] | None:
    """Where in the calendar a range was given, relative to the year it guides.

    ``(2026, "Q2 2026 results")`` -> ``(0, 2)``; ``(2026, "Q4 2025 results")`` -> ``(-1, 4)``;
    ``None`` when the occasion is not a quarter's results.
    """
    found = _OCCASION.fullmatch(str(occasion).strip())
    if not found:
        return None
    return int(found.group(2)) - int(fiscal_year), int(found.group(1))


def comparable_outcomes(
    guidance: pd.DataFrame, actual: pd.DataFrame, reference: pd.Series
) -> pd.DataFrame:
    """Each completed year's actual against the range given at the same point as ``reference``.

    ``reference`` is a guidance row (``latest_guidance``): a ratio learned from past years is
    only applied to the same kind of range, the one given with the same quarter's results
    relative to the year guided (``occasion_point``). ``actual`` is annual capex on the basis
    of the guidance. Returns ``fiscal_year``, ``occasion``, ``given_date``, ``mid_usd_bn``,
    ``actual_usd_bn``, ``ratio`` (actual / midpoint) and ``source_id``; empty when no
    completed year has such a range. Raises ``ValueError`` for a reference whose occasion is
    not a quarter's results.
    """
    point = occasion_point(int(reference["fiscal_year"]), reference["occasion"])
    if point is None:
        raise ValueError(f"guidance occasion {reference['occasion']!r} is not a quarter's results")
    g = with_midpoints(guidance)
    g = g[
        [
            occasion_point(y, o) == point
            for y, o in zip(g["fiscal_year"], g["occasion"], strict=True)
        ]
    ]
    g = g.drop_duplicates(["fiscal_year", "given_date"])
    rows = []
    for _, r in g.iterrows():
        act = actual[actual["fiscal_year"] == r["fiscal_year"]]
        if act.empty or int(r["fiscal_year"]) >= int(reference["fiscal_year"]):
            continue
        value = float(act["capex_usd_bn"].iloc[0])
        rows.append(
            {
                "fiscal_year": int(r["fiscal_year"]),
                "occasion": r["occasion"],
                "given_date": r["given_date"],
                "mid_usd_bn": float(r["mid_usd_bn"]),
                "actual_usd_bn": value,
                "ratio": value / float(r["mid_usd_bn"]),
                "source_id": ";".join(dict.fromkeys([r["source_id"], act["source_id"].iloc[0]])),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "fiscal_year",
            "occasion",
            "given_date",
            "mid_usd_bn",
            "actual_usd_bn",
            "ratio",
            "source_id",
        ],
    )
