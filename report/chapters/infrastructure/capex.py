"""Infrastructure chapter, capex and guidance.

Capex series on one basis, growth, capex intensity, guidance ranges, their revisions and
outcomes, and their charts.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from report.data.bases import MixedBasisError
from report.data.sourcing import preferred
from report.show.theme import PALETTE

PALETTE_BLUE, PALETTE_ORANGE = PALETTE[0], PALETTE[1]


def capex_series(capex: pd.DataFrame, basis: str, sources: pd.DataFrame) -> pd.DataFrame:
    """Annual capex on one basis, one row per year (the preferred source's figure)."""
    if basis not in set(capex["basis"]):
        raise MixedBasisError(
            f"no capex rows on basis {basis!r}; bases: {sorted(set(capex['basis']))}"
        )
    one = capex[capex["basis"] == basis]
    return (
        preferred(one, ["fiscal_year"], sources).sort_values("fiscal_year").reset_index(drop=True)
    )


def growth(series: pd.DataFrame, value: str = "capex_usd_bn") -> pd.DataFrame:
    """Year-on-year growth of a single-basis annual series (consecutive years only)."""
    if "basis" in series.columns and series["basis"].nunique() > 1:
        raise MixedBasisError(
            "growth would mix capex bases: " + ", ".join(sorted(series["basis"].unique()))
        )
    out = series.sort_values("fiscal_year").reset_index(drop=True).copy()
    prev_year = out["fiscal_year"].shift(1)
    prev_value = out[value].shift(1)
    consecutive = (out["fiscal_year"] - prev_year) == 1
    out["growth"] = (out[value] / prev_value - 1).where(consecutive)
    return out


def intensity(capex: pd.DataFrame, revenue: pd.DataFrame) -> pd.DataFrame:
    """Capex as a share of revenue, for years present in both (inner join)."""
    merged = capex[["fiscal_year", "capex_usd_bn", "source_id"]].merge(
        revenue[["fiscal_year", "revenue_usd_bn", "source_id"]],
        on="fiscal_year",
        suffixes=("_capex", "_revenue"),
    )
    merged["intensity"] = merged["capex_usd_bn"] / merged["revenue_usd_bn"]
    merged["source_id"] = merged["source_id_capex"] + ";" + merged["source_id_revenue"]
    return merged.sort_values("fiscal_year").reset_index(drop=True)


def with_midpoints(guidance: pd.DataFrame) -> pd.DataFrame:
    """Numeric guidance ranges with their midpoint and width (qualitative rows dropped)."""
    out = guidance.dropna(subset=["low_usd_bn", "high_usd_bn"]).copy()
    out["mid_usd_bn"] = (out["low_usd_bn"] + out["high_usd_bn"]) / 2
    out["width_usd_bn"] = out["high_usd_bn"] - out["low_usd_bn"]
    return out.sort_values(["fiscal_year", "given_date"]).reset_index(drop=True)


def latest_guidance(guidance: pd.DataFrame, fiscal_year: int | None = None) -> pd.Series:
    """The most recently given range (for ``fiscal_year``, default: the latest year guided)."""
    g = with_midpoints(guidance)
    year = fiscal_year if fiscal_year is not None else int(g["fiscal_year"].max())
    rows = g[g["fiscal_year"] == year]
    if rows.empty:
        raise KeyError(f"no guidance for fiscal year {year}")
    return rows.sort_values("given_date").iloc[-1]


def guidance_revisions(guidance: pd.DataFrame) -> pd.DataFrame:
    """Each range with the change of its midpoint against the previous range for that year."""
    g = with_midpoints(guidance).drop_duplicates(["fiscal_year", "given_date"], keep="first")
    g["mid_change_usd_bn"] = g.groupby("fiscal_year")["mid_usd_bn"].diff()
    return g.reset_index(drop=True)


def multiple_of(
    series: pd.DataFrame, base_year: int, year: int, value: str = "capex_usd_bn"
) -> float:
    """``value`` in ``year`` as a multiple of ``base_year`` (same series, same basis)."""
    by_year = series.set_index("fiscal_year")[value]
    for y in (base_year, year):
        if y not in by_year.index:
            raise KeyError(f"no value for {y}; years: {list(by_year.index)}")
    return float(by_year[year] / by_year[base_year])


def cumulative_since(series: pd.DataFrame, first_year: int, value: str = "capex_usd_bn") -> float:
    """Sum of ``value`` from ``first_year`` to the latest year of the series."""
    return float(series.loc[series["fiscal_year"] >= first_year, value].sum())


def cumulative_to_date(
    annual: pd.DataFrame,
    quarterly: pd.DataFrame,
    sources: pd.DataFrame,
    first_year: int,
    basis: str,
) -> tuple[float, str | None]:
    """Capex from ``first_year`` to the latest reported quarter, on one ``basis`` (USD bn).

    ``annual`` is :func:`capex_series` on ``basis``; ``quarterly`` the ``capex_quarterly``
    table. The full years come from ``annual``; the year after its last one adds its quarters
    on ``basis`` (strongest source each) only when they run unbroken from Q1. Returns the sum
    and the latest quarter added (e.g. ``"2026Q2"``), or ``None`` when no quarter was added.
    """
    total = cumulative_since(annual, first_year)
    so_far = year_so_far(quarterly, int(annual["fiscal_year"].max()) + 1, basis, sources)
    if so_far.empty:
        return total, None
    return total + float(so_far["capex_usd_bn"].sum()), so_far["quarter"].iloc[-1]


def year_so_far(
    quarterly: pd.DataFrame, year: int, basis: str, sources: pd.DataFrame
) -> pd.DataFrame:
    """The quarters of ``year`` reported on ``basis``, when they run unbroken from Q1.

    ``quarterly`` is the ``capex_quarterly`` table; one row per quarter (strongest source), in
    order. Empty when no quarter of the year is reported on the basis, or when one is missing
    before the latest (a sum of Q1 and Q3 would pass for a half year).
    """
    rows = quarterly[(quarterly["basis"] == basis) & quarterly["quarter"].str.startswith(str(year))]
    if rows.empty:
        return rows
    best = preferred(rows, ["quarter"], sources).sort_values("quarter").reset_index(drop=True)
    if best["quarter"].tolist() != [f"{year}Q{i}" for i in range(1, len(best) + 1)]:
        return best.iloc[0:0]
    return best


_BASIS_LABELS = {
    "incl_finance_leases": "Headline (incl. finance-lease principal)",
    "purchases_ppe": "Purchases of property and equipment",
}


def basis_label(basis: str) -> str:
    """Readable name of a capex basis."""
    return _BASIS_LABELS[basis]


def capex_bases_chart(capex: pd.DataFrame, sources: pd.DataFrame, first_year: int) -> tuple:
    """Annual capex, one line per basis (never mixed); returns (chart, rows drawn).

    A year missing on one basis breaks that line instead of bridging it.
    """
    rows = pd.concat(
        [capex_series(capex, b, sources) for b in sorted(set(capex["basis"]))], ignore_index=True
    )
    rows = rows[rows["fiscal_year"] >= first_year].copy()
    years = range(int(rows["fiscal_year"].min()), int(rows["fiscal_year"].max()) + 1)
    full = pd.MultiIndex.from_product(
        [years, sorted(set(rows["basis"]))], names=["fiscal_year", "basis"]
    )
    plotted = rows.set_index(["fiscal_year", "basis"]).reindex(full).reset_index()
    plotted["basis_label"] = plotted["basis"].map(basis_label)
    chart = (
        alt.Chart(plotted)
        .mark_line(point=True, invalid="break-paths-show-domains")
        .encode(
            x=alt.X("fiscal_year:O", title="Fiscal year"),
            y=alt.Y("capex_usd_bn:Q", title="Capital expenditures (USD bn)"),
            color=alt.Color("basis_label:N", title="Basis", sort=list(_BASIS_LABELS.values())),
            tooltip=[
                alt.Tooltip("fiscal_year:O", title="Year"),
                alt.Tooltip("basis_label:N", title="Basis"),
                alt.Tooltip("capex_usd_bn:Q", title="Capex (USD bn)", format=",.1f"),
                alt.Tooltip("source_id:N", title="Source"),
            ],
        )
        .properties(
            width="container",
            height=320,
            title=alt.Title(
                "Meta's annual capital expenditures, by basis",
                subtitle=[
                    "The two bases are kept apart: the headline figure adds finance-lease principal.",
                    "Gaps are years for which no source gave that basis.",
                ],
            ),
            description=(
                "Line chart of Meta's capital expenditures per fiscal year in US dollars, one line "
                "for the headline basis including finance-lease principal and one for purchases of "
                "property and equipment; the headline line has gaps where no figure was found."
            ),
        )
    )
    return chart, rows


def guidance_chart(guidance: pd.DataFrame, actual: pd.DataFrame) -> tuple:
    """Every guidance range as an interval at the date given, with the year's actual as a tick."""
    g = with_midpoints(guidance).drop_duplicates(
        ["fiscal_year", "given_date", "low_usd_bn", "high_usd_bn"]
    )
    g["year"] = g["fiscal_year"].astype(str)
    years = sorted(g["fiscal_year"].unique())
    act = actual[actual["fiscal_year"].isin(years)].copy()
    act["year"] = act["fiscal_year"].astype(str)
    act["label"] = "Actual " + act["year"]
    span = g.groupby("fiscal_year")["given_date"].agg(["min", "max"])
    act["from_date"] = act["fiscal_year"].map(span["min"])
    act["to_date"] = act["fiscal_year"].map(span["max"]) + pd.Timedelta(days=45)
    colour = alt.Color("year:N", title="Guidance for fiscal year")
    ranges = (
        alt.Chart(g)
        .mark_rule(strokeWidth=6, strokeCap="round")
        .encode(
            x=alt.X(
                "given_date:T", title="Date the range was given", axis=alt.Axis(format="%b %Y")
            ),
            y=alt.Y("low_usd_bn:Q", title="Capital expenditures (USD bn)"),
            y2="high_usd_bn:Q",
            color=colour,
            tooltip=[
                alt.Tooltip("year:N", title="Guidance for"),
                alt.Tooltip("given_date:T", title="Given on", format="%d %b %Y"),
                alt.Tooltip("occasion:N", title="Occasion"),
                alt.Tooltip("low_usd_bn:Q", title="Low (USD bn)", format=",.0f"),
                alt.Tooltip("high_usd_bn:Q", title="High (USD bn)", format=",.0f"),
                alt.Tooltip("source_id:N", title="Source"),
            ],
        )
    )
    actual_rules = (
        alt.Chart(act)
        .mark_rule(strokeDash=[4, 3], strokeWidth=1.5)
        .encode(
            x="from_date:T",
            x2="to_date:T",
            y="capex_usd_bn:Q",
            color=colour,
            tooltip=[
                alt.Tooltip("label:N", title="Line"),
                alt.Tooltip("capex_usd_bn:Q", title="Actual (USD bn)", format=",.1f"),
                alt.Tooltip("source_id:N", title="Source"),
            ],
        )
    )
    chart = (ranges + actual_rules).properties(
        width="container",
        height=340,
        title=alt.Title(
            "Every capex range Meta gave, in the order given",
            subtitle="Bars: the range for each fiscal year on the date it was given. Dashed: that year's actual.",
        ),
        description=(
            "Chart of Meta's full-year capital expenditure guidance ranges plotted at the date each "
            "was given, coloured by the fiscal year they cover, with dashed horizontal lines at the "
            "actual capital expenditures of those years."
        ),
    )
    return chart, pd.concat([g, act], ignore_index=True)


def intensity_chart(rows: pd.DataFrame) -> alt.Chart:
    """Capex as a share of revenue by year."""
    return (
        alt.Chart(rows)
        .mark_bar(color=PALETTE_BLUE)
        .encode(
            x=alt.X("fiscal_year:O", title="Fiscal year"),
            y=alt.Y(
                "intensity:Q", title="Capex as a share of revenue (%)", axis=alt.Axis(format="%")
            ),
            tooltip=[
                alt.Tooltip("fiscal_year:O", title="Year"),
                alt.Tooltip("intensity:Q", title="Share of revenue", format=".1%"),
                alt.Tooltip("capex_usd_bn:Q", title="Capex (USD bn)", format=",.1f"),
                alt.Tooltip("revenue_usd_bn:Q", title="Revenue (USD bn)", format=",.1f"),
            ],
        )
        .properties(
            width="container",
            height=260,
            title=alt.Title(
                "Capex intensity: capital spending per dollar of revenue",
                subtitle="Capex and revenue of the same fiscal year, one capex basis",
            ),
            description="Bar chart of Meta's capital expenditures divided by revenue for each fiscal year.",
        )
    )


def quarterly_chart(quarterly: pd.DataFrame, sources: pd.DataFrame) -> tuple:
    """Quarterly capex, one line per basis."""
    rows = preferred(quarterly, ["quarter", "basis"], sources)
    rows["basis_label"] = rows["basis"].map(basis_label)
    chart = (
        alt.Chart(rows)
        .mark_line(point=True)
        .encode(
            x=alt.X("quarter:O", title="Quarter", sort=sorted(rows["quarter"].unique())),
            y=alt.Y("capex_usd_bn:Q", title="Capital expenditures (USD bn)"),
            color=alt.Color("basis_label:N", title="Basis", sort=list(_BASIS_LABELS.values())),
            tooltip=[
                alt.Tooltip("quarter:O", title="Quarter"),
                alt.Tooltip("basis_label:N", title="Basis"),
                alt.Tooltip("capex_usd_bn:Q", title="Capex (USD bn)", format=",.2f"),
                alt.Tooltip("source_id:N", title="Source"),
            ],
        )
        .properties(
            width="container",
            height=280,
            title=alt.Title(
                "Quarterly capital expenditures", subtitle="Each basis drawn separately"
            ),
            description="Line chart of Meta's capital expenditures per quarter, one line per basis.",
        )
    )
    return chart, rows


BASES = tuple(_BASIS_LABELS)


def check_basis(basis: str, parameter: str = "basis") -> str:
    """Return ``basis`` if it is a known capex basis; otherwise name the parameter and the options."""
    if basis not in BASES:
        raise ValueError(
            f"parameter {parameter}={basis!r} is not a capex basis; use one of {', '.join(BASES)}"
        )
    return basis


def guidance_outcomes(guidance: pd.DataFrame, actual: pd.DataFrame) -> pd.DataFrame:
    """For each guided year with an actual: the first and last range and where the actual landed."""
    g = with_midpoints(guidance).drop_duplicates(["fiscal_year", "given_date"])
    rows = []
    for year, ranges in g.groupby("fiscal_year"):
        act = actual[actual["fiscal_year"] == year]
        if act.empty:
            continue
        first, last = ranges.iloc[0], ranges.iloc[-1]
        value = float(act["capex_usd_bn"].iloc[0])
        rows.append(
            {
                "fiscal_year": int(year),
                "ranges_given": len(ranges),
                "first_low": first.low_usd_bn,
                "first_high": first.high_usd_bn,
                "first_given": first.given_date,
                "last_low": last.low_usd_bn,
                "last_high": last.high_usd_bn,
                "last_given": last.given_date,
                "actual_usd_bn": value,
                "vs_first_mid": value / first.mid_usd_bn - 1,
                "vs_last_mid": value / last.mid_usd_bn - 1,
                "position": "within"
                if last.low_usd_bn <= value <= last.high_usd_bn
                else ("above" if value > last.high_usd_bn else "below"),
                "source_id": ";".join(sorted(set(ranges["source_id"]) | set(act["source_id"]))),
            }
        )
    return pd.DataFrame(rows)


def upward_revisions(guidance: pd.DataFrame) -> tuple[int, int]:
    """(revisions that raised the midpoint, all revisions) across every guided year."""
    rev = guidance_revisions(guidance).dropna(subset=["mid_change_usd_bn"])
    return int((rev["mid_change_usd_bn"] > 0).sum()), len(rev)


def outcomes_table_html(outcomes: pd.DataFrame) -> str:
    """Where each completed year landed against the ranges given for it."""
    from report.show.figures import fixed
    from report.show.tables import table_html

    rows = outcomes.copy()
    rows["first"] = [
        f"{fixed(lo, 0)}–{fixed(hi, 0)} ({d:%b %Y})"
        for lo, hi, d in zip(rows.first_low, rows.first_high, rows.first_given, strict=True)
    ]
    rows["last"] = [
        f"{fixed(lo, 0)}–{fixed(hi, 0)} ({d:%b %Y})"
        for lo, hi, d in zip(rows.last_low, rows.last_high, rows.last_given, strict=True)
    ]
    return table_html(
        rows,
        {
            "fiscal_year": "Year",
            "ranges_given": "Ranges given",
            "first": "First range, USD bn",
            "last": "Last range, USD bn",
            "actual_usd_bn": "Actual, USD bn",
            "vs_first_mid": "Actual vs first midpoint",
            "position": "Actual vs last range",
        },
        formats={
            "actual_usd_bn": lambda v: fixed(v, 2),
            "vs_first_mid": lambda v: ("+" if v >= 0 else "-") + fixed(abs(v) * 100, 0) + "%",
        },
        caption="Where each completed year landed against the ranges Meta gave for it",
    )


def latest_quarter(quarterly: pd.DataFrame, sources: pd.DataFrame) -> dict:
    """The latest quarter in ``capex_quarterly`` with each basis the sources give for it.

    Returns ``{"quarter": "2026Q2", "period_end": Timestamp, "incl_finance_leases": float | None,
    "purchases_ppe": float | None}`` (USD bn; None where no source gives that basis).
    """
    best = preferred(quarterly, ["quarter", "basis"], sources)
    last = best.sort_values("period_end").iloc[-1]
    same = best[best["quarter"] == last["quarter"]].set_index("basis")["capex_usd_bn"]
    return {
        "quarter": last["quarter"],
        "period_end": last["period_end"],
        "incl_finance_leases": float(same["incl_finance_leases"])
        if "incl_finance_leases" in same
        else None,
        "purchases_ppe": float(same["purchases_ppe"]) if "purchases_ppe" in same else None,
    }
