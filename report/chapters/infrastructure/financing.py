"""Infrastructure chapter, who pays: operating cash flow against capex, quarterly and annual bridges.

Over 400 lines because the funding chart and the two bridges share their steps, signs and the
book's one free-cash-flow definition, and read best together.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from report.data.bases import (
    CAPEX_BASIS_SHORT,
    FCF_DEFINITION,
    FCF_DEFINITION_SHORT,
    lease_principal,
    same_basis,
)
from report.data.sourcing import preferred
from report.show.marks import quarter_bars


def funding(
    cash_flow: pd.DataFrame, capex: pd.DataFrame, sources: pd.DataFrame, basis: str | None = None
) -> pd.DataFrame:
    """Per fiscal year: operating cash flow, capex on one basis and the cover ratio.

    ``capex`` is one basis's series (``capex_series``); its ``basis`` column (or ``basis``)
    is carried into the result, and ``cover`` (operating cash flow / capex) is only ever
    computed on one basis. Uses full fiscal years only (``FY`` periods) and the preferred
    source per metric; a year without capex on that basis is left out.
    """
    basis = basis or same_basis(*capex["basis"].unique())
    annual = cash_flow[cash_flow["period"].str.startswith("FY")].copy()
    annual["fiscal_year"] = annual["period"].str[2:].astype(int)
    ocf = preferred(annual[annual["metric"] == "operating_cash_flow"], ["fiscal_year"], sources)
    merged = ocf[["fiscal_year", "value_usd_bn", "source_id"]].merge(
        capex[["fiscal_year", "capex_usd_bn", "source_id"]],
        on="fiscal_year",
        suffixes=("_ocf", "_capex"),
    )
    merged = merged.rename(columns={"value_usd_bn": "operating_cash_flow_usd_bn"})
    merged["basis"] = basis
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


def funding_chart(
    rows: pd.DataFrame | list[pd.DataFrame], plan: pd.Series | None = None, plan_basis: str = ""
) -> tuple:
    """Operating cash flow against capex per year, each capex basis its own named bar.

    ``rows`` is one or more ``funding`` frames (one per capex basis); a year that lacks one
    basis still shows the other, so no year with data is blank. ``plan`` adds the latest
    guidance midpoint, on ``plan_basis``. Returns (chart, rows drawn).
    """
    frames = [rows] if isinstance(rows, pd.DataFrame) else list(rows)
    ocf = pd.concat(
        [f[["fiscal_year", "operating_cash_flow_usd_bn", "source_id_ocf"]] for f in frames]
    )
    ocf = ocf.drop_duplicates("fiscal_year").rename(
        columns={"operating_cash_flow_usd_bn": "usd_bn", "source_id_ocf": "source_id"}
    )
    ocf["measure"] = "Operating cash flow"
    parts = [ocf]
    order = ["Operating cash flow"]
    for frame in frames:
        label = f"Capex, {CAPEX_BASIS_SHORT[frame['basis'].iloc[0]]}"
        order.append(label)
        parts.append(
            frame[["fiscal_year", "capex_usd_bn", "source_id_capex"]]
            .rename(columns={"capex_usd_bn": "usd_bn", "source_id_capex": "source_id"})
            .assign(measure=label)
        )
    long = pd.concat(parts, ignore_index=True)
    if plan is not None:
        label = f"Capex guidance midpoint, {CAPEX_BASIS_SHORT[plan_basis]}"
        order.append(label)
        long = pd.concat(
            [
                long,
                pd.DataFrame(
                    [
                        {
                            "fiscal_year": int(plan["fiscal_year"]),
                            "source_id": plan["source_id"],
                            "measure": label,
                            "usd_bn": float(plan["mid_usd_bn"]),
                        }
                    ]
                ),
            ],
            ignore_index=True,
        )
    long["planned"] = long["measure"].str.startswith("Capex guidance")
    years = list(range(int(long["fiscal_year"].min()), int(long["fiscal_year"].max()) + 1))
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            # every year listed, so a year without a figure shows as a gap, never skipped
            x=alt.X("fiscal_year:O", title="Fiscal year", scale=alt.Scale(domain=years)),
            xOffset=alt.XOffset("measure:N", sort=order),
            y=alt.Y("usd_bn:Q", title="USD bn"),
            color=alt.Color("measure:N", title=None, sort=order, scale=alt.Scale(domain=order)),
            opacity=alt.condition(alt.datum.planned, alt.value(0.55), alt.value(1.0)),
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
                subtitle=(
                    "Operating cash flow beside capex on each basis (headline where stated, "
                    "purchases every year); pale: the latest guidance midpoint"
                ),
            ),
            description=(
                "Grouped bar chart of Meta's operating cash flow and capital expenditures per fiscal "
                "year, capex on the headline basis where a source states it and on the purchases "
                "basis every year, with the midpoint of the latest capex guidance."
            ),
        )
    )
    return chart, long


#: The steps of the quarterly funding bridge, in the order a reader follows them.
BRIDGE_STEPS = [
    "Operating cash flow",
    "Purchases of property and equipment",
    "Principal payments on finance leases",
    "Free cash flow",
]


_BRIDGE_METRICS = {
    "operating_cash_flow": BRIDGE_STEPS[0],
    "purchases_ppe": BRIDGE_STEPS[1],
    "finance_lease_principal": BRIDGE_STEPS[2],
    "free_cash_flow": BRIDGE_STEPS[3],
}


def quarterly_bridge(
    cash_flow: pd.DataFrame,
    sources: pd.DataFrame,
    quarters: int = 4,
    headline: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The funding bridge of the latest ``quarters`` quarters that report operating cash flow.

    Returns one row per quarter and step (``BRIDGE_STEPS``), USD bn, flows of that quarter
    only: ``quarter`` (e.g. ``2026Q2``), ``period_end``, ``step``, ``usd_bn``, ``source_id``
    and ``derived``. Free cash flow is on Meta's definition only: the reported figure where a
    source gives it on that definition; otherwise our arithmetic (operating cash flow less
    purchases and finance-lease principal, all three stated, or operating cash flow less the
    quarter's headline capex from ``headline``, the ``capex_quarterly`` rows on the headline
    basis, which is purchases plus principal) and ``derived`` is True, with the sources of its
    parts. A step no source gives is left out, never filled.
    """
    quarterly = cash_flow[cash_flow["period"].str.contains("Q")]
    quarterly = quarterly[quarterly["metric"].isin(_BRIDGE_METRICS)]
    # free cash flow on the book's definition only (Meta's); another definition never stands in
    quarterly = quarterly[
        (quarterly["metric"] != "free_cash_flow") | (quarterly["definition"] == FCF_DEFINITION)
    ]
    best = preferred(quarterly, ["period", "metric"], sources)
    have_ocf = best[best["metric"] == "operating_cash_flow"].sort_values("period_end")
    periods = list(have_ocf["period"].iloc[-quarters:])
    rows = []
    for period in periods:
        got = best[best["period"] == period].set_index("metric")
        end = got["period_end"].iloc[0]
        for metric, step in _BRIDGE_METRICS.items():
            if metric in got.index:
                value, sid, derived = (
                    got.loc[metric, "value_usd_bn"],
                    got.loc[metric, "source_id"],
                    False,
                )
            elif metric == "free_cash_flow" and {
                "operating_cash_flow",
                "purchases_ppe",
                "finance_lease_principal",
            } <= set(got.index):
                # Meta's definition needs all three parts; without the principal it is not stated
                parts = ["operating_cash_flow", "purchases_ppe", "finance_lease_principal"]
                value = got.loc["operating_cash_flow", "value_usd_bn"] - sum(
                    got.loc[p, "value_usd_bn"] for p in parts[1:]
                )
                sid, derived = ";".join(got.loc[p, "source_id"] for p in parts), True
            elif (
                metric == "free_cash_flow"
                and "operating_cash_flow" in got.index
                and headline is not None
                and period in set(headline["quarter"])
            ):
                # Meta's definition: operating cash flow less the headline capex (purchases
                # plus finance-lease principal), the same quarter's, one basis
                top = preferred(headline[headline["quarter"] == period], ["quarter"], sources)
                value = got.loc["operating_cash_flow", "value_usd_bn"] - float(
                    top["capex_usd_bn"].iloc[0]
                )
                sid = f"{got.loc['operating_cash_flow', 'source_id']};{top['source_id'].iloc[0]}"
                derived = True
            else:
                continue
            rows.append(
                {
                    "quarter": period,
                    "period_end": end,
                    "step": step,
                    "usd_bn": float(value),
                    "source_id": sid,
                    "derived": bool(derived),
                }
            )
    return pd.DataFrame(
        rows, columns=["quarter", "period_end", "step", "usd_bn", "source_id", "derived"]
    )


def quarterly_bridge_chart(bridge: pd.DataFrame) -> alt.Chart:
    """Grouped bars per quarter: cash in, the two capex outflows, and what was left (free cash flow)."""
    data = bridge.assign(how=bridge["derived"].map({True: "our arithmetic", False: "reported"}))
    return quarter_bars(
        data,
        "step",
        BRIDGE_STEPS,
        y_title="USD bn, flows of the quarter",
        series_title="Step",
        tooltip=[alt.Tooltip("how:N", title="Figure")],
    ).properties(
        title=alt.Title(
            "What each quarter's cash flow paid for",
            subtitle="Operating cash flow, the two parts of capex, and the free cash flow left over",
        ),
        description=(
            "Grouped bar chart for Meta's latest quarters: operating cash flow, purchases of "
            "property and equipment, principal payments on finance leases and free cash flow, "
            "in billions of US dollars."
        ),
    )


#: The steps of the annual funding bridge: cash in, the two parts of capex, what was left, what
#: went back to shareholders, what was borrowed, and what stayed as cash. Signed: inflows
#: positive, outflows negative.
ANNUAL_BRIDGE_STEPS = [
    *BRIDGE_STEPS,
    "Share buybacks",
    "Dividends",
    "Debt issued (net proceeds)",
    "Change in cash and marketable securities",
]


#: The annual bridge chart's menu entry that shows every step at once.
ALL_STEPS = "Every step"


_SIGN = {
    BRIDGE_STEPS[0]: 1,
    BRIDGE_STEPS[1]: -1,
    BRIDGE_STEPS[2]: -1,
    BRIDGE_STEPS[3]: 1,
    "Share buybacks": -1,
    "Dividends": -1,
    "Debt issued (net proceeds)": 1,
    "Change in cash and marketable securities": 1,
}


_ANNUAL_METRICS = {
    "operating_cash_flow": BRIDGE_STEPS[0],
    "finance_lease_principal": BRIDGE_STEPS[2],
    "free_cash_flow": BRIDGE_STEPS[3],
    "buybacks": "Share buybacks",
    "dividends": "Dividends",
    "debt_issued": "Debt issued (net proceeds)",
}


NOT_STATED = "not stated"


def _four_quarters(
    cash_flow: pd.DataFrame, year: int, metric: str, sources: pd.DataFrame
) -> tuple[float, str, str, str] | None:
    """The sum of a metric over the four quarters of ``year`` (USD bn), or None.

    None when a quarter is missing; else ``(value, "our arithmetic", words, source ids)`` for
    :func:`annual_bridge`.
    """
    quarters = [f"{year}Q{q}" for q in range(1, 5)]
    rows = cash_flow[(cash_flow["metric"] == metric) & cash_flow["period"].isin(quarters)]
    if rows.empty:
        return None
    best = preferred(rows, ["period"], sources)
    if sorted(best["period"]) != quarters:
        return None
    return (
        float(best["value_usd_bn"].sum()),
        "our arithmetic",
        "sum of the four quarters",
        ";".join(best.sort_values("period")["source_id"]),
    )


def annual_bridge(
    cash_flow: pd.DataFrame,
    purchases: pd.DataFrame,
    sources: pd.DataFrame,
    first_year: int | None = None,
    headline: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The annual funding bridge, one row per fiscal year and step (``ANNUAL_BRIDGE_STEPS``).

    ``cash_flow`` is the ``cash_flow`` table (only its ``FY`` rows are used);
    ``purchases`` is annual purchases of property and equipment on one basis
    (``fiscal_year``, ``capex_usd_bn``, ``source_id``; see ``capex_series``). Years run from
    ``first_year`` (default: the first fiscal year with operating cash flow) to the last year
    with operating cash flow.

    Returns columns ``fiscal_year``, ``step``, ``usd_bn`` (USD bn, signed: inflows positive,
    outflows negative; NaN where no source states it), ``status`` (``reported``,
    ``our arithmetic`` or ``not stated``), ``definition`` (what a free-cash-flow or cash figure
    means) and ``source_id``. A step no source states is kept as ``not stated``, never zero.
    Free cash flow is on Meta's definition only (:data:`report.data.bases.FCF_DEFINITION`): the
    reported figure where a source states it on that definition, otherwise operating cash flow
    less purchases and finance-lease principal when all three are stated, otherwise not stated
    (a figure on another definition never stands in). Finance-lease principal no source states
    is, where ``headline`` (the headline-basis capex series) has the year, the headline figure
    less purchases (:func:`report.data.bases.lease_principal`, our arithmetic). Share buybacks
    are the full-year figure,
    or, where none is stated or it is marked ``disputed`` (a total that adds the taxes paid on
    net share settlement), the sum of the four quarters when all four are stated (our
    arithmetic). The change in cash needs the year-end balance of the year and the year
    before; otherwise it is not stated. Amounts are flows of the year from the cash-flow
    statement only: off-balance-sheet financing never enters (see ``off_balance_items``).
    """
    annual = cash_flow[cash_flow["period"].str.startswith("FY")].copy()
    annual = annual[
        (annual["metric"] != "free_cash_flow") | (annual["definition"] == FCF_DEFINITION)
    ]
    annual["fiscal_year"] = annual["period"].str[2:].astype(int)
    best = preferred(annual, ["fiscal_year", "metric"], sources).set_index(
        ["fiscal_year", "metric"]
    )
    ocf_years = sorted(int(y) for y, m in best.index if m == "operating_cash_flow")
    if not ocf_years:
        raise ValueError("no annual operating cash flow in cash_flow; the bridge needs it")
    start = ocf_years[0] if first_year is None else int(first_year)
    buys = preferred(purchases, ["fiscal_year"], sources).set_index("fiscal_year")

    def got(year: int, metric: str) -> pd.Series | None:
        return best.loc[(year, metric)] if (year, metric) in best.index else None

    rows = []
    for year in range(start, ocf_years[-1] + 1):
        values: dict[str, tuple[float, str, str, str]] = {}
        for metric, step in _ANNUAL_METRICS.items():
            row = got(year, metric)
            if row is not None:
                note = (
                    FCF_DEFINITION_SHORT[FCF_DEFINITION]
                    if metric == "free_cash_flow"
                    else ("" if pd.isna(row.get("note")) else str(row.get("note")))
                )
                values[step] = (float(row["value_usd_bn"]), "reported", note, row["source_id"])
        row = got(year, "buybacks")
        if row is None or bool(pd.notna(row.get("disputed")) and row.get("disputed")):
            # a full-year figure on another definition (one that adds the taxes paid on net
            # share settlement) gives way to the four quarters' repurchases, summed
            summed = _four_quarters(cash_flow, year, "buybacks", sources)
            if summed is not None:
                values["Share buybacks"] = summed
        if year in buys.index:
            values[BRIDGE_STEPS[1]] = (
                float(buys.loc[year, "capex_usd_bn"]),
                "reported",
                "",
                buys.loc[year, "source_id"],
            )
        if (
            BRIDGE_STEPS[2] not in values
            and BRIDGE_STEPS[1] in values
            and headline is not None
            and year in set(headline["fiscal_year"])
        ):  # the principal no source states is the headline capex less purchases
            top = headline[headline["fiscal_year"] == year].iloc[0]
            values[BRIDGE_STEPS[2]] = (
                lease_principal(top["capex_usd_bn"], values[BRIDGE_STEPS[1]][0]),
                "our arithmetic",
                "headline capex less purchases",
                f"{top['source_id']};{values[BRIDGE_STEPS[1]][3]}",
            )
        if BRIDGE_STEPS[3] not in values and set(BRIDGE_STEPS[:3]) <= set(values):
            # Meta's definition needs all three parts; without the principal it is not stated
            parts = list(BRIDGE_STEPS[:3])
            fcf = values[parts[0]][0] - sum(values[p][0] for p in parts[1:])
            definition = FCF_DEFINITION_SHORT[FCF_DEFINITION] + ", our arithmetic"
            values[BRIDGE_STEPS[3]] = (
                fcf,
                "our arithmetic",
                definition,
                ";".join(values[p][3] for p in parts),
            )
        now, before = got(year, "cash_and_securities_end"), got(year - 1, "cash_and_securities_end")
        if now is not None and before is not None:
            values[ANNUAL_BRIDGE_STEPS[-1]] = (
                float(now["value_usd_bn"]) - float(before["value_usd_bn"]),
                "our arithmetic",
                "year-end balance less the year before",
                f"{before['source_id']};{now['source_id']}",
            )
        for step in ANNUAL_BRIDGE_STEPS:
            value, status, definition, sid = values.get(step, (float("nan"), NOT_STATED, "", ""))
            rows.append(
                {
                    "fiscal_year": year,
                    "step": step,
                    "usd_bn": _SIGN[step] * value,
                    "status": status,
                    "definition": definition,
                    "source_id": sid,
                }
            )
    return pd.DataFrame(rows)


def annual_bridge_chart(bridge: pd.DataFrame) -> alt.LayerChart:
    """Grouped, signed bars per fiscal year for each bridge step; a cross where not stated.

    Eight steps a year make thin bars: a menu (:data:`ALL_STEPS` or one step) shows one
    step alone, its bars as wide as the year; colours stay each step's own.
    """
    data = bridge.assign(year=bridge["fiscal_year"].astype(str))
    years = sorted(data["year"].unique())
    x = alt.X("year:O", title="Fiscal year", scale=alt.Scale(domain=years))
    # no fixed domain: with one step picked, its bars take the year's whole width
    offset = alt.XOffset("step:N", sort=ANNUAL_BRIDGE_STEPS)
    # the reader's filter (a selection of one step, empty: all), so every row stays offered
    picked = alt.selection_point(
        name="bridge_step",
        fields=["step"],
        bind=alt.binding_select(
            options=[None, *ANNUAL_BRIDGE_STEPS],
            labels=[ALL_STEPS, *ANNUAL_BRIDGE_STEPS],
            name="Show ",
        ),
    )
    tooltip = [
        alt.Tooltip("year:O", title="Year"),
        alt.Tooltip("step:N", title="Step"),
        alt.Tooltip("usd_bn:Q", title="USD bn (out is negative)", format=",.2f"),
        alt.Tooltip("status:N", title="Figure"),
        alt.Tooltip("definition:N", title="Definition"),
    ]
    colour = alt.Color(
        "step:N", title=None, sort=ANNUAL_BRIDGE_STEPS, scale=alt.Scale(domain=ANNUAL_BRIDGE_STEPS)
    )
    bars = (
        alt.Chart(data[data["status"] != NOT_STATED])
        .mark_bar()
        .encode(
            x=x,
            xOffset=offset,
            y=alt.Y("usd_bn:Q", title="USD bn (inflows up, outflows down)"),
            color=colour,
            tooltip=tooltip,
        )
        .transform_filter(picked)
    )
    missing = (
        alt.Chart(data[data["status"] == NOT_STATED].assign(zero=0.0))
        .mark_point(shape="cross", size=40, color="#777777", filled=True)
        .encode(x=x, xOffset=offset, y=alt.Y("zero:Q"), tooltip=tooltip)
        .transform_filter(picked)
    )
    return (
        (bars + missing)
        .add_params(picked)
        .properties(
            width="container",
            height=320,
            title=alt.Title(
                "Where each year's cash went",
                subtitle=(
                    "Operating cash flow in, capex out, free cash flow left, then buybacks, dividends, "
                    "borrowing and cash; grey cross: not stated in our sources"
                ),
            ),
            description=(
                "Grouped bar chart per fiscal year of Meta's funding bridge in billions of US dollars: "
                "operating cash flow, purchases of property and equipment, finance-lease principal, "
                "free cash flow, share buybacks, dividends, debt issued and the change in cash; "
                "outflows below zero, and a grey cross where no source states a step."
            ),
        )
    )


def trend_text(values: pd.Series, what: str) -> str:
    """What a series of quarters did, claimed only as far as every step shows it.

    ``values`` is indexed by quarter label in time order (quarters without a figure are
    skipped and the text says how many have one). ``fell at each of the N steps`` needs every
    step down (``rose`` every step up); otherwise ``moved up and down``; fewer than two values:
    ``one quarter only, no trend``.
    """
    clean = values.dropna()
    if len(clean) < 2:
        return f"{what}: one quarter only, no trend"
    steps = clean.diff().dropna()
    n = len(steps)
    if (steps < 0).all():
        return f"{what} fell at each of the {n} steps between the {n + 1} quarters with a figure"
    if (steps > 0).all():
        return f"{what} rose at each of the {n} steps between the {n + 1} quarters with a figure"
    return f"{what} moved up and down over the {len(clean)} quarters with a figure"
