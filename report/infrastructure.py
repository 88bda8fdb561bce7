"""Computations of the infrastructure chapter: capex series, intensity, guidance, GW what-ifs."""

from __future__ import annotations

import altair as alt
import pandas as pd

from report.charts import PALETTE
from report.sourcing import preferred

HOURS_PER_YEAR = 8766  # 365.25 days
PALETTE_BLUE, PALETTE_ORANGE = PALETTE[0], PALETTE[1]


class MixedBasisError(ValueError):
    """A series or growth rate would mix capex bases."""


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


def accelerators_per_gw(kw_per_accelerator: float, pue: float) -> float:
    """How many accelerators one gigawatt of facility power feeds.

    ``kw_per_accelerator`` is the all-in IT draw per accelerator (chip, host share,
    networking); ``pue`` the facility overhead (total power / IT power, >= 1).
    """
    if kw_per_accelerator <= 0:
        raise ValueError("kw_per_accelerator must be positive")
    if pue < 1:
        raise ValueError("pue (power usage effectiveness) cannot be below 1")
    return 1_000_000 / (kw_per_accelerator * pue)


def households_per_gw(kwh_per_household_year: float) -> float:
    """How many average households' continuous draw one gigawatt equals."""
    if kwh_per_household_year <= 0:
        raise ValueError("kwh_per_household_year must be positive")
    average_kw = kwh_per_household_year / HOURS_PER_YEAR
    return 1_000_000 / average_kw


def funding(cash_flow: pd.DataFrame, capex: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Per fiscal year: operating cash flow, capex (same basis as given) and the cover ratio.

    Uses full fiscal years only (``FY`` periods) and the preferred source per metric.
    """
    annual = cash_flow[cash_flow["period"].str.startswith("FY")].copy()
    annual["fiscal_year"] = annual["period"].str[2:].astype(int)
    ocf = preferred(annual[annual["metric"] == "operating_cash_flow"], ["fiscal_year"], sources)
    merged = ocf[["fiscal_year", "value_usd_bn", "source_id"]].merge(
        capex[["fiscal_year", "capex_usd_bn", "source_id"]],
        on="fiscal_year",
        suffixes=("_ocf", "_capex"),
    )
    merged = merged.rename(columns={"value_usd_bn": "operating_cash_flow_usd_bn"})
    merged["cover"] = merged["operating_cash_flow_usd_bn"] / merged["capex_usd_bn"]
    merged["left_after_capex_usd_bn"] = (
        merged["operating_cash_flow_usd_bn"] - merged["capex_usd_bn"]
    )
    merged["source_id"] = merged["source_id_ocf"] + ";" + merged["source_id_capex"]
    return merged.sort_values("fiscal_year").reset_index(drop=True)


def metric_series(cash_flow: pd.DataFrame, metric: str, sources: pd.DataFrame) -> pd.DataFrame:
    """One cash-flow metric over time (every period, preferred source per period)."""
    one = cash_flow[cash_flow["metric"] == metric]
    return preferred(one, ["period"], sources).sort_values("period_end").reset_index(drop=True)


# ---------------------------------------------------------------- charts

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


def funding_chart(rows: pd.DataFrame, plan: pd.Series | None = None) -> tuple:
    """Operating cash flow against capex per year, plus the latest guidance midpoint if given."""
    long = rows.melt(
        id_vars=["fiscal_year", "source_id"],
        value_vars=["operating_cash_flow_usd_bn", "capex_usd_bn"],
        var_name="measure",
        value_name="usd_bn",
    )
    names = {
        "operating_cash_flow_usd_bn": "Operating cash flow",
        "capex_usd_bn": "Capital expenditures",
    }
    long["measure"] = long["measure"].map(names)
    order = [*names.values()]
    if plan is not None:
        order.append("Capex guidance (midpoint)")
        long = pd.concat(
            [
                long,
                pd.DataFrame(
                    [
                        {
                            "fiscal_year": int(plan["fiscal_year"]),
                            "source_id": plan["source_id"],
                            "measure": order[-1],
                            "usd_bn": float(plan["mid_usd_bn"]),
                        }
                    ]
                ),
            ],
            ignore_index=True,
        )
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("fiscal_year:O", title="Fiscal year"),
            xOffset=alt.XOffset("measure:N", sort=order),
            y=alt.Y("usd_bn:Q", title="USD bn"),
            color=alt.Color("measure:N", title=None, sort=order),
            opacity=alt.condition(
                alt.datum.measure == "Capex guidance (midpoint)", alt.value(0.55), alt.value(1.0)
            ),
            tooltip=[
                alt.Tooltip("fiscal_year:O", title="Year"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("usd_bn:Q", title="USD bn", format=",.1f"),
            ],
        )
        .properties(
            width="container",
            height=280,
            title=alt.Title(
                "Can cash flow pay for the build-out?",
                subtitle="Operating cash flow beside capital expenditures; pale: the latest guidance midpoint",
            ),
            description=(
                "Grouped bar chart of Meta's operating cash flow and capital expenditures per fiscal "
                "year, with the midpoint of the latest capex guidance for the coming year."
            ),
        )
    )
    return chart, long


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
    from report.notebook import table_html

    rows = outcomes.copy()
    rows["first"] = [
        f"{lo:,.0f}–{hi:,.0f} ({d:%b %Y})"
        for lo, hi, d in zip(rows.first_low, rows.first_high, rows.first_given, strict=True)
    ]
    rows["last"] = [
        f"{lo:,.0f}–{hi:,.0f} ({d:%b %Y})"
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
        formats={"actual_usd_bn": lambda v: f"{v:,.2f}", "vs_first_mid": lambda v: f"{v:+.0%}"},
        caption="Where each completed year landed against the ranges Meta gave for it",
    )


# ---------------------------------------------------------------- campuses, deals, power


def campus_capacity(campuses: pd.DataFrame) -> pd.DataFrame:
    """Each distinct stated capacity of a campus (capacity and target year), latest statement kept.

    Sources describe the same phase in different words; a capacity and target year stated
    again is one phase, not two.
    """
    rows = campuses.dropna(subset=["capacity_gw"]).copy()
    rows["_year"] = rows["target_year"].fillna(0)
    rows = rows.sort_values(
        ["campus", "capacity_gw", "_year", "announced_date"], na_position="first"
    )
    rows = rows.drop_duplicates(["campus", "capacity_gw", "_year"], keep="last").drop(
        columns="_year"
    )
    rows["target"] = rows["target_year"].map(
        lambda y: "no date given" if pd.isna(y) else str(int(y))
    )
    return rows.sort_values(["campus", "capacity_gw"]).reset_index(drop=True)


def announced_gw(capacity: pd.DataFrame) -> float:
    """Total announced capacity: each campus counted once, at its largest stated capacity."""
    return float(capacity.groupby("campus")["capacity_gw"].max().sum())


def campus_chart(capacity: pd.DataFrame) -> alt.Chart:
    """Capacity per campus and phase, by target year; status as the colour."""
    order = (
        capacity.groupby("campus")["capacity_gw"].max().sort_values(ascending=False).index.tolist()
    )
    return (
        alt.Chart(capacity)
        .mark_bar()
        .encode(
            y=alt.Y("campus:N", title=None, sort=order),
            x=alt.X("capacity_gw:Q", title="Capacity (GW)"),
            yOffset=alt.YOffset("phase:N"),
            color=alt.Color("target:N", title="Due by", sort="ascending"),
            tooltip=[
                alt.Tooltip("campus:N", title="Campus"),
                alt.Tooltip("location:N", title="Where"),
                alt.Tooltip("phase:N", title="Phase"),
                alt.Tooltip("capacity_gw:Q", title="Capacity (GW)", format=",.1f"),
                alt.Tooltip("target:N", title="Due by"),
                alt.Tooltip("status:N", title="Status"),
                alt.Tooltip("announced_date:T", title="Stated on", format="%d %b %Y"),
                alt.Tooltip("source_id:N", title="Source"),
            ],
        )
        .properties(
            width="container",
            height=max(160, 48 * capacity["campus"].nunique()),
            title=alt.Title(
                "The gigawatt campuses",
                subtitle="Stated capacity per campus and phase, coloured by the year it is due",
            ),
            description=(
                "Horizontal bar chart of Meta's data-centre campuses by stated power capacity in "
                "gigawatts, one bar per phase, coloured by target year."
            ),
        )
    )


#: The assumptions rows the what-if defaults are drawn from.
WHAT_IF_SOURCES = [
    "gb200_nvl72_rack_kw",
    "gpus_per_nvl72_rack",
    "meta_pue_2023",
    "us_household_electricity_2020",
]


DEAL_KINDS = {
    "joint_venture": "Joint venture",
    "bond": "Bond",
    "cloud_compute": "Cloud and compute contract",
    "chips_hardware": "Chips and hardware",
    "other": "Other financing",
}


def deals_chart(deals: pd.DataFrame) -> alt.Chart:
    """Every financing or compute deal with a stated amount, by date; never summed."""
    rows = deals.dropna(subset=["amount_usd_bn"]).copy()
    rows["kind_label"] = rows["kind"].map(DEAL_KINDS)
    return (
        alt.Chart(rows)
        .mark_circle(opacity=0.8, stroke="#333333", strokeWidth=0.5)
        .encode(
            x=alt.X("date:T", title="Date agreed or reported", axis=alt.Axis(format="%b %Y")),
            y=alt.Y("amount_usd_bn:Q", title="Amount (USD bn)"),
            size=alt.Size(
                "amount_usd_bn:Q", title="USD bn", legend=None, scale=alt.Scale(range=[60, 900])
            ),
            color=alt.Color("kind_label:N", title="Kind", sort=list(DEAL_KINDS.values())),
            tooltip=[
                alt.Tooltip("counterparty:N", title="With"),
                alt.Tooltip("kind_label:N", title="Kind"),
                alt.Tooltip("amount_usd_bn:Q", title="Amount (USD bn)", format=",.1f"),
                alt.Tooltip("date:T", title="Date", format="%d %b %Y"),
                alt.Tooltip("term_years:Q", title="Term (years)"),
                alt.Tooltip("description:N", title="What"),
                alt.Tooltip("note:N", title="Note"),
            ],
        )
        .properties(
            width="container",
            height=300,
            title=alt.Title(
                "Financing and compute commitments",
                subtitle="Each deal with a stated amount; some overlap (see tooltips), so they are not added up",
            ),
            description=(
                "Bubble chart of Meta's financing and compute deals by date and amount in US "
                "dollars, coloured by kind: joint venture, bonds, cloud contracts, chips, other."
            ),
        )
    )


def power_chart(power: pd.DataFrame) -> alt.Chart:
    """Power agreements: capacity per agreement, coloured by generation kind."""
    rows = power.dropna(subset=["capacity_mw"]).copy()
    rows["when"] = rows["date"].dt.strftime("%b %Y").fillna("undated")
    order = rows.sort_values("capacity_mw", ascending=False)["counterparty"].tolist()
    return (
        alt.Chart(rows)
        .mark_bar()
        .encode(
            y=alt.Y("counterparty:N", title=None, sort=order, axis=alt.Axis(labelLimit=300)),
            x=alt.X("capacity_mw:Q", title="Capacity (MW)"),
            color=alt.Color("kind:N", title="Generation"),
            tooltip=[
                alt.Tooltip("counterparty:N", title="With"),
                alt.Tooltip("kind:N", title="Generation"),
                alt.Tooltip("capacity_mw:Q", title="MW", format=",.0f"),
                alt.Tooltip("when:N", title="Agreed"),
                alt.Tooltip("campus:N", title="Serves"),
                alt.Tooltip("description:N", title="What"),
                alt.Tooltip("note:N", title="Note"),
            ],
        )
        .properties(
            width="container",
            height=max(200, 24 * len(rows)),
            title=alt.Title(
                "Power deals behind the campuses",
                subtitle="Megawatts per agreement; overlapping rows are not summed",
            ),
            description=(
                "Horizontal bar chart of Meta's power agreements in megawatts, coloured by kind of "
                "generation (nuclear, gas, solar, wind, geothermal)."
            ),
        )
    )


def what_if_chart(
    capacity: pd.DataFrame, kw_per_accelerator: float, pue: float, kwh_per_household_year: float
) -> alt.Chart:
    """Gigawatts to accelerators and to households, with sliders bound to Vega parameters.

    The notebook's parameters set the sliders' starting values, so the static numbers in the
    chapter and the interactive chart agree.
    """
    per_campus = capacity.groupby("campus", as_index=False).agg(
        capacity_gw=("capacity_gw", "max"), source_id=("source_id", "first")
    )
    kw = alt.param(
        name="kw_per_accelerator",
        value=kw_per_accelerator,
        bind=alt.binding_range(min=0.5, max=3.0, step=0.05, name="All-in kW per accelerator "),
    )
    overhead = alt.param(
        name="pue",
        value=pue,
        bind=alt.binding_range(min=1.0, max=1.8, step=0.01, name="Facility overhead (PUE) "),
    )
    home = alt.param(
        name="kwh_per_household_year",
        value=kwh_per_household_year,
        bind=alt.binding_range(min=4000, max=16000, step=100, name="Household use, kWh a year "),
    )
    base = (
        alt.Chart(per_campus)
        .add_params(kw, overhead, home)
        .transform_calculate(
            # GW -> kW is x 1e6 and the result is in millions, so the two factors cancel.
            accelerators_m="datum.capacity_gw / (kw_per_accelerator * pue)",
            households_m=f"datum.capacity_gw / (kwh_per_household_year / {HOURS_PER_YEAR})",
        )
        .transform_fold(["accelerators_m", "households_m"], as_=["measure", "millions"])
        .transform_calculate(
            measure_label="datum.measure == 'accelerators_m' ? 'Accelerators it could power' "
            ": 'Average US households it equals'"
        )
    )
    return (
        base.mark_bar()
        .encode(
            y=alt.Y("campus:N", title=None, sort="-x"),
            x=alt.X("millions:Q", title="Millions", axis=alt.Axis(format=",.1f", tickCount=6)),
            color=alt.Color("measure_label:N", title=None),
            yOffset=alt.YOffset("measure_label:N"),
            tooltip=[
                alt.Tooltip("campus:N", title="Campus"),
                alt.Tooltip("capacity_gw:Q", title="Capacity (GW)", format=",.1f"),
                alt.Tooltip("measure_label:N", title="Measure"),
                alt.Tooltip("millions:Q", title="Millions", format=",.2f"),
            ],
        )
        .properties(
            width="container",
            height=max(180, 56 * len(per_campus)),
            title=alt.Title(
                "What the gigawatts buy: a what-if",
                subtitle="Move the sliders to change the assumptions; defaults are sourced (see text)",
            ),
            description=(
                "Interactive bar chart converting each campus's stated capacity into the number of "
                "AI accelerators it could power and the number of average US households whose "
                "electricity use it equals; sliders set the kilowatts per accelerator, the "
                "facility overhead and household consumption."
            ),
        )
    )
