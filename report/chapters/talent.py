"""Computations and charts of the talent chapter: employer flows, pay reports, retention."""

from __future__ import annotations

import re

import altair as alt
import pandas as pd

from report.charts import (
    colour_name,
    date_known_opacity,
    date_spans,
    date_tooltips,
    with_date_spans,
)
from report.figures import months_between

STATUS_LABELS = {
    "company_statement": "Confirmed by the payer",
    "press_report": "Press report (unconfirmed)",
    "third_party_claim": "Claim by a third party",
    "denied": "Denied by company or person",
}
STATUS_COLOURS = ["#009E73", "#0072B2", "#E69F00", "#D55E00"]
OTHER = "Other"


def employer_of(text: str) -> str:
    """The organisation in a source's description of a previous employer.

    ``"OpenAI (Zurich office)"`` -> ``"OpenAI"``; ``"Vercept (co-founder; ...)"`` -> ``"Vercept"``.
    """
    name = re.split(r"\s*[(;,]", str(text).strip(), maxsplit=1)[0].strip()
    if not name:
        raise ValueError(f"no employer name in {text!r}")
    return name


def parse_window(start: str, end: str, edition: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The date window from two ISO strings; an empty end means the edition date."""
    try:
        first = pd.Timestamp(start)
        last = pd.Timestamp(end) if end else edition
    except ValueError as exc:
        raise ValueError(
            f"window_start/window_end must be ISO dates, got {start!r}, {end!r}"
        ) from exc
    if first > last:
        raise ValueError(f"window_start {start} is after window_end {last:%Y-%m-%d}")
    return first, last


def people(hires: pd.DataFrame) -> pd.DataFrame:
    """One row per person hired: earliest reported date, first source; employer normalised."""
    rows = hires.sort_values(["person", "date_reported"], na_position="last")
    rows = rows.drop_duplicates("person", keep="first").copy()
    rows["employer"] = rows["previous_employer"].map(employer_of)
    return rows.reset_index(drop=True)


def in_window(hires: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
    """Hires reported within the window (undated hires are excluded; count them separately)."""
    dated = hires.dropna(subset=["date_reported"])
    return dated[(dated["date_reported"] >= first) & (dated["date_reported"] <= last)].reset_index(
        drop=True
    )


def employer_flows(hires: pd.DataFrame, top: int) -> pd.DataFrame:
    """Hires per previous employer: the ``top`` largest, the rest grouped as "Other".

    Ties at the cut-off are broken alphabetically, so the result is deterministic.
    """
    if top < 1:
        raise ValueError("top_employers must be at least 1")
    counts = (
        hires.groupby("employer")
        .size()
        .reset_index(name="hires")
        .sort_values(["hires", "employer"], ascending=[False, True])
        .reset_index(drop=True)
    )
    kept = counts.head(top).copy()
    rest = counts.iloc[top:]
    if not rest.empty:
        kept = pd.concat(
            [kept, pd.DataFrame([{"employer": OTHER, "hires": int(rest["hires"].sum())}])],
            ignore_index=True,
        )
    kept["group_of"] = [", ".join(rest["employer"]) if e == OTHER else e for e in kept["employer"]]
    kept["share"] = kept["hires"] / kept["hires"].sum()
    return kept


def group_employers(hires: pd.DataFrame, flows: pd.DataFrame) -> pd.Series:
    """Each hire's employer, or "Other" if it was grouped in ``flows``."""
    named = set(flows["employer"]) - {OTHER}
    return hires["employer"].where(hires["employer"].isin(named), OTHER)


def retention(
    hires: pd.DataFrame, departures: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp
) -> pd.DataFrame:
    """Every new recruit of the window, with whether and when they left.

    Recruits are the named hires reported in the window plus departures classed as
    ``new_recruit`` that left within it but were never listed as hires (some recruits were
    only named when they left). Months to leaving use the joining date where a source gives
    one, else the date the hire was reported; they stay empty when either is unknown.
    """
    left = departures.sort_values("left_date").drop_duplicates("person", keep="first")
    recruits = hires[["person", "employer", "date_reported"]].copy()
    extra = left[
        (left["cohort"] == "new_recruit")
        & ~left["person"].isin(recruits["person"])
        & left["left_date"].between(first, last)
    ]
    recruits = pd.concat(
        [recruits, extra[["person"]].assign(employer=None, date_reported=pd.NaT)], ignore_index=True
    )
    out = recruits.merge(
        left[["person", "left_date", "destination", "joined_date", "source_id"]],
        on="person",
        how="left",
    )
    out["left"] = out["source_id"].notna()
    start = out["joined_date"].fillna(out["date_reported"])
    out["months_to_leave"] = pd.Series(
        [
            months_between(s, e) if pd.notna(s) and pd.notna(e) else None
            for s, e in zip(start, out["left_date"], strict=True)
        ],
        dtype="float64",
    )
    return out.drop(columns=["source_id"])


def pay_ranges(reports: pd.DataFrame, minimum: float) -> pd.DataFrame:
    """Reports with a figure, high end at least ``minimum`` (USD m), with labels for charting."""
    rows = reports.dropna(subset=["low_usd_m"]).copy()
    rows["high_usd_m"] = rows["high_usd_m"].fillna(rows["low_usd_m"])
    rows = rows[rows["high_usd_m"] >= minimum].copy()
    rows["status_label"] = rows["status"].map(STATUS_LABELS)
    rows["period"] = rows["period_years"].map(
        lambda y: "period not stated" if pd.isna(y) else f"over {y:g} year{'s' if y != 1 else ''}"
    )
    rows["payer"] = rows["organisation"].where(
        rows["organisation"] == "Meta", "Other labs (reference)"
    )
    rows["label"] = rows["subject"].str.slice(0, 60)
    return rows.sort_values(["payer", "high_usd_m"], ascending=[True, False]).reset_index(drop=True)


# ---------------------------------------------------------------- charts


def flows_chart(flows: pd.DataFrame) -> alt.Chart:
    """Hires by previous employer."""
    order = flows["employer"].tolist()
    return (
        alt.Chart(flows)
        .mark_bar(color="#0072B2")
        .encode(
            y=alt.Y("employer:N", title=None, sort=order),
            x=alt.X(
                "hires:Q", title="Named hires (count)", axis=alt.Axis(tickMinStep=1, format="d")
            ),
            tooltip=[
                alt.Tooltip("employer:N", title="Previous employer"),
                alt.Tooltip("hires:Q", title="Hires"),
                alt.Tooltip("share:Q", title="Share", format=".0%"),
                alt.Tooltip("group_of:N", title="Includes"),
            ],
        )
        .properties(
            width="container",
            height=max(160, 34 * len(flows)),
            title=alt.Title(
                "Where Meta's AI hires came from",
                subtitle="Named hires in the window, by the employer they left",
            ),
            description="Horizontal bar chart counting Meta's named AI hires by previous employer.",
        )
    )


def hires_over_time_chart(hires: pd.DataFrame) -> alt.Chart:
    """Hires reported per month, stacked by (grouped) previous employer."""
    rows = hires.copy()
    rows["month"] = rows["date_reported"].dt.to_period("M").dt.to_timestamp()
    counts = (
        rows.groupby(["month", "employer_group"])
        .agg(hires=("person", "size"), names=("person", lambda s: ", ".join(sorted(s))))
        .reset_index()
    )
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(month):O", title="Month reported"),
            y=alt.Y(
                "hires:Q", title="Named hires (count)", axis=alt.Axis(tickMinStep=1, format="d")
            ),
            color=alt.Color("employer_group:N", title="Previous employer"),
            tooltip=[
                alt.Tooltip("yearmonth(month):T", title="Month", format="%B %Y"),
                alt.Tooltip("employer_group:N", title="From"),
                alt.Tooltip("hires:Q", title="Hires"),
                alt.Tooltip("names:N", title="Who"),
            ],
        )
        .properties(
            width="container",
            height=260,
            title=alt.Title("When the hires were reported", subtitle="Named hires per month"),
            description="Stacked bar chart of Meta's named AI hires per month reported, by previous employer.",
        )
    )


def pay_chart(rows: pd.DataFrame) -> alt.LayerChart:
    """Reported pay as ranges on a log scale, coloured by how firm the report is.

    Meta's reports come first; other labs' pay (the reference points) is drawn with squares.
    """
    colour = alt.Color(
        "status_label:N",
        title="What the figure is",
        scale=alt.Scale(domain=list(STATUS_LABELS.values()), range=STATUS_COLOURS),
        legend=alt.Legend(columns=2),
    )
    order = rows.sort_values(["payer", "high_usd_m"], ascending=[True, False])["label"].tolist()
    x_scale = alt.Scale(type="log")
    base = alt.Chart(rows).encode(
        y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=360)),
        color=colour,
        tooltip=[
            alt.Tooltip("subject:N", title="About"),
            alt.Tooltip("organisation:N", title="Paid by"),
            alt.Tooltip("low_usd_m:Q", title="Low (USD m)", format=",.0f"),
            alt.Tooltip("high_usd_m:Q", title="High (USD m)", format=",.0f"),
            alt.Tooltip("period:N", title="Period"),
            alt.Tooltip("status_label:N", title="Status"),
            alt.Tooltip("reported_date:T", title="Reported", format="%d %b %Y"),
            alt.Tooltip("note:N", title="Note"),
        ],
    )
    ranges = base.mark_rule(strokeWidth=3).encode(
        x=alt.X("low_usd_m:Q", title="Reported figure (USD m, log scale)", scale=x_scale),
        x2="high_usd_m:Q",
    )
    lows = base.mark_point(filled=True, size=60).encode(
        x=alt.X("low_usd_m:Q", scale=x_scale),
        shape=alt.Shape(
            "payer:N",
            title="Paid by",
            scale=alt.Scale(domain=["Meta", "Other labs (reference)"], range=["circle", "square"]),
        ),
    )
    highs = base.mark_point(filled=True, size=60).encode(
        x=alt.X("high_usd_m:Q", scale=x_scale),
        shape=alt.Shape("payer:N"),
    )
    return (ranges + lows + highs).properties(
        width="container",
        height=max(220, 22 * len(rows)),
        title=alt.Title(
            "Reported pay: Meta's offers beside other labs' pay",
            subtitle=[
                "Circles: Meta's offers (multi-year totals as reported); squares: pay at other labs.",
                "Periods differ (see tooltips). "
                f"{colour_name(STATUS_COLOURS[3]).capitalize()}: denied by the company or the person.",
            ],
        ),
        description=(
            "Range chart on a log scale of reported pay packages for Meta's AI hires and "
            "reference pay at other labs, coloured by whether the figure was confirmed, "
            "reported, claimed by a third party or denied."
        ),
    )


def departures_chart(rows: pd.DataFrame) -> alt.LayerChart:
    """Departures over time; known months at Meta as the tooltip.

    A departure known only to the month sits mid-month, paler, over a bar spanning the month.
    """
    data = with_date_spans(rows.dropna(subset=["left_date"]), "left_date")
    data["destination"] = data["destination"].fillna("not reported")
    y = alt.Y("person:N", title=None, sort=alt.EncodingSortField("left_date"))
    colour = alt.Color("destination:N", title="Went to")
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=120)
        .encode(
            x=alt.X("when_at:T", title="Left", axis=alt.Axis(format="%b %Y")),
            y=y,
            color=colour,
            opacity=date_known_opacity(),
            tooltip=[
                alt.Tooltip("person:N", title="Person"),
                *date_tooltips("Left"),
                alt.Tooltip("destination:N", title="Went to"),
                alt.Tooltip("months_at_meta:Q", title="Months at Meta (where known)", format=".0f"),
                alt.Tooltip("note:N", title="Note"),
                alt.Tooltip("source_id:N", title="Source"),
            ],
        )
    )
    return alt.layer(date_spans(data, "Left", y, colour), points).properties(
        width="container",
        height=max(200, 24 * len(data)),
        title=alt.Title(
            "Who left, when, and for where",
            subtitle="Departures from Meta's AI groups in our sources; pale marks over a bar: month known only",
        ),
        description=(
            "Dot chart of departures from Meta's AI groups, coloured by destination; a departure "
            "known only to the month is drawn pale in the middle of a bar spanning that month."
        ),
    )


def share_text(count: int, base: int, undated: int = 0) -> str:
    """A share that names its base: ``16 of the 46 (35%), 13 of them undated``.

    ``undated`` says how many of the base have no reported date (they are counted, not
    dropped). Raises ``ValueError`` when ``base`` is not positive or ``count`` exceeds it.
    """
    if base <= 0 or not 0 <= count <= base:
        raise ValueError(f"a share needs 0 <= count <= base and base > 0 (got {count} of {base})")
    text = f"{count} of the {base} ({count / base:.0%})"
    if undated:
        text += f", {undated} of whom have no reported date"
    return text
