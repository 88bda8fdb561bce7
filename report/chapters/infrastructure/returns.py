"""Infrastructure chapter, return on the spend: what the capex has bought so far in revenue.

Quarterly revenue beside quarterly capex on one basis: each quarter's growth on the same
quarter a year earlier (the fixed comparator), and capex per dollar of incremental revenue over
the latest four quarters. Revenue is Meta's total (Meta does not report revenue from its AI
spending apart), so these ratios describe the whole company's spending and revenue.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from report.chapters.infrastructure.comparators import shift_quarter
from report.data.bases import CAPEX_BASIS_SHORT
from report.data.sourcing import KIND_RANK, best_kind, preferred
from report.show.figures import quarter as quarter_words


def revenue_and_capex(
    revenue: pd.DataFrame, capex: pd.DataFrame, sources: pd.DataFrame, basis: str
) -> pd.DataFrame:
    """One row per quarter with both revenue and capex on ``basis`` (USD bn).

    ``revenue`` is the ``quarterly_revenue`` table, ``capex`` the ``capex_quarterly`` table;
    the strongest source per quarter is used. Columns: ``quarter``, ``period_end``,
    ``revenue_usd_bn``, ``capex_usd_bn``, ``basis``, ``revenue_growth`` and ``capex_growth``
    (on the same quarter a year earlier, NaN where that quarter is missing), ``source_id``
    (both figures' sources) and ``revenue_source_id`` (the revenue figure's alone).
    """
    rev = preferred(revenue, ["quarter"], sources)[
        ["quarter", "period_end", "revenue_usd_bn", "source_id"]
    ]
    cap = preferred(capex[capex["basis"] == basis], ["quarter"], sources)[
        ["quarter", "capex_usd_bn", "source_id"]
    ]
    both = rev.merge(cap, on="quarter", suffixes=("_revenue", "_capex"))
    both["basis"] = basis
    both["source_id"] = both["source_id_revenue"] + "; " + both["source_id_capex"]
    both = both.rename(columns={"source_id_revenue": "revenue_source_id"}).drop(
        columns=["source_id_capex"]
    )
    both = both.sort_values("period_end").reset_index(drop=True)
    by_q = both.set_index("quarter")
    for col, out in (("revenue_usd_bn", "revenue_growth"), ("capex_usd_bn", "capex_growth")):
        both[out] = [
            by_q.loc[q, col] / by_q.loc[shift_quarter(q, -4), col] - 1
            if shift_quarter(q, -4) in by_q.index
            else float("nan")
            for q in both["quarter"]
        ]
    return both


def capex_per_incremental_revenue(rows: pd.DataFrame) -> dict:
    """Capex of the latest four quarters per dollar of revenue added over the four before.

    ``rows`` is ``revenue_and_capex``. Needs eight consecutive quarters ending with the latest;
    returns ``quarters`` (the four, oldest first), ``capex_usd_bn``, ``added_revenue_usd_bn``
    and ``ratio`` (capex / added revenue; NaN when revenue did not grow), or ``ratio`` NaN and
    ``quarters`` empty when the quarters are missing.
    """
    if rows.empty:
        return {
            "quarters": [],
            "capex_usd_bn": float("nan"),
            "added_revenue_usd_bn": float("nan"),
            "ratio": float("nan"),
        }
    by_q = rows.set_index("quarter")
    last = rows["quarter"].iloc[-1]
    recent = [shift_quarter(last, -i) for i in range(3, -1, -1)]
    before = [shift_quarter(q, -4) for q in recent]
    if not set(recent + before) <= set(by_q.index):
        return {
            "quarters": [],
            "capex_usd_bn": float("nan"),
            "added_revenue_usd_bn": float("nan"),
            "ratio": float("nan"),
        }
    capex = float(by_q.loc[recent, "capex_usd_bn"].sum())
    added = float(
        by_q.loc[recent, "revenue_usd_bn"].sum() - by_q.loc[before, "revenue_usd_bn"].sum()
    )
    return {
        "quarters": recent,
        "capex_usd_bn": capex,
        "added_revenue_usd_bn": added,
        "ratio": capex / added if added > 0 else float("nan"),
    }


def returns_chart(rows: pd.DataFrame) -> alt.Chart:
    """Revenue growth and capex growth per quarter, each on the same quarter a year earlier."""
    basis = CAPEX_BASIS_SHORT[rows["basis"].iloc[0]]
    long = rows.melt(
        id_vars=["quarter", "period_end", "source_id"],
        value_vars=["revenue_growth", "capex_growth"],
        var_name="measure",
        value_name="growth",
    ).dropna(subset=["growth"])
    names = {"revenue_growth": "Revenue", "capex_growth": f"Capex ({basis})"}
    long["measure"] = long["measure"].map(names)
    long["label"] = long["quarter"].map(quarter_words)
    order = list(names.values())
    return (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("period_end:T", title="Quarter ended", axis=alt.Axis(format="%b %Y")),
            y=alt.Y(
                "growth:Q",
                title="Growth on the same quarter a year earlier",
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color("measure:N", title=None, sort=order, scale=alt.Scale(domain=order)),
            tooltip=[
                alt.Tooltip("label:N", title="Quarter"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("growth:Q", title="Growth, year on year", format="+.0%"),
                alt.Tooltip("period_end:T", title="Quarter ended", format="%d %b %Y"),
            ],
        )
        .properties(
            width="container",
            height=280,
            title=alt.Title(
                "What the spending has bought so far",
                subtitle=f"Meta's revenue and capex ({basis}), each against the same quarter a year earlier",
            ),
            description=(
                "Line chart of the year-on-year growth of Meta's quarterly revenue and of its "
                f"quarterly capital expenditures on the {basis}."
            ),
        )
    )


def weak_revenue_note(rows: pd.DataFrame, quarters: list[str], sources: pd.DataFrame) -> str:
    """A clause naming which of ``quarters``' revenue figures rest only on a weak source.

    ``rows`` is :func:`revenue_and_capex`'s frame. A figure is weak when its strongest source
    ranks below ``news`` (a reference page, a note or a blog's data file). Returns ``""`` when
    none is, otherwise e.g. ``" (the Q2 2025 revenue figure rests on a note-grade source)"``,
    so a growth rate built on it carries its grade in the sentence.
    """
    kinds = dict(zip(sources["source_id"], sources["kind"], strict=True))
    by_q = rows.set_index("quarter")
    weak = []
    for q in quarters:
        if q not in by_q.index:
            continue
        kind = best_kind(by_q.loc[q, "revenue_source_id"], kinds)
        if KIND_RANK.get(kind or "", len(KIND_RANK)) > KIND_RANK["news"]:
            weak.append(f"the {quarter_words(q)} revenue figure rests on a {kind}-grade source")
    return f" ({'; '.join(weak)})" if weak else ""
