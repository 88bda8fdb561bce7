"""Computations and charts of the labs chapter: events, reorganisations, leaders' tenures.

Over 400 lines because the chapter has four analyses on two tables (the timeline, the
restructurings and their gaps, the leadership roster ended by departures, what shipped), each
with the words its prose glues.
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd

from report.data.sourcing import (
    KIND_RANK,
    best_kind,
    facts,
    preferred,
    preferred_filled,
    publishers,
)
from report.show.figures import (
    and_list,
    counted,
    months_between,
    months_range,
    months_range_text,
    number,
)
from report.show.figures import date as fmt_date
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


def launches(events: pd.DataFrame, after: pd.Timestamp) -> pd.DataFrame:
    """Model releases and products after ``after``, in the order a reader reads dates.

    ``events`` is :func:`one_per_event`'s frame. Within a month, events known to the day come
    first and events known only to the month or year follow them (a month-only date is stored
    as the month's first day, which would otherwise put "July 2026" before "6 July 2026").
    Adds ``when`` (the date as written at its precision).
    """
    rows = events[(events["date"] > after) & events["type"].isin(["model_release", "product"])]
    rows = rows.copy()
    precision = rows["date_precision"].fillna("day")
    rows["_month"] = rows["date"].dt.to_period("M")
    rows["_vague"] = precision != "day"
    rows = rows.sort_values(["_month", "_vague", "date", "event_id"])
    rows["when"] = [
        fmt_date(d, p) for d, p in zip(rows["date"], precision[rows.index], strict=True)
    ]
    return rows.drop(columns=["_month", "_vague"]).reset_index(drop=True)


#: What a launch table says about a model's weights (:func:`openness`), in a reader's words.
WEIGHTS_WORDS = {
    "closed": "closed",
    "open-weight": "open",
    "of unstated openness": "not stated in our sources",
}


def launch_rows(
    events: pd.DataFrame, after: pd.Timestamp, releases: pd.DataFrame, sources: pd.DataFrame
) -> pd.DataFrame:
    """:func:`launches` with what a reader's table shows beside each launch.

    A Meta model in ``releases`` released after ``after`` that no event's title names (a FAIR
    research model, say) is added as a launch of its own (``event_id`` ``release:<model>``),
    so the table lists every release in our sources, not only those the events record.

    Adds ``weights`` (a model release's weights, from its preferred ``model_releases`` row via
    :func:`release_named` and :func:`openness`: ``closed``, ``open`` or ``not stated in our
    sources``; empty for a product) and ``source`` (the publishers of the row's sources, from
    ``sources``). The row's ``note`` is the data's remark for auditors and is not shown.
    """
    rows = launches(events, after)
    named = {release_named(t, releases) for t in rows["title"]}
    meta = releases[
        (releases["developer"] == "Meta")
        & (releases["date"] > after)
        & ~releases["model"].isin(named)
        & (releases["status"] == "released")
    ]
    if not meta.empty:  # a release no lab event names (a FAIR model) is a launch too
        extra = preferred(meta, ["model"], sources)
        extra = pd.DataFrame(
            {
                "event_id": "release:" + extra["model"],
                "date": extra["date"],
                "date_precision": extra["date_precision"],
                "type": "model_release",
                "title": extra["model"] + " released",
                "source_id": extra["source_id"],
            }
        )
        events = pd.concat([rows.drop(columns=["when"]), extra], ignore_index=True)
        rows = launches(events, after)
    rows["weights"] = [
        WEIGHTS_WORDS[openness(releases, release_named(t, releases), sources)]
        if kind == "model_release"
        else ""
        for t, kind in zip(rows["title"], rows["type"], strict=True)
    ]
    rows["source"] = ["; ".join(publishers(v, sources)) for v in rows["source_id"]]
    return rows


def named_events(raw: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """``raw`` (rows of ``lab_events``) with ``event``: each event's name for a reader.

    The name is the title of the event's preferred row in ``events`` (:func:`one_per_event`),
    so a table of the rows that disagree names the event in words, not by its ``event_id``.
    """
    titles = events.drop_duplicates("event_id").set_index("event_id")["title"]
    return raw.assign(event=raw["event_id"].map(titles).fillna(raw["title"]))


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


#: One role is one person in one title: two sources of it are one role on the roster.
ROLE_KEYS = ["person", "title"]

#: What the roster says of a role: ended (a source gives its end), ended when the person left
#: Meta (departures), open at the latest source, or the person left on a date no source gives.
ROLE_STATES = {
    "role": "Ended",
    "departure": "Ended: left Meta",
    "open": "In role at the latest source",
    "left_undated": "Left Meta, date not stated",
}

#: How solid a roster bar is: ended roles solid, roles drawn to the edition date pale.
STATE_OPACITY = dict(zip(ROLE_STATES.values(), [1.0, 1.0, 0.5, 0.3], strict=True))


def left_meta(departures: pd.DataFrame, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per person who left Meta (``outcome`` ``left``), when and on whose word.

    A person with a dated row gets the preferred dated row (strongest source, then the most
    recent; the first row when ``sources`` is None); a person known to have left only from
    undated rows gets an empty ``left_date``. A person any source says never started
    (``outcome`` ``never_joined``) is left out: they never held a role. Returns ``person``,
    ``left_date``, ``date_precision`` and ``source_id``.
    """
    columns = ["person", "left_date", "date_precision", "source_id"]
    if departures is None or departures.empty:
        return pd.DataFrame(columns=columns)
    rows = departures
    if "outcome" in rows.columns:
        absent = set(rows.loc[rows["outcome"] == "never_joined", "person"])
        rows = rows[(rows["outcome"] == "left") & ~rows["person"].isin(absent)]
    dated = rows.dropna(subset=["left_date"])
    if sources is not None and len(dated):
        dated = preferred(dated, ["person"], sources)
    else:
        dated = facts(dated, ["person"])
    undated = facts(rows[~rows["person"].isin(dated["person"])], ["person"])
    out = pd.concat([dated, undated], ignore_index=True)[columns]
    return out.sort_values("person").reset_index(drop=True)


def roles(leadership: pd.DataFrame, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per role (:data:`ROLE_KEYS`): two sources of one role are one role.

    The preferred source's row is kept (the first row when ``sources`` is None); when it
    gives no end and another source of the same role does, the earliest such end fills it
    (with that row's precision and source, in ``end_source_id``).
    """
    one = (
        preferred(leadership, ROLE_KEYS, sources)
        if sources is not None
        else facts(leadership, ROLE_KEYS)
    ).copy()
    one["end_source_id"] = None
    ended = leadership.dropna(subset=["end"]).sort_values("end")
    for i, row in one[one["end"].isna()].iterrows():
        other = ended[(ended["person"] == row["person"]) & (ended["title"] == row["title"])]
        if len(other):
            first = other.iloc[0]
            one.loc[i, ["end", "end_precision", "end_source_id"]] = [
                first["end"],
                first.get("end_precision"),
                first["source_id"],
            ]
    one["end"] = pd.to_datetime(one["end"])
    return one


def tenures(
    leadership: pd.DataFrame,
    edition: pd.Timestamp,
    departures: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each dated role once (:func:`roles`) with its length in months.

    A role a source gives no end for ends when its holder left Meta, where ``departures``
    dates it (:func:`left_meta`; that row's source in ``end_source_id``); a role whose holder
    left on a date no source gives is not counted as held (``state`` says so; its bar runs to
    the edition date, and it has no length). A role whose own end falls within 31 days of its
    holder's departure ended with it (``state`` ``departure``, its own end and source kept).
    Open roles run to the edition date. ``state`` is
    a key of :data:`ROLE_STATES`; ``ongoing`` is True only for open roles.
    """
    out = roles(leadership, sources).dropna(subset=["start"]).copy()
    out["state"] = ["role" if pd.notna(e) else "open" for e in out["end"]]
    gone = left_meta(departures, sources)
    for _, person in gone.iterrows():
        held = (out["person"] == person["person"]) & (out["state"] == "open")
        if pd.isna(person["left_date"]):
            out.loc[held, "state"] = "left_undated"
            continue
        # a role whose own end falls within a month of the day its holder left Meta ended with
        # the departure (Ruoming Pang's role ends February 2026, the month he left for OpenAI)
        ended = (
            (out["person"] == person["person"])
            & (out["state"] == "role")
            & ((pd.to_datetime(out["end"]) - person["left_date"]).abs() <= pd.Timedelta(days=31))
        )
        out.loc[ended, "state"] = "departure"
        held &= out["start"] <= person["left_date"]
        out.loc[held, "end"] = person["left_date"]
        out.loc[held, "end_precision"] = person["date_precision"]
        out.loc[held, "end_source_id"] = person["source_id"]
        out.loc[held, "state"] = "departure"
    out["end"] = pd.to_datetime(out["end"])
    out["ongoing"] = out["state"] == "open"
    out["until"] = out["end"].fillna(edition)
    out["months"] = pd.Series(
        [
            None if state == "left_undated" else months_between(a, b)
            for a, b, state in zip(out["start"], out["until"], out["state"], strict=True)
        ],
        index=out.index,
        dtype="float64",
    )
    out["state_label"] = out["state"].map(ROLE_STATES)
    out["family"] = out["group"].map(group_family)
    return out.sort_values(["start", "person"]).reset_index(drop=True)


def roster_text(roster: pd.DataFrame) -> dict[str, str]:
    """What the roster shows, counted from the roles it draws (:func:`tenures`).

    ``roles``: roles drawn; ``open``: roles still held at the latest source; ``by_departure``:
    roles ended by a departure, with the people (``2, Yann LeCun's and ...``; ``none`` when
    none); ``median``: the median completed role in whole months (``n/a`` when none ended).
    """
    done = roster[roster["state"].isin(["role", "departure"])].dropna(subset=["months"])
    left = roster[roster["state"] == "departure"]
    who = and_list([f"{p}'s" for p in dict.fromkeys(left["person"])])
    return {
        "roles": str(len(roster)),
        "open": str(int(roster["ongoing"].sum())),
        "by_departure": f"{counted(len(left), 'role')}, {who}" if len(left) else "no role",
        "median": f"{number(done['months'].median(), 0)} months" if len(done) else "n/a",
    }


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
            "opacity": date_known_opacity(rows=rows),
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
    if "state_label" not in rows.columns:  # roles not from tenures(): open or ended by a source
        rows["state_label"] = rows["ongoing"].map({True: ROLE_STATES["open"], False: "Ended"})
    order = rows.sort_values("start")["role"].tolist()
    present = set(rows["state_label"])
    states = [s for s in ROLE_STATES.values() if s in present]  # the legend lists what is drawn
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
                "state_label:N",
                title=None,
                scale=alt.Scale(domain=states, range=[STATE_OPACITY[s] for s in states]),
            ),
            tooltip=[
                alt.Tooltip("person:N", title="Person"),
                alt.Tooltip("title:N", title="Role"),
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip("start:T", title="From", format="%b %Y"),
                alt.Tooltip("until:T", title="To", format="%b %Y"),
                alt.Tooltip("state_label:N", title="Status"),
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
            subtitle=(
                "Pale bars: still in the role at the latest source (drawn to the edition date); "
                "a role ends when its holder left Meta"
            ),
        ),
        description=(
            "Gantt chart of Meta's AI leadership roles: one bar per person and role from start to end, "
            "coloured by family of groups (FAIR, the GenAI-era groups, MSL, other units); roles still "
            "held run to the edition date, and a role ends when its holder left Meta."
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


def restructuring_brief(rows: pd.DataFrame) -> str:
    """Restructurings in a short answer's words: ``August 2025, MSL split ...; March 2026, ...``.

    As :func:`restructuring_list`, without brackets, so it can stand inside a bracket.
    """
    return "; ".join(
        f"{when}, {title}" for when, title in zip(rows["when_text"], rows["title"], strict=True)
    )


def restructuring_list(rows: pd.DataFrame) -> str:
    """Every restructuring in words, oldest first: ``February 2023 (new GenAI group ...), ...``.

    ``rows`` come from :func:`restructurings`; each is named by its date at its precision and
    its title, so the prose names every change a count rests on.
    """
    return "; ".join(
        f"{when} ({title})" for when, title in zip(rows["when_text"], rows["title"], strict=True)
    )


#: Event types that change who leads the AI organisation or how it is built.
STRUCTURE_TYPES = ["formation", "reorganisation", "appointment", "departure"]


def newest_change(events: pd.DataFrame) -> str:
    """The newest change to the lab's leadership or structure (:data:`STRUCTURE_TYPES`) in words.

    ``Applied AI engineering org formed ... (20 May 2026)``; raises ``ValueError`` when the
    events hold none.
    """
    rows = events[events["type"].isin(STRUCTURE_TYPES)].sort_values("date")
    if rows.empty:
        raise ValueError("no formation, reorganisation, appointment or departure in the events")
    last = rows.iloc[-1]
    precision = last.get("date_precision") if pd.notna(last.get("date_precision")) else "day"
    return f"{last['title']} ({fmt_date(last['date'], precision)})"


#: How the events' sources are grouped for the reader, strongest first.
GRADE_GROUPS = {
    "filing": "a filing or a company release or statement",
    "company": "a filing or a company release or statement",
    "news": "news reports or copies of them",
    "syndicated": "news reports or copies of them",
    "reference": "reference pages, newsletters, notes or blogs",
    "note": "reference pages, newsletters, notes or blogs",
    "generated": "AI-written pages",
}


def grade_mix(events: pd.DataFrame, sources: pd.DataFrame) -> str:
    """What the events rest on, by the grade of each event's strongest source.

    ``events`` hold one row per event (:func:`one_per_event`). Returns ``of the 63 events, 0
    rest on a filing or a company release or statement, 40 on news reports or copies of them
    and 23 on reference pages, newsletters, notes or blogs`` (every group named, zero
    included, except AI-written pages when none).
    """
    kinds = dict(zip(sources["source_id"], sources["kind"], strict=True))
    graded = [best_kind(v, kinds) for v in events["source_id"]]
    groups = list(dict.fromkeys(GRADE_GROUPS[k] for k in sorted(KIND_RANK, key=KIND_RANK.get)))
    counts = {g: sum(GRADE_GROUPS.get(k or "", "") == g for k in graded) for g in groups}
    shown = [g for g in groups if counts[g] or g != GRADE_GROUPS["generated"]]
    parts = [f"{counts[g]} on {g}" for g in shown]
    parts[0] = parts[0].replace(" on ", " rest on ", 1)
    return f"of the {len(events)} events, {and_list(parts)}"


def release_named(title: str, releases: pd.DataFrame) -> str | None:
    """The model a launch event's title names: the longest model name the title starts with.

    ``"Muse Spark, first MSL model, debuted"`` -> ``"Muse Spark"`` when ``releases`` (rows of
    ``model_releases``) hold a model of that name; None when none matches. A version after the
    name is part of it: ``"Muse Spark 1.1 listed"`` is not ``"Muse Spark"``.
    """
    names = sorted(set(releases["model"].dropna()), key=len, reverse=True)
    title = str(title)
    # the name must end where the title's name ends: "Muse Spark 1.1 listed" is not Muse Spark
    return next((n for n in names if re.match(rf"{re.escape(n)}(?![\w.]| \d)", title)), None)


def openness(releases: pd.DataFrame, model: str | None, sources: pd.DataFrame) -> str:
    """Whether a model's weights are open, from the strongest ``model_releases`` row stating it.

    ``closed``, ``open-weight`` or ``of unstated openness`` (no row, or no row says); the
    preferred row's weights when it states them, else the next row's (``preferred_filled``).
    """
    rows = releases[releases["model"] == model] if model else releases.iloc[0:0]
    if rows.empty:
        return "of unstated openness"
    best = preferred_filled(rows, ["model"], sources, ["open_weights"]).iloc[0]
    if pd.isna(best["open_weights"]):
        return "of unstated openness"
    return "open-weight" if bool(best["open_weights"]) else "closed"
