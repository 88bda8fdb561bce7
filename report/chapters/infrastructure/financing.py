"""Infrastructure chapter, financing.

What operating cash flow covers, and the deals that finance campuses and compute outside it.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from report.charts import date_known_opacity, date_spans, date_tooltips, with_date_spans
from report.sourcing import preferred


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
    years = list(range(int(long["fiscal_year"].min()), int(long["fiscal_year"].max()) + 1))
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            # every year listed, so a year without both figures shows as a gap, never skipped
            x=alt.X("fiscal_year:O", title="Fiscal year", scale=alt.Scale(domain=years)),
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


DEAL_KINDS = {
    "joint_venture": "Joint venture",
    "bond": "Bond",
    "cloud_compute": "Cloud and compute contract",
    "chips_hardware": "Chips and hardware",
    "other": "Other financing",
}


def deals_chart(deals: pd.DataFrame) -> alt.LayerChart:
    """Every financing or compute deal with a stated amount, by date; never summed."""
    rows = with_date_spans(deals.dropna(subset=["amount_usd_bn"]))
    rows["kind_label"] = rows["kind"].map(DEAL_KINDS)
    x_title = "Date agreed or reported"
    y = alt.Y("amount_usd_bn:Q", title="Amount (USD bn)")
    colour = alt.Color("kind_label:N", title="Kind", sort=list(DEAL_KINDS.values()))
    # A deal dated only to a month or year sits mid-period, paler, over a bar spanning it
    # (a year-only deal is not drawn before the deals of that year it may follow).
    points = (
        alt.Chart(rows)
        .mark_circle(stroke="#333333", strokeWidth=0.5)
        .encode(
            x=alt.X("when_at:T", title=x_title, axis=alt.Axis(format="%b %Y")),
            y=y,
            size=alt.Size(
                "amount_usd_bn:Q", title="USD bn", legend=None, scale=alt.Scale(range=[60, 900])
            ),
            color=colour,
            opacity=date_known_opacity(),
            tooltip=[
                alt.Tooltip("counterparty:N", title="With"),
                alt.Tooltip("kind_label:N", title="Kind"),
                alt.Tooltip("amount_usd_bn:Q", title="Amount (USD bn)", format=",.1f"),
                *date_tooltips(),
                alt.Tooltip("term_years:Q", title="Term (years)"),
                alt.Tooltip("description:N", title="What"),
                alt.Tooltip("note:N", title="Note"),
            ],
        )
    )
    return alt.layer(date_spans(rows, x_title, y, colour), points).properties(
        width="container",
        height=300,
        title=alt.Title(
            "Financing and compute commitments",
            subtitle=(
                "Each deal with a stated amount; some overlap (see tooltips), so they are not "
                "added up; pale bubbles over a bar: month or year known only"
            ),
        ),
        description=(
            "Bubble chart of Meta's financing and compute deals by date and amount in US "
            "dollars, coloured by kind: joint venture, bonds, cloud contracts, chips, other; "
            "a deal dated only to a month or year is pale, mid-period, over a bar spanning it."
        ),
    )


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
    cash_flow: pd.DataFrame, sources: pd.DataFrame, quarters: int = 4
) -> pd.DataFrame:
    """The funding bridge of the latest ``quarters`` quarters that report operating cash flow.

    Returns one row per quarter and step (``BRIDGE_STEPS``), USD bn, flows of that quarter
    only: ``quarter`` (e.g. ``2026Q2``), ``period_end``, ``step``, ``usd_bn``, ``source_id``
    and ``derived``. Free cash flow is the reported figure where a source gives one; otherwise
    it is our arithmetic (operating cash flow less purchases and finance-lease principal) and
    ``derived`` is True, with the sources of its parts. A step no source gives is left out,
    never filled; a quarter missing its purchases gets no free cash flow either.
    """
    quarterly = cash_flow[cash_flow["period"].str.contains("Q")]
    quarterly = quarterly[quarterly["metric"].isin(_BRIDGE_METRICS)]
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
            elif metric == "free_cash_flow" and {"operating_cash_flow", "purchases_ppe"} <= set(
                got.index
            ):
                parts = ["operating_cash_flow", "purchases_ppe", "finance_lease_principal"]
                parts = [p for p in parts if p in got.index]
                value = got.loc["operating_cash_flow", "value_usd_bn"] - sum(
                    got.loc[p, "value_usd_bn"] for p in parts[1:]
                )
                sid, derived = ";".join(got.loc[p, "source_id"] for p in parts), True
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
    data = bridge.assign(
        label=bridge["quarter"].str[:4] + " Q" + bridge["quarter"].str[-1],
        how=bridge["derived"].map({True: "our arithmetic", False: "reported"}),
    )
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("label:O", title="Quarter", sort=list(data["label"].drop_duplicates())),
            xOffset=alt.XOffset("step:N", sort=BRIDGE_STEPS),
            y=alt.Y("usd_bn:Q", title="USD bn, flows of the quarter"),
            color=alt.Color("step:N", title=None, sort=BRIDGE_STEPS),
            tooltip=[
                alt.Tooltip("label:O", title="Quarter"),
                alt.Tooltip("step:N", title="Step"),
                alt.Tooltip("usd_bn:Q", title="USD bn", format=",.2f"),
                alt.Tooltip("how:N", title="Figure"),
            ],
        )
        .properties(
            width="container",
            height=280,
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
    )
