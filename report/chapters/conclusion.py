"""Computations and charts of the conclusion: the two bets, the cost so far, a projection.

Over 400 lines because the conclusion adds up every chapter: the two bets side by side, the
cost so far (with the running total sources report beside our sum), the projection and its
scenarios with the actual years it stands on, and Reality Labs by quarter, each with its chart.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

# The conclusion restates the capex record with the infrastructure chapter's own functions,
# re-exported here so its notebook imports one module.
from report.chapters.infrastructure import announced_gw as announced_gw
from report.chapters.infrastructure import basis_label as basis_label
from report.chapters.infrastructure import campus_capacity as campus_capacity
from report.chapters.infrastructure import capex_series as capex_series
from report.chapters.infrastructure import check_basis as check_basis
from report.chapters.infrastructure import comparable_outcomes as comparable_outcomes
from report.chapters.infrastructure import dated_gw as dated_gw
from report.chapters.infrastructure import guidance_outcomes as guidance_outcomes
from report.chapters.infrastructure import happened_text as happened_text
from report.chapters.infrastructure import latest_guidance as latest_guidance
from report.chapters.infrastructure import shift_quarter as shift_quarter
from report.chapters.infrastructure import watch_lists as watch_lists
from report.chapters.infrastructure import with_midpoints as with_midpoints
from report.data.bases import CAPEX_BASIS, CAPEX_BASIS_SHORT, same_basis
from report.data.sourcing import preferred, publishers
from report.show.figures import date, usd_bn
from report.show.marks import level_rule, quarter_bars
from report.show.theme import GREYS, colour_name

#: Colours of the projection chart (named in its subtitle through ``colour_name``).
ACTUAL, GUIDED, PROJECTED = "#0072B2", "#E69F00", "#D55E00"

POINTS = ("low", "mid", "high")


def two_bets(
    reality_labs: pd.DataFrame, capex: pd.DataFrame, sources: pd.DataFrame, first_year: int
) -> pd.DataFrame:
    """Reality Labs operating losses and capex by year from ``first_year``, with running totals.

    ``capex`` is one basis's series (``capex_series``); its label names the basis and says it
    is all of Meta's capex (Meta does not split AI spending from the rest).
    """
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
    basis = same_basis(*capex["basis"].unique()) if "basis" in capex.columns else "purchases_ppe"
    # All of Meta's capex: Meta does not split its AI spending from the rest
    cx["bet"] = f"Capital expenditures, all of Meta ({CAPEX_BASIS_SHORT[basis]})"
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


#: Where the projection starts: Meta's guidance (at ``guidance_point``), the guidance scaled by
#: Meta's own record, or the announced campuses' cost. The last two are our arithmetic.
START_FROM = ("guidance", "guidance-record", "campus-plans")


def check_start_from(start_from: str) -> str:
    """Return ``start_from`` if it is a known starting point; otherwise name the options."""
    if start_from not in START_FROM:
        raise ValueError(f"start_from must be one of {', '.join(START_FROM)}, got {start_from!r}")
    return start_from


def record_ratio(comparable: pd.DataFrame) -> float:
    """Meta's guidance record: the mean ratio of actual capex to a comparable midpoint.

    ``comparable`` is ``comparable_outcomes(guidance, actual, latest)``: for each completed
    year, the actual against the range given at the same point of the year as the latest
    range (so the ratio is applied to the same kind of guidance it was measured on, and this
    year's raises are not counted twice). Returns the plain mean of ``ratio`` (1.0 would mean
    Meta lands on that midpoint).

    Raises:
        ValueError: no completed year with a comparable range to learn from.
    """
    if comparable.empty:
        raise ValueError("no completed year with a range given at the same point; no record to use")
    return float(comparable["ratio"].mean())


def cost_per_gw(assumptions: pd.DataFrame, name: str) -> float:
    """The cost of one gigawatt, USD bn, from the named ``assumptions`` row (``cost_per_gw_*``).

    ``assumptions`` is indexed by ``name`` or has a ``name`` column.

    Raises:
        ValueError: ``name`` is not a cost-per-gigawatt row; the message lists the valid ones.
    """
    table = assumptions.set_index("name") if "name" in assumptions.columns else assumptions
    valid = sorted(n for n in table.index if str(n).startswith("cost_per_gw_"))
    if name not in valid:
        raise ValueError(f"cost_per_gw must be one of {', '.join(valid)}, got {name!r}")
    return float(table.loc[name, "value"])


def spread_start(total: float, growth: float, years: int) -> float:
    """First-year value of a path that grows by ``growth`` and adds up to ``total``.

    The path covers the starting year and ``years`` more (``years + 1`` values), so
    ``project(y, spread_start(t, g, n), g, n)`` sums to ``t``.
    """
    if years < 0:
        raise ValueError("projection_years cannot be negative")
    if growth <= -1:
        raise ValueError("growth_after_guidance must be above -1 (-100%)")
    return total / sum((1 + growth) ** n for n in range(years + 1))


def scenario_starts(
    guidance: pd.Series,
    ratio: float,
    campus_gw: float,
    gw_cost: float,
    growth: float,
    years: int,
) -> pd.DataFrame:
    """Every starting point side by side, each projected the same way (USD bn).

    Rows: the low end, midpoint and high end of ``guidance`` (Meta's own figures), the
    midpoint times ``ratio`` (``record_ratio``; our arithmetic), and ``campus_gw`` (capacity due within the window, :func:`dated_gw`) x
    ``gw_cost`` spread over the guided year and ``years`` more at ``growth`` (our arithmetic).
    Columns ``scenario`` (as in ``START_FROM``, with the guidance point), ``label``,
    ``basis`` ("Meta's guidance" or "our arithmetic"), ``start_usd_bn`` (the guided year),
    ``total_usd_bn`` (the guided year and ``years`` more) and ``how``.
    """
    year = int(guidance["fiscal_year"])
    rows = []
    for point in POINTS:
        start = starting_point(guidance, point)
        rows.append(
            (
                "guidance",
                point,
                f"Guidance, {point}",
                "Meta's guidance",
                start,
                f"{point} of the range given {pd.Timestamp(guidance['given_date']):%d %b %Y}",
            )
        )
    mid = starting_point(guidance, "mid")
    rows.append(
        (
            "guidance-record",
            "mid",
            "Guidance record",
            "our arithmetic",
            mid * ratio,
            f"midpoint x {ratio:.3f}, the mean ratio of actual capex to the midpoint given at "
            "the same point of completed years",
        )
    )
    total = campus_gw * gw_cost
    rows.append(
        (
            "campus-plans",
            "",
            "Campus plans",
            "our arithmetic",
            spread_start(total, growth, years),
            f"{campus_gw:g} GW due by {year + years} x ${gw_cost:g}bn per GW = ${total:,.0f}bn over {year}-{year + years}",
        )
    )
    out = pd.DataFrame(rows, columns=["scenario", "point", "label", "basis", "start_usd_bn", "how"])
    out["total_usd_bn"] = [
        project(year, v, growth, years)["usd_bn"].sum() for v in out["start_usd_bn"]
    ]
    return out


def start_value(starts: pd.DataFrame, start_from: str, guidance_point: str) -> float:
    """The starting value of the chosen scenario in ``scenario_starts`` output (USD bn)."""
    check_start_from(start_from)
    rows = starts[starts["scenario"] == start_from]
    if start_from == "guidance":
        if guidance_point not in POINTS:
            raise ValueError(
                f"guidance_point must be one of {', '.join(POINTS)}, got {guidance_point!r}"
            )
        rows = rows[rows["point"] == guidance_point]
    return float(rows["start_usd_bn"].iloc[0])


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
            subtitle=(
                "Bars: each year; lines: running totals. Capex is all of Meta's, on the basis "
                "named in the legend; losses and capital spending are different things (see text)."
            ),
        ),
        description=(
            "Bar and line chart comparing Reality Labs' annual operating losses with Meta's annual "
            "capital expenditures, with running totals for each."
        ),
    )


def reported_total_text(
    cumulative: pd.DataFrame, reality_labs: pd.DataFrame, sources: pd.DataFrame
) -> str:
    """Our sum of Reality Labs' losses set beside the newest running total a source reports.

    ``cumulative`` is ``reality_labs_cumulative``; of its newest rows whose ``since`` is a plain
    year, the largest; ``reality_labs`` the annual table, summed (preferred row per year) over
    the same years, ``since`` to the year of ``as_of``. Returns ``a running total of $83.6
    billion since 2020 (WN Hub, to 31 December 2025) against our $83.5 billion for the same
    years`` (USD bn), or ``""`` when no row states a plain starting year.
    """
    plain = cumulative[cumulative["since"].astype(str).str.fullmatch(r"\d{4}")]
    if plain.empty:
        return ""
    newest = plain[plain["as_of"] == plain["as_of"].max()]
    row = newest.sort_values("cumulative_loss_usd_bn").iloc[-1]
    first, last = int(row["since"]), int(pd.Timestamp(row["as_of"]).year)
    annual = preferred(
        reality_labs.dropna(subset=["operating_loss_usd_bn"]), ["fiscal_year"], sources
    )
    span = annual[annual["fiscal_year"].between(first, last)]
    ours = float(span["operating_loss_usd_bn"].sum())
    who = "; ".join(publishers(row["source_id"], sources))
    return (
        f"a running total of {usd_bn(float(row['cumulative_loss_usd_bn']))} since {first} "
        f"({who}, to {date(pd.Timestamp(row['as_of']))}) against our "
        f"{usd_bn(ours)} for the same years"
    )


def actual_history(headline: pd.DataFrame, purchases: pd.DataFrame) -> pd.DataFrame:
    """Actual capex per year for the projection chart, no year left blank that data can fill.

    ``headline`` and ``purchases`` are one-row-per-year capex series (``fiscal_year``,
    ``capex_usd_bn``, ``source_id``) on the headline and purchases bases. A year between the
    first and the last headline year with no headline figure takes its purchases figure, marked
    by ``basis`` (``purchases_ppe``) so the chart draws it apart and never as headline. Returns
    ``fiscal_year``, ``usd_bn`` (USD bn), ``source_id``, ``basis`` and ``basis_label``.
    """
    rows = headline.assign(basis=CAPEX_BASIS)
    if not rows.empty:
        first, last = int(rows["fiscal_year"].min()), int(rows["fiscal_year"].max())
        gaps = purchases[
            purchases["fiscal_year"].between(first, last)
            & ~purchases["fiscal_year"].isin(rows["fiscal_year"])
        ]
        rows = pd.concat([rows, gaps.assign(basis="purchases_ppe")], ignore_index=True)
    out = rows[["fiscal_year", "capex_usd_bn", "source_id", "basis"]].rename(
        columns={"capex_usd_bn": "usd_bn"}
    )
    out["basis_label"] = out["basis"].map(CAPEX_BASIS_SHORT)
    return out.sort_values("fiscal_year").reset_index(drop=True)


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
    if "basis" not in history:
        history = history.assign(basis=CAPEX_BASIS, basis_label=CAPEX_BASIS_SHORT[CAPEX_BASIS])
    filled = bool((history["basis"] != CAPEX_BASIS).any())
    actual = (
        alt.Chart(history)
        .mark_bar(color=ACTUAL)
        .encode(
            x=x_axis,
            y=alt.Y("usd_bn:Q", title="Capital expenditures (USD bn)"),
            opacity=alt.condition(alt.datum.basis == CAPEX_BASIS, alt.value(1.0), alt.value(0.45)),
            tooltip=[
                alt.Tooltip("fiscal_year:O", title="Year"),
                alt.Tooltip("usd_bn:Q", title="Actual (USD bn)", format=",.1f"),
                alt.Tooltip("basis_label:N", title="Basis"),
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
        .mark_line(strokeDash=[6, 4], point=alt.OverlayMarkDef(color=PROJECTED), color=PROJECTED)
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
                f"{colour_name(ACTUAL).capitalize()}: actual, headline basis"
                + (
                    "; pale: purchases basis, for a year with no headline figure. "
                    if filled
                    else ". "
                )
                + f"{colour_name(GUIDED).capitalize()}: Meta's latest guidance. "
                f"{colour_name(PROJECTED).capitalize()} dashes: our scenario. "
                f"{colour_name(GREYS[1]).capitalize()}: the article's threshold."
            ),
        ),
        description=(
            "Chart of Meta's actual capital expenditures by year, its latest guidance range, and a "
            "projection under this edition's assumptions, with a line at the article's threshold."
        ),
    )


def reality_labs_quarters(quarterly: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Reality Labs by quarter, one row per quarter and measure (USD bn), strongest source.

    ``quarterly`` is the ``reality_labs_quarterly`` table. Returns ``quarter``, ``period_end``,
    ``measure`` (``Operating loss`` or ``Revenue``), ``usd_bn`` and ``source_id``; a measure no
    source states for a quarter is left out, never zero.
    """
    parts = []
    for column, measure in (
        ("operating_loss_usd_bn", "Operating loss"),
        ("revenue_usd_bn", "Revenue"),
    ):
        rows = preferred(quarterly.dropna(subset=[column]), ["quarter"], sources)
        parts.append(
            rows[["quarter", "period_end", column, "source_id"]]
            .rename(columns={column: "usd_bn"})
            .assign(measure=measure)
        )
    out = pd.concat(parts, ignore_index=True).sort_values(["period_end", "measure"])
    return out.reset_index(drop=True)


def reality_labs_quarters_chart(rows: pd.DataFrame) -> alt.Chart:
    """Reality Labs' operating loss and revenue per quarter, side by side (flows of a quarter)."""
    return quarter_bars(
        rows,
        "measure",
        ["Operating loss", "Revenue"],
        y_title="USD bn, flows of the quarter",
        series_title="Measure",
        tooltip=[alt.Tooltip("source_id:N", title="Source")],
    ).properties(
        height=260,
        title=alt.Title(
            "Reality Labs, quarter by quarter",
            subtitle="Operating loss beside revenue in each quarter",
        ),
        description=(
            "Grouped bar chart of Reality Labs' operating loss and revenue per quarter, in "
            "billions of US dollars."
        ),
    )
