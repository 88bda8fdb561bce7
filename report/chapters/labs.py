"""Computations and charts of the labs chapter: events, reorganisations, leaders' tenures."""

from __future__ import annotations

import altair as alt
import pandas as pd

from report.data.sourcing import preferred
from report.show.figures import date as fmt_date
from report.show.figures import months_between, months_range, months_range_text
from report.show.marks import (
    date_known_opacity,
    date_spans,
    date_tooltips,
    edition_rule,
    event_marks,
    top_rows,
    with_date_spans,
)
from report.show.theme import YEAR_AXIS

EVENT_TYPES = [
    "formation",
    "reorganisation",
    "appointment",
    "departure",
    "hiring_freeze",
    "layoff",
    "model_release",
    "product",
    "other",
]
TYPE_LABELS = {
    "formation": "Formation",
    "reorganisation": "Reorganisation",
    "appointment": "Appointment",
    "departure": "Departure",
    "hiring_freeze": "Hiring freeze",
    "layoff": "Layoff",
    "model_release": "Model release",
    "product": "Product",
    "other": "Other",
}


def event(events: pd.DataFrame, event_id: str, parameter: str = "formation_event") -> pd.Series:
    """The one row of ``events`` (from :func:`one_per_event`) with ``event_id``.

    Raises ``ValueError`` naming the parameter and the formation and reorganisation events the
    data hold, when no event has that id.
    """
    found = events[events["event_id"] == event_id]
    if found.empty:
        known = events.loc[events["type"].isin(["formation", "reorganisation"]), "event_id"]
        raise ValueError(
            f"parameter {parameter}={event_id!r} is no event in lab_events; formation and "
            f"reorganisation events: {', '.join(known)}"
        )
    return found.iloc[0]


def check_types(types: list[str], parameter: str = "event_types") -> list[str]:
    """Return ``types`` if all are known event types; otherwise name the parameter and the options."""
    unknown = [t for t in types if t not in EVENT_TYPES]
    if unknown or not types:
        raise ValueError(
            f"parameter {parameter} has unknown or no event types {unknown}; "
            f"valid: {', '.join(EVENT_TYPES)}"
        )
    return types


def one_per_event(events: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """One row per event (the strongest, then latest, source); disagreements stay in the table."""
    return (
        preferred(events, ["event_id"], sources)
        .sort_values(["date", "event_id"])
        .reset_index(drop=True)
    )


def in_window(
    events: pd.DataFrame, start: str, types: list[str], end: pd.Timestamp | None = None
) -> pd.DataFrame:
    """Events from ``start`` (ISO date) to ``end`` of the given types."""
    try:
        begin = pd.Timestamp(start)
    except ValueError as exc:
        raise ValueError(f"window_start {start!r} is not an ISO date (YYYY-MM-DD)") from exc
    check_types(types)
    mask = (events["date"] >= begin) & events["type"].isin(types)
    if end is not None:
        mask &= events["date"] <= end
    return events[mask].reset_index(drop=True)


def since(events: pd.DataFrame, start: pd.Timestamp, kind: str) -> pd.DataFrame:
    """Events of ``kind`` strictly after ``start``."""
    return events[(events["type"] == kind) & (events["date"] > start)].reset_index(drop=True)


#: Broad families of Meta's AI groups, in the order the roster's legend lists them. A chart
#: can tell four colours apart; it cannot tell thirteen (the palette would repeat).
GROUP_FAMILIES = [
    "FAIR (research)",
    "GenAI-era groups",
    "Meta Superintelligence Labs",
    "Other units",
]
_GENAI_ERA = {"genai", "genai / fair oversight", "agi foundations", "ai products"}
_MSL = {"tbd lab", "products & applied research"}


def group_family(group: str) -> str:
    """The broad family a leadership group belongs to (see ``GROUP_FAMILIES``).

    MSL and its units (names starting "MSL", TBD Lab, Products & Applied Research) form one
    family; FAIR another; the groups that preceded MSL a third; anything else, such as
    Meta Compute, is "Other units".
    """
    name = str(group).strip().lower()
    if name == "fair":
        return GROUP_FAMILIES[0]
    if name in _GENAI_ERA:
        return GROUP_FAMILIES[1]
    if name.startswith("msl") or name in _MSL:
        return GROUP_FAMILIES[2]
    return GROUP_FAMILIES[3]


def tenures(leadership: pd.DataFrame, edition: pd.Timestamp) -> pd.DataFrame:
    """Each role with its length in months; open roles run to the edition date."""
    out = leadership.dropna(subset=["start"]).copy()
    out["ongoing"] = out["end"].isna()
    out["until"] = out["end"].fillna(edition)
    out["months"] = [months_between(a, b) for a, b in zip(out["start"], out["until"], strict=True)]
    out["family"] = out["group"].map(group_family)
    return out.sort_values(["start", "person"]).reset_index(drop=True)


def timeline_chart(events: pd.DataFrame) -> alt.Chart | alt.LayerChart:
    """Every event as a point on its type's row; tooltip gives the what and the source.

    With more events than ``marks.MAX_MARKS``, events are counted per month and type
    (the mark's size) so the page stays small.
    """
    rows = event_marks(events, "date", "type", "title")
    rows["type_label"] = rows["type"].map(TYPE_LABELS)
    order = [TYPE_LABELS[t] for t in EVENT_TYPES if t in set(rows["type"])]
    aggregated = bool(rows["aggregated"].any())
    x_title = "Date"
    y = alt.Y("type_label:N", title=None, sort=order)
    colour = alt.Color("type_label:N", title="Event type", sort=order, legend=None)
    if aggregated:
        encoding = {"x": alt.X("date:T", title=x_title, axis=alt.Axis(format="%b %Y"))}
        encoding["size"] = alt.Size("count:Q", title="Events in the month")
        tooltip = [
            alt.Tooltip("date:T", title="Month", format="%B %Y"),
            alt.Tooltip("type_label:N", title="Type"),
            alt.Tooltip("count:Q", title="Events"),
            alt.Tooltip("what:N", title="What happened"),
        ]
    else:
        # A date known only to the month sits mid-month, paler, over a span of its month.
        rows = with_date_spans(rows)
        encoding = {
            "x": alt.X("when_at:T", title=x_title, axis=alt.Axis(format="%b %Y")),
            "opacity": date_known_opacity(),
        }
        tooltip = [
            *date_tooltips(),
            alt.Tooltip("type_label:N", title="Type"),
            alt.Tooltip("what:N", title="What happened"),
            alt.Tooltip("people:N", title="People"),
            alt.Tooltip("source_id:N", title="Source"),
        ]
    points = (
        alt.Chart(rows)
        .mark_point(filled=True, size=110)
        .encode(**encoding, y=y, color=colour, tooltip=tooltip)
    )
    chart = points if aggregated else alt.layer(date_spans(rows, x_title, y, colour), points)
    return chart.properties(
        width="container",
        height=300,
        title=alt.Title(
            "The making and remaking of Meta's AI organisation",
            subtitle=(
                "Each mark is an event (or, with many, the events of a month); pale marks over "
                "a bar: known to the month only; hover for details"
            ),
        ),
        description=(
            "Timeline of dated events in Meta's AI organisation, one row per event type "
            "(formations, reorganisations, appointments, departures, freezes, layoffs, "
            "model releases, products); events dated only to a month are drawn pale in the "
            "middle of a bar spanning that month."
        ),
    )


def roster_chart(roles: pd.DataFrame, edition: pd.Timestamp) -> alt.Chart:
    """Who held which role when: one bar per role, open roles drawn to the edition date.

    With many roles, the latest 60 by start date are drawn.
    """
    rows, _ = top_rows(roles, "start", 60)
    rows = rows.copy()
    rows["role"] = rows["person"] + " — " + rows["title"].str.split(";").str[0]
    rows["state"] = rows["ongoing"].map({True: "In role at the latest source", False: "Ended"})
    order = rows.sort_values("start")["role"].tolist()
    bars = (
        alt.Chart(rows)
        .mark_bar(height=11, cornerRadius=2)
        .encode(
            x=alt.X("start:T", title="Date", axis=YEAR_AXIS),
            x2="until:T",
            y=alt.Y("role:N", title=None, sort=order, axis=alt.Axis(labelLimit=330)),
            color=alt.Color(
                "family:N",
                title="Group",
                scale=alt.Scale(domain=GROUP_FAMILIES),
                legend=alt.Legend(columns=2),
            ),
            opacity=alt.Opacity(
                "state:N",
                title=None,
                scale=alt.Scale(domain=["Ended", "In role at the latest source"], range=[1.0, 0.5]),
            ),
            tooltip=[
                alt.Tooltip("person:N", title="Person"),
                alt.Tooltip("title:N", title="Role"),
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip("start:T", title="From", format="%b %Y"),
                alt.Tooltip("until:T", title="To", format="%b %Y"),
                alt.Tooltip("state:N", title="Status"),
                alt.Tooltip("months:Q", title="Months", format=".0f"),
                alt.Tooltip("source_id:N", title="Source"),
            ],
        )
    )
    return (bars + edition_rule(edition)).properties(
        width="container",
        height=max(220, 22 * len(rows)),
        title=alt.Title(
            "Who led Meta's AI effort, and for how long",
            subtitle="Pale bars: still in the role at the latest source (drawn to the edition date)",
        ),
        description=(
            "Gantt chart of Meta's AI leadership roles: one bar per person and role from start to end, "
            "coloured by family of groups (FAIR, the GenAI-era groups, MSL, other units); roles still "
            "held run to the edition date."
        ),
    )


def intervals_chart(rows: pd.DataFrame) -> alt.LayerChart:
    """Months between successive reorganisations (and formations); the latest 40 at most.

    A solid bar reaches the shortest gap the dates allow; where one of the two dates is known
    only to the month, a pale bar continues to the longest (``months_min`` / ``months_max``
    from :func:`restructurings`).
    """
    rows, _ = top_rows(rows, "date", 40)
    rows = rows.copy()
    rows["dates_known"] = rows["exact"].map(
        {True: "both to the day", False: "one or both to the month only"}
    )
    x = alt.X("label:N", title=None, sort=None, axis=alt.Axis(labelAngle=0, labelLimit=160))
    tooltip = [
        alt.Tooltip("title:N", title="Change"),
        alt.Tooltip("when_text:N", title="Date"),
        alt.Tooltip("previous:N", title="After"),
        alt.Tooltip("months_min:Q", title="Months since previous, at least", format=".1f"),
        alt.Tooltip("months_max:Q", title="Months since previous, at most", format=".1f"),
        alt.Tooltip("dates_known:N", title="Dates known"),
        alt.Tooltip("source_id:N", title="Source"),
    ]
    shortest = (
        alt.Chart(rows)
        .mark_bar(color="#0072B2")
        .encode(
            x=x, y=alt.Y("months_min:Q", title="Months since the previous one"), tooltip=tooltip
        )
    )
    vague = (
        alt.Chart(rows[~rows["exact"]])
        .mark_bar(color="#0072B2", opacity=0.35)
        .encode(x=x, y="months_min:Q", y2="months_max:Q", tooltip=tooltip)
    )
    return alt.layer(shortest, vague).properties(
        width="container",
        height=240,
        title=alt.Title(
            "How long each structure lasted",
            subtitle=(
                "Months between one restructuring (formation or reorganisation) and the next; "
                "pale: the range left open by a date known only to the month"
            ),
        ),
        description=(
            "Bar chart of the months elapsed between successive formations and reorganisations "
            "of Meta's AI organisation; where a date is known only to the month, a pale bar "
            "extends from the shortest to the longest possible gap."
        ),
    )


def restructurings(events: pd.DataFrame) -> pd.DataFrame:
    """Formations and reorganisations in date order, with months since the previous one.

    ``months`` is the gap between the dates as written; ``months_min`` and ``months_max`` the
    shortest and longest gap the two dates' precisions allow (a month-precision date covers its
    whole month, see ``figures.months_range``); ``exact`` is True when both are known to the day.
    """
    rows = events[events["type"].isin(["formation", "reorganisation"])].sort_values("date").copy()
    rows = rows.reset_index(drop=True)
    precision = (
        rows["date_precision"].fillna("day")
        if "date_precision" in rows
        else pd.Series("day", index=rows.index)
    )
    pairs = list(
        zip(rows["date"][:-1], precision[:-1], rows["date"][1:], precision[1:], strict=True)
    )
    rows["months"] = [None] + [months_between(a, b) for a, _, b, _ in pairs]
    bounds = [months_range(a, pa, b, pb) for a, pa, b, pb in pairs]
    rows["months_min"] = pd.Series([None] + [lo for lo, _ in bounds], dtype="float64")
    rows["months_max"] = pd.Series([None] + [hi for _, hi in bounds], dtype="float64")
    rows["exact"] = [False] + [pa == "day" and pb == "day" for _, pa, _, pb in pairs]
    rows["previous"] = [None, *rows["title"][:-1]]
    rows["label"] = rows["date"].dt.strftime("%b %Y")
    rows["when_text"] = [fmt_date(d, p) for d, p in zip(rows["date"], precision, strict=True)]
    return rows


def shortest_gap(rows: pd.DataFrame) -> dict[str, object]:
    """The shortest gap between successive restructurings, honest about vague dates.

    ``rows`` come from :func:`restructurings`. Returns ``text`` (``at least 0.0 and at most 2.0
    months`` when month-precision dates leave a range, one value when all are exact), the bounds
    ``shortest`` (the least any gap can be) and ``longest`` (the most the shortest gap can be),
    ``row`` (the gap with the smallest upper bound), ``where`` (every gap that could be the
    shortest, ``between 27 May 2025 and 30 June 2025 or ...``) and ``exact_text``, the shortest gap among
    pairs both dated to the day (``None`` when there is no such pair). Raises ``ValueError``
    with fewer than two restructurings.
    """
    gaps = rows.dropna(subset=["months_min"])
    if gaps.empty:
        raise ValueError("a gap needs at least two restructurings")
    lo, hi = float(gaps["months_min"].min()), float(gaps["months_max"].min())
    exact = gaps[gaps["exact"]]
    when = list(rows["when_text"])
    # Every gap that could be the shortest one: its least possible length is within the bound.
    could = gaps[gaps["months_min"] <= hi]
    where = " or ".join(f"between {when[i - 1]} and {when[i]}" for i in could.index)
    return {
        "text": months_range_text(lo, hi),
        "shortest": lo,
        "longest": hi,
        "where": where,
        "candidates": len(could),
        "row": gaps.sort_values("months_max").iloc[0],
        "exact_text": months_range_text(exact["months"].min(), exact["months"].min())
        if len(exact)
        else None,
    }


def median_life(rows: pd.DataFrame) -> tuple[float, float]:
    """Bounds on the median gap between restructurings, in months.

    The median of the shortest gaps and the median of the longest: a median never falls when
    one of its values rises, so the true median lies between them. ``rows`` come from
    :func:`restructurings`.
    """
    gaps = rows.dropna(subset=["months_min"])
    return float(gaps["months_min"].median()), float(gaps["months_max"].median())
