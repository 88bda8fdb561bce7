"""Infrastructure chapter, campuses and power.

Announced gigawatts per campus and the power agreements behind them.
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd

from report.data.sourcing import publishers
from report.show.figures import and_list
from report.show.marks import with_date_spans


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


def dated_gw(capacity: pd.DataFrame, last_year: int) -> float:
    """Capacity due by ``last_year`` (GW), each campus once, at its largest dated capacity.

    A capacity counts when it is stated with a target year no later than ``last_year``.

    ``capacity`` is :func:`campus_capacity`'s frame. Capacity stated with no target year, or
    due after ``last_year``, is left out: spreading it over a window would date it by hand.
    Returns 0.0 when no campus states a date in the window.
    """
    due = capacity.dropna(subset=["target_year"])
    due = due[due["target_year"] <= last_year]
    if due.empty:
        return 0.0
    return float(due.groupby("campus")["capacity_gw"].max().sum())


def status_check_text(campuses: pd.DataFrame, campus: str, sources: pd.DataFrame) -> str:
    """The newest status check of one campus in our sources, in words, or ``""`` when none.

    ``campuses`` is the raw table; a status check is a row whose ``phase`` starts with
    ``status check`` (the later in the file is the newer: ``status check 2026``, then ``status
    check late 2026``). Returns ``the latest status check in our sources, from Compute Institute
    (tracker), reads: ...`` and its ``note``, so a target year is never shown without what was reported since.
    """
    rows = campuses[
        (campuses["campus"] == campus)
        & campuses["phase"].fillna("").str.startswith("status check")
        & campuses["note"].notna()
    ]
    if rows.empty:
        return ""
    last = rows.iloc[-1]
    who = and_list(publishers(last["source_id"], sources))
    note = re.sub(r"^[A-Z][a-z]+: ", "", str(last["note"]).rstrip("."))  # "Tracker: ..." -> "..."
    return (
        f"the latest status check in our sources, from {who}, reads: {note[:1].lower()}{note[1:]}"
    )


#: Reader-facing words for a campus phase's status (campuses.status).
CAMPUS_STATUS_LABELS = {
    "announced": "Announced",
    "under_construction": "Under construction",
    "online": "Online",
}


def campus_chart(capacity: pd.DataFrame) -> alt.Chart:
    """Capacity per campus and phase, by target year; status in the tooltip, in words."""
    capacity = capacity.assign(
        status_label=capacity["status"].map(CAMPUS_STATUS_LABELS).fillna("Not stated")
    )
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
                alt.Tooltip("status_label:N", title="Status"),
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
    rows["when"] = with_date_spans(rows)["when_text"]  # at each row's own precision
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


def power_pipeline(
    power: pd.DataFrame, capacity: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Power due to switch on by year, beside the campuses' stated gigawatts by target year.

    ``power`` is ``power_agreements`` (``online_year`` as the cited page states it);
    ``capacity`` is ``campus_capacity(campuses)``. Returns three frames, all in GW:

    - ``due``: one row per agreement with a capacity and an ``online_year``
      (``year``, ``counterparty``, ``kind``, ``gw``, ``cumulative_gw`` over the years, in year
      order, ``source_id``). Rows whose note says they include another row are left out by
      design of the data (the overlapping totals have no year), so nothing is counted twice;
    - ``campuses``: per target year, the stated campus capacity due by then, each campus at
      its largest capacity with that year (``year``, ``gw``, ``cumulative_gw``, ``campuses``,
      ``source_id``);
    - ``unstated``: agreements with a capacity but no year (``counterparty``, ``gw``): shown
      as "not stated", never placed in a year.
    """
    rows = power.dropna(subset=["capacity_mw"]).copy()
    rows["gw"] = rows["capacity_mw"] / 1000.0
    dated = rows.dropna(subset=["online_year"]).copy()
    dated["year"] = dated["online_year"].astype(int)
    dated = dated.sort_values(["year", "counterparty"]).reset_index(drop=True)
    dated["cumulative_gw"] = dated["gw"].cumsum()
    due = dated[["year", "counterparty", "kind", "gw", "cumulative_gw", "source_id"]]
    with_year = capacity.dropna(subset=["target_year"]).copy()
    with_year["year"] = with_year["target_year"].astype(int)
    per_campus = with_year.sort_values("capacity_gw").groupby(["campus", "year"]).tail(1)
    by_year = (
        per_campus.groupby("year")
        .agg(
            gw=("capacity_gw", "sum"),
            campuses=("campus", lambda c: ", ".join(sorted(c))),
            source_id=("source_id", lambda s: ";".join(sorted(set(s)))),
        )
        .reset_index()
    )
    by_year["cumulative_gw"] = by_year["gw"].cumsum()
    unstated = rows[rows["online_year"].isna()][["counterparty", "gw", "source_id"]].reset_index(
        drop=True
    )
    return due, by_year, unstated


def power_pipeline_chart(due: pd.DataFrame, campuses: pd.DataFrame) -> alt.LayerChart:
    """Stacked bars of power due each year (GW) and a step line of campus GW due by then."""
    years = list(
        range(
            int(min(due["year"].min(), campuses["year"].min())),
            int(max(due["year"].max(), campuses["year"].max())) + 1,
        )
    )
    x = alt.X("year:O", title="Year due", scale=alt.Scale(domain=years))
    bars = (
        alt.Chart(due)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("gw:Q", title="GW", stack="zero"),
            color=alt.Color("kind:N", title="Power due that year"),
            tooltip=[
                alt.Tooltip("year:O", title="Due"),
                alt.Tooltip("counterparty:N", title="With"),
                alt.Tooltip("kind:N", title="Generation"),
                alt.Tooltip("gw:Q", title="GW", format=",.2f"),
                alt.Tooltip("source_id:N", title="Source"),
            ],
        )
    )
    line = (
        alt.Chart(campuses)
        .mark_line(
            point=alt.OverlayMarkDef(size=60),
            color="#777777",
            strokeDash=[4, 3],
            interpolate="step-after",
        )
        .encode(
            x=x,
            y=alt.Y("cumulative_gw:Q"),
            tooltip=[
                alt.Tooltip("year:O", title="Campuses due by"),
                alt.Tooltip("campuses:N", title="Campuses"),
                alt.Tooltip("gw:Q", title="GW due that year", format=",.1f"),
                alt.Tooltip("cumulative_gw:Q", title="GW due by then", format=",.1f"),
            ],
        )
    )
    return (bars + line).properties(
        width="container",
        height=300,
        title=alt.Title(
            "The power pipeline by year",
            subtitle=(
                "Bars: capacity of agreements with a stated year, by the year it is due; grey "
                "dashes: campus gigawatts due by then (stated target years only)"
            ),
        ),
        description=(
            "Stacked bar chart of the power capacity, in gigawatts, that Meta's agreements are "
            "due to deliver each year, with a dashed step line of the campuses' stated capacity "
            "due by each target year."
        ),
    )
