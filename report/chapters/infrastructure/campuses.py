"""Infrastructure chapter, campuses and power.

Announced gigawatts per campus and the power agreements behind them.
"""

from __future__ import annotations

import altair as alt
import pandas as pd


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
