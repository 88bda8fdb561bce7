"""Computations and charts of the conclusion: the two bets, the cost so far, a projection."""

from __future__ import annotations

import altair as alt
import pandas as pd

# The conclusion restates the capex record with the infrastructure chapter's own functions,
# re-exported here so its notebook imports one module.
from report.chapters.infrastructure import basis_label as basis_label
from report.chapters.infrastructure import capex_series as capex_series
from report.chapters.infrastructure import check_basis as check_basis
from report.chapters.infrastructure import latest_guidance as latest_guidance
from report.chapters.infrastructure import with_midpoints as with_midpoints
from report.charts import GREYS, colour_name, level_rule
from report.sourcing import preferred

#: Colours of the projection chart (named in its subtitle through ``colour_name``).
ACTUAL, GUIDED, PROJECTED = "#0072B2", "#E69F00", "#D55E00"

POINTS = ("low", "mid", "high")


def two_bets(
    reality_labs: pd.DataFrame, capex: pd.DataFrame, sources: pd.DataFrame, first_year: int
) -> pd.DataFrame:
    """Reality Labs operating losses and capex by year from ``first_year``, with running totals."""
    losses = preferred(
        reality_labs.dropna(subset=["operating_loss_usd_bn"]), ["fiscal_year"], sources
    )
    rl = losses[["fiscal_year", "operating_loss_usd_bn", "source_id"]].rename(
        columns={"operating_loss_usd_bn": "usd_bn"}
    )
    rl["bet"] = "Metaverse: Reality Labs operating loss"
    cx = capex[["fiscal_year", "capex_usd_bn", "source_id"]].rename(
        columns={"capex_usd_bn": "usd_bn"}
    )
    cx["bet"] = "AI era: capital expenditures"
    both = pd.concat([rl, cx], ignore_index=True)
    both = both[both["fiscal_year"] >= first_year].sort_values(["bet", "fiscal_year"])
    if both.groupby("bet")["fiscal_year"].apply(lambda y: (y.diff().dropna() != 1).any()).any():
        raise ValueError("a bet has gaps between years; running totals need a complete series")
    both["cumulative_usd_bn"] = both.groupby("bet")["usd_bn"].cumsum()
    return both.reset_index(drop=True)


def starting_point(guidance: pd.Series, point: str) -> float:
    """The low end, midpoint or high end of a guidance range."""
    if point not in POINTS:
        raise ValueError(f"guidance_point must be one of {', '.join(POINTS)}, got {point!r}")
    low, high = float(guidance["low_usd_bn"]), float(guidance["high_usd_bn"])
    return {"low": low, "mid": (low + high) / 2, "high": high}[point]


def project(start_year: int, start_value: float, growth: float, years: int) -> pd.DataFrame:
    """Compound ``start_value`` by ``growth`` a year for ``years`` years after ``start_year``."""
    if years < 0:
        raise ValueError("projection_years cannot be negative")
    if growth <= -1:
        raise ValueError("growth_after_guidance must be above -1 (-100%)")
    rows = [{"fiscal_year": start_year, "usd_bn": start_value, "kind": "Guidance (starting point)"}]
    for n in range(1, years + 1):
        rows.append(
            {
                "fiscal_year": start_year + n,
                "usd_bn": start_value * (1 + growth) ** n,
                "kind": "Our projection",
            }
        )
    return pd.DataFrame(rows)


def first_year_over(series: pd.DataFrame, threshold: float) -> int | None:
    """The first year whose value exceeds ``threshold`` (None if none does)."""
    over = series[series["usd_bn"] > threshold]
    return int(over["fiscal_year"].min()) if len(over) else None


# ---------------------------------------------------------------- charts


def two_bets_chart(rows: pd.DataFrame) -> alt.LayerChart:
    """Annual amounts as bars, running totals as lines, for the two bets."""
    colour = alt.Color("bet:N", title=None)
    base = alt.Chart(rows).encode(
        x=alt.X("fiscal_year:O", title="Fiscal year"),
        color=colour,
        tooltip=[
            alt.Tooltip("bet:N", title="Bet"),
            alt.Tooltip("fiscal_year:O", title="Year"),
            alt.Tooltip("usd_bn:Q", title="That year (USD bn)", format=",.1f"),
            alt.Tooltip("cumulative_usd_bn:Q", title="Running total (USD bn)", format=",.1f"),
            alt.Tooltip("source_id:N", title="Source"),
        ],
    )
    bars = base.mark_bar(opacity=0.55).encode(
        xOffset=alt.XOffset("bet:N"), y=alt.Y("usd_bn:Q", title="USD bn")
    )
    lines = base.mark_line(point=True).encode(y="cumulative_usd_bn:Q")
    return (bars + lines).properties(
        width="container",
        height=320,
        title=alt.Title(
            "Two bets side by side",
            subtitle="Bars: each year; lines: running totals. Losses and capital spending are different things (see text).",
        ),
        description=(
            "Bar and line chart comparing Reality Labs' annual operating losses with Meta's annual "
            "capital expenditures, with running totals for each."
        ),
    )


def projection_chart(
    history: pd.DataFrame, ranges: pd.DataFrame, path: pd.DataFrame, threshold: float
) -> alt.LayerChart:
    """Actual capex, the guidance range and our projection, against the article's threshold.

    The year axis lists every year from the first to the last drawn, so a year with no figure
    shows as an empty slot rather than being skipped (equal spacing stays honest).
    """
    drawn_years = [*history["fiscal_year"], *ranges["fiscal_year"], *path["fiscal_year"]]
    years = list(range(int(min(drawn_years)), int(max(drawn_years)) + 1))
    x_axis = alt.X("fiscal_year:O", title="Fiscal year", scale=alt.Scale(domain=years))
    actual = (
        alt.Chart(history)
        .mark_bar(color=ACTUAL)
        .encode(
            x=x_axis,
            y=alt.Y("usd_bn:Q", title="Capital expenditures (USD bn)"),
            tooltip=[
                alt.Tooltip("fiscal_year:O", title="Year"),
                alt.Tooltip("usd_bn:Q", title="Actual (USD bn)", format=",.1f"),
                alt.Tooltip("source_id:N", title="Source"),
            ],
        )
    )
    guided = (
        alt.Chart(ranges)
        .mark_rule(strokeWidth=8, color=GUIDED)
        .encode(
            x=x_axis,
            y="low_usd_bn:Q",
            y2="high_usd_bn:Q",
            tooltip=[
                alt.Tooltip("fiscal_year:O", title="Guidance for"),
                alt.Tooltip("low_usd_bn:Q", title="Low (USD bn)"),
                alt.Tooltip("high_usd_bn:Q", title="High (USD bn)"),
                alt.Tooltip("given_date:T", title="Given", format="%d %b %Y"),
            ],
        )
    )
    projected = (
        alt.Chart(path)
        .mark_line(strokeDash=[6, 4], point=True, color=PROJECTED)
        .encode(
            x=x_axis,
            y="usd_bn:Q",
            tooltip=[
                alt.Tooltip("fiscal_year:O", title="Year"),
                alt.Tooltip("kind:N", title="What"),
                alt.Tooltip("usd_bn:Q", title="USD bn", format=",.0f"),
            ],
        )
    )
    line = level_rule(threshold, "The article's threshold")
    return (actual + guided + projected + line).properties(
        width="container",
        height=320,
        title=alt.Title(
            "Where the spending is heading: our projection, not a forecast",
            subtitle=(
                f"{colour_name(ACTUAL).capitalize()}: actual. "
                f"{colour_name(GUIDED).capitalize()}: Meta's latest guidance. "
                f"{colour_name(PROJECTED).capitalize()} dashes: our scenario. "
                f"{colour_name(GREYS[1]).capitalize()}: the article's threshold."
            ),
        ),
        description=(
            "Chart of Meta's actual capital expenditures by year, its latest guidance range, and a "
            "projection under this edition's assumptions, with a line at the article's threshold."
        ),
    )
