"""Shared chart layers: events as marks, top rows, the edition and level rules, approximate dates as spans."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from report.data.sourcing import all_ids
from report.show.figures import date as date_words
from report.show.figures import period_of
from report.show.figures import quarter as quarter_words
from report.show.theme import present_scale

#: Most marks a record-level chart draws before it aggregates (keeps pages small as data grows).
MAX_MARKS = 150


#: Most example titles a tooltip lists for an aggregated mark.
MAX_EXAMPLES = 3


def event_marks(
    rows: pd.DataFrame,
    date: str,
    category: str | list[str],
    text: str,
    max_marks: int = MAX_MARKS,
) -> pd.DataFrame:
    """Records for a timeline, aggregated by month and category once there are too many.

    Below ``max_marks`` rows every record is a mark (``count`` 1, ``what`` its text). Above
    it, records are grouped by calendar month and ``category``: ``count`` says how many,
    ``what`` gives a few examples, and ``source_id`` keeps every source so the caption still
    lists exactly the sources of the rows drawn.
    """
    out = rows.copy()
    if len(out) <= max_marks:
        out["count"] = 1
        out["what"] = out[text]
        out["aggregated"] = False
        return out
    out["_month"] = out[date].dt.to_period("M").dt.to_timestamp()
    categories = [category] if isinstance(category, str) else list(category)
    grouped = out.groupby(["_month", *categories], sort=True)
    agg = grouped.agg(
        count=(text, "size"),
        examples=(text, lambda s: "; ".join(list(s)[:MAX_EXAMPLES])),
        source_id=(
            "source_id",
            lambda s: ";".join(sorted(all_ids(s))),
        ),
    ).reset_index()
    agg["what"] = [
        f"{n} records, e.g. {ex}" if n > MAX_EXAMPLES else ex
        for n, ex in zip(agg["count"], agg["examples"], strict=True)
    ]
    agg = agg.rename(columns={"_month": date}).drop(columns="examples")
    agg["aggregated"] = True
    return agg


def top_rows(
    rows: pd.DataFrame, by: str, n: int = 40, ascending: bool = False
) -> tuple[pd.DataFrame, str | None]:
    """At most ``n`` rows, the largest (or smallest) by ``by``; a note when rows were left out."""
    if len(rows) <= n:
        return rows, None
    kept = rows.sort_values(by, ascending=ascending).head(n)
    return (
        kept,
        f"Showing the {n} {'smallest' if ascending else 'largest'} of {len(rows)} by {by.replace('_', ' ')}.",
    )


def edition_rule(edition: pd.Timestamp) -> alt.Chart:
    """A dashed vertical rule at the edition date, for timelines."""
    return (
        alt.Chart(pd.DataFrame({"edition": [edition]}))
        .mark_rule(strokeDash=[3, 3], color="#888888")
        .encode(
            x="edition:T",
            tooltip=[alt.Tooltip("edition:T", title="Edition date", format="%d %b %Y")],
        )
    )


def level_rule(value: float, label: str, title: str = "USD bn") -> alt.Chart:
    """A dashed horizontal rule at ``value`` (a threshold or a previous level), with a tooltip."""
    return (
        alt.Chart(pd.DataFrame([{"level": value, "label": label}]))
        .mark_rule(strokeDash=[4, 3], color="#777777")
        .encode(
            y="level:Q",
            tooltip=[
                alt.Tooltip("label:N", title=""),
                alt.Tooltip("level:Q", title=title, format=",.1f"),
            ],
        )
    )


#: What a row's ``date_precision`` means on a chart, in the words of the legend and tooltip.
DATE_KNOWN = {
    "day": "exact day",
    "month": "month only",
    "quarter": "quarter only",
    "year": "year only",
}


#: Opacity of a mark by how precisely its date is known (an approximate date is drawn paler).
DATE_KNOWN_OPACITY = [0.95, 0.55, 0.55, 0.55]


def with_date_spans(
    rows: pd.DataFrame, date: str = "date", precision: str | None = "date_precision"
) -> pd.DataFrame:
    """A copy of ``rows`` with what a chart needs to draw vague dates honestly.

    Adds ``when_from`` and ``when_to`` (the first and last day of the period the date stands
    for: the day itself, its month, quarter or year), ``when_at`` (where a point is placed: the
    day itself, else the middle of the period, so a month- or year-only date never sits on the
    1st), ``when_text`` (the date in words at its precision, ``August 2025``) and
    ``date_known`` (``exact day`` | ``month only`` | ``quarter only`` | ``year only``). A row
    with no precision is taken to be exact to the day; a row with no date keeps empty values.
    Raises ``ValueError`` for a precision outside :data:`DATE_KNOWN`.
    """
    out = rows.copy()
    when = pd.to_datetime(out[date], errors="coerce")
    given = (
        out[precision].fillna("day").astype(str)
        if precision is not None and precision in out.columns
        else pd.Series("day", index=out.index)
    )
    unknown = sorted(set(given) - set(DATE_KNOWN))
    if unknown:
        raise ValueError(f"unknown date precision(s) {unknown}; expected one of {list(DATE_KNOWN)}")
    starts, ends = [], []
    for stamp, level in zip(when, given, strict=True):
        first, last = period_of(stamp, level) if pd.notna(stamp) else (pd.NaT, pd.NaT)
        starts.append(first)
        ends.append(last)
    out["when_from"] = pd.to_datetime(pd.Series(starts, index=out.index, dtype="object"))
    out["when_to"] = pd.to_datetime(pd.Series(ends, index=out.index, dtype="object"))
    middle = out["when_from"] + (out["when_to"] - out["when_from"]) / 2
    out["when_at"] = when.where(given == "day", middle.dt.normalize())
    out["when_text"] = [
        date_words(s, p) if pd.notna(s) else "undated" for s, p in zip(when, given, strict=True)
    ]
    out["date_known"] = given.map(DATE_KNOWN).where(when.notna(), None)
    return out


def date_known_opacity(
    title: str = "Date known to", rows: pd.DataFrame | None = None
) -> alt.Opacity:
    """Opacity keyed on ``date_known`` (from :func:`with_date_spans`), with a legend.

    Given the chart's ``rows``, the legend lists only the precisions they hold (a legend entry
    with no mark is a promise the chart does not keep), each at its fixed opacity.
    """
    scale = alt.Scale(domain=list(DATE_KNOWN.values()), range=DATE_KNOWN_OPACITY)
    if rows is not None and "date_known" in rows:
        scale = present_scale(DATE_KNOWN, DATE_KNOWN_OPACITY, rows["date_known"].dropna())
    return alt.Opacity("date_known:N", title=title, scale=scale, legend=alt.Legend(orient="bottom"))


def date_tooltips(title: str = "Date") -> list[alt.Tooltip]:
    """Tooltips for a vague date: the date in words and how precisely it is known."""
    return [
        alt.Tooltip("when_text:N", title=title),
        alt.Tooltip("date_known:N", title="Date known to"),
    ]


def date_spans(rows: pd.DataFrame, x_title: str, y: Any = None, color: Any = None) -> alt.Chart:
    """A thin bar over the whole month, quarter or year of every row not dated to the day.

    ``rows`` come from :func:`with_date_spans`; ``x_title`` is the title of the points' time
    axis (the layers share it); ``y`` and ``color`` are the encodings of the points they sit behind (a channel or a value), so each span lies on its point's row. Drawn
    under the points, the span shows where in time the event may fall.
    """
    vague = rows[rows["date_known"].notna() & (rows["date_known"] != DATE_KNOWN["day"])]
    encoding: dict[str, Any] = {
        "x": alt.X("when_from:T", title=x_title),
        "x2": "when_to:T",
        "tooltip": [*date_tooltips(), alt.Tooltip("source_id:N", title="Source")]
        if "source_id" in vague.columns
        else date_tooltips(),
    }
    if y is not None:
        encoding["y"] = y
    if color is not None:
        encoding["color"] = color
    return (
        alt.Chart(vague)
        .mark_rule(strokeWidth=4, opacity=0.35, strokeCap="round")
        .encode(**encoding)
    )


def quarter_bars(
    rows: pd.DataFrame,
    series: str,
    order: list[str],
    *,
    y_title: str,
    series_title: str,
    tooltip: list[alt.Tooltip] = (),
) -> alt.Chart:
    """Grouped bars per quarter (``quarter`` like ``2026Q2``), one bar per ``series`` value.

    Quarters run in time order and are labelled as the prose names them (``Q2 2026``); the
    series keep ``order`` in bars, colours and legend. ``tooltip`` adds fields after the
    quarter, the series and the amount (``usd_bn``, USD bn). Title and description are the
    caller's (``.properties``).
    """
    data = rows.sort_values("quarter").assign(label=lambda d: d["quarter"].map(quarter_words))
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("label:O", title="Quarter", sort=list(data["label"].drop_duplicates())),
            xOffset=alt.XOffset(f"{series}:N", sort=order),
            y=alt.Y("usd_bn:Q", title=y_title),
            color=alt.Color(f"{series}:N", title=None, sort=order, scale=alt.Scale(domain=order)),
            tooltip=[
                alt.Tooltip("label:N", title="Quarter"),
                alt.Tooltip(f"{series}:N", title=series_title),
                alt.Tooltip("usd_bn:Q", title="USD bn", format=",.2f"),
                *tooltip,
            ],
        )
        .properties(width="container", height=270)
    )
