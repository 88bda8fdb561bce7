"""Computations and charts of the talent chapter: employer flows, pay reports, retention.

Over 400 lines because the chapter has six analyses on one table family (flows, timing, pay,
tenure, retention and the one-year mark, denials).
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd

from report.data.sourcing import preferred
from report.show.figures import and_list, cardinal, date, fixed, months_between, months_range
from report.show.marks import date_known_opacity, date_spans, date_tooltips, with_date_spans
from report.show.theme import colour_name, present_scale

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


#: Outcomes of a departures row (departures.outcome).
NEVER_JOINED = "never_joined"
#: How the departures chart names each outcome.
OUTCOME_LABELS = {"left": "Left Meta", NEVER_JOINED: "Never started (by Meta's account)"}


def never_joined(departures: pd.DataFrame) -> set[str]:
    """People whom a source says never started the role they were recruited for.

    A person counts as never joined when any of their rows says ``never_joined`` (for Avi Verma
    The Decoder, relaying WIRED, says he spent under a month at Meta; Meta's spokesperson, via
    The Verge, and AIM say he never started: the chapter shows both and counts him apart). A
    table without an ``outcome`` column has no one who never joined.
    """
    if "outcome" not in departures.columns:
        return set()
    return set(departures.loc[departures["outcome"] == NEVER_JOINED, "person"])


def retention(
    hires: pd.DataFrame, departures: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp
) -> pd.DataFrame:
    """Every new recruit of the window, with whether and when they left.

    Recruits are the named hires reported in the window plus departures classed as
    ``new_recruit`` that left within it, or never started, but were never listed as hires (some
    recruits were only named when they left). ``never_joined`` marks a recruit who never started
    (:func:`never_joined`): such a person has ``left`` False and belongs in no leaving rate's
    base. Months to leaving use the joining date where a source gives one, else the date the
    hire was reported; they stay empty when either is unknown.
    """
    absent = never_joined(departures)
    dated = departures.dropna(subset=["left_date"])
    left = (
        pd.concat([dated, departures[departures["left_date"].isna()]])
        .sort_values("left_date", na_position="last", kind="stable")
        .drop_duplicates("person", keep="first")
    )
    recruits = hires[["person", "employer", "date_reported"]].copy()
    extra = left[
        (left["cohort"] == "new_recruit")
        & ~left["person"].isin(recruits["person"])
        & (left["left_date"].between(first, last) | left["person"].isin(absent))
    ]
    recruits = pd.concat(
        [recruits, extra[["person"]].assign(employer=None, date_reported=pd.NaT)], ignore_index=True
    )
    out = recruits.merge(
        left[["person", "left_date", "destination", "joined_date", "source_id"]],
        on="person",
        how="left",
    )
    out["never_joined"] = out["person"].isin(absent)
    out["left"] = out["source_id"].notna() & ~out["never_joined"] & out["left_date"].notna()
    start = out["joined_date"].fillna(out["date_reported"])
    out["months_to_leave"] = pd.Series(
        [
            months_between(s, e) if pd.notna(s) and pd.notna(e) else None
            for s, e in zip(start, out["left_date"], strict=True)
        ],
        dtype="float64",
    )
    return out.drop(columns=["source_id"])


#: Bands of time at Meta before leaving, in months: (label, lowest, highest).
TENURE_BANDS = [
    ("up to 6 months", 0.0, 6.0),
    ("6 months to 2 years", 6.0, 24.0),
    ("over 2 years", 24.0, float("inf")),
]
UNKNOWN_TENURE = "unknown"


def tenure(departures: pd.DataFrame) -> pd.DataFrame:
    """Time at Meta of each person who left (never-joined people left out), as a range in months.

    From every row of a person: the joining and leaving dates at their precisions (a year-only
    joining date covers its whole year, ``figures.months_range``) and the tenure a source states
    in words (``tenure_months_low`` / ``tenure_months_high``). The ranges are intersected, so the
    tightest reading wins; ``low``/``high`` stay empty when nothing bounds them. Returns one row
    per person: ``person``, ``cohort``, ``low``, ``high``, ``band`` (a :data:`TENURE_BANDS` label
    when the whole range fits in one band, else ``unknown``), ``basis`` (what the range rests
    on: ``dates``, ``stated``, ``dates and stated`` or ``none``) and ``text`` (the range in words,
    ``7–20 months``). Raises ``ValueError`` when a
    person's sources contradict each other (ranges that do not overlap).
    """
    absent = never_joined(departures)
    rows = departures[~departures["person"].isin(absent)]
    out = []
    for person, group in rows.groupby("person", sort=True):
        low, high, basis = 0.0, float("inf"), set()
        for r in group.itertuples():
            joined, gone = getattr(r, "joined_date", None), r.left_date
            if pd.notna(joined) and pd.notna(gone):
                lo, hi = months_range(
                    joined, getattr(r, "joined_precision", None), gone, r.date_precision
                )
                low, high = max(low, lo), min(high, hi)
                basis.add("dates")
            stated_low = getattr(r, "tenure_months_low", None)
            stated_high = getattr(r, "tenure_months_high", None)
            if pd.notna(stated_low):
                low = max(low, float(stated_low))
                basis.add("stated")
            if pd.notna(stated_high):
                high = min(high, float(stated_high))
                basis.add("stated")
        if low > high:
            raise ValueError(f"the sources on {person}'s time at Meta contradict each other")
        band = UNKNOWN_TENURE
        if basis:
            band = next(
                (name for name, lo, hi in TENURE_BANDS if low >= lo and high <= hi), UNKNOWN_TENURE
            )
        out.append(
            {
                "person": person,
                "cohort": group["cohort"].iloc[0],
                "low": low if basis else None,
                "high": None if high == float("inf") else high,
                "band": band,
                "basis": " and ".join(sorted(basis)) if basis else "none",
                "text": _range_words(low, high) if basis else "not stated",
            }
        )
    columns = ["person", "cohort", "low", "high", "band", "basis", "text"]
    return pd.DataFrame(out, columns=columns)


def _range_words(low: float, high: float) -> str:
    lo = fixed(low, 0)
    hi = fixed(high, 0) if high != float("inf") else "inf"
    unit = "month" if hi == "1" else "months"
    if high == float("inf"):
        return f"at least {lo} {'month' if lo == '1' else 'months'}"
    if lo == hi:
        return f"about {lo} {unit}"
    if low == 0:
        return f"up to {hi} {unit}"
    return f"{lo}–{hi} months"


def tenure_bands(people: pd.DataFrame) -> pd.DataFrame:
    """People per tenure band, every band listed (zero included) and ``unknown`` last.

    ``people`` come from :func:`tenure`. Returns ``band``, ``people`` and ``names`` (comma-separated).
    """
    order = [name for name, _, _ in TENURE_BANDS] + [UNKNOWN_TENURE]
    counts = []
    for band in order:
        who = people.loc[people["band"] == band, "person"].tolist()
        counts.append({"band": band, "people": len(who), "names": ", ".join(who)})
    return pd.DataFrame(counts)


def tenure_text(bands: pd.DataFrame) -> str:
    """What the tenure bands show, with the base stated.

    ``5 of the 14 who left had been at Meta over 2 years, 2 for 6 months to 2 years and 3 for up
    to 6 months; for 4 our sources give no time at Meta``.
    """
    by = bands.set_index("band")["people"]
    total = int(by.sum())
    known = [(name, int(by[name])) for name, _, _ in TENURE_BANDS][::-1]
    first, *rest = known
    text = f"{first[1]} of the {total} who left had been at Meta {first[0]}"
    parts = [f"{n} for {name}" for name, n in rest]
    text += ", " + " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)
    unknown = int(by[UNKNOWN_TENURE])
    if unknown:
        text += f"; for {unknown} our sources give no time at Meta"
    return text


#: What makes a pay report one fact: who pays and which reported figure it is (``figure`` in
#: ``compensation_reports``). A report and the denial that answers it, or two outlets relaying one
#: story, are one figure, counted and drawn once.
PAY_FACT_KEYS = ["organisation", "figure"]

#: A figure's status is the strongest any of its rows gives: a denial first (it answers the
#: report), then the payer's confirmation, a press report, a third party's claim.
PAY_STATUS_ORDER = ["denied", "company_statement", "press_report", "third_party_claim"]


def pay_figures(reports: pd.DataFrame, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per reported figure (:data:`PAY_FACT_KEYS`), whatever the number of its rows.

    ``reports`` is ``compensation_reports`` (USD millions). The figure keeps its first report's
    ``subject``, ``period_years`` and ``note`` (the first row that states each, in file order
    with denials last), the earliest ``reported_date`` and the latest as ``last_reported`` (a
    denial's date: what a figure's status is as of), every ``source_id`` (joined by ``;``)
    and the strongest ``status`` (:data:`PAY_STATUS_ORDER`); ``rows`` says how many rows it
    rests on. Where its rows disagree on the amount (two outlets' sizes of one offer), the
    amount of the preferred row (``preferred``: strongest source, then newest) is the figure's,
    and the other rows stay in the table of sources that disagree; without ``sources`` that
    raises ``ValueError`` naming the figure.
    """
    if reports.empty:
        return reports.assign(rows=pd.Series(dtype=int))
    ordered = reports.assign(
        _denial=reports["status"].eq("denied"), _order=range(len(reports))
    ).sort_values(["_denial", "_order"])
    out = []
    for (organisation, figure), rows in ordered.groupby(PAY_FACT_KEYS, sort=False):
        first = rows.iloc[0].copy()
        for end in ("low_usd_m", "high_usd_m"):
            if rows[end].nunique(dropna=False) > 1:
                if sources is None:
                    amounts = ", ".join(sorted({str(v) for v in rows[end]}))
                    raise ValueError(
                        f"compensation_reports: figure {figure!r} ({organisation}) has rows that "
                        f"disagree on {end} ({amounts}); pass sources to take the preferred"
                    )
                best = preferred(rows.drop(columns=["_denial", "_order"]), ["figure"], sources)
                first["low_usd_m"] = best["low_usd_m"].iloc[0]
                first["high_usd_m"] = best["high_usd_m"].iloc[0]
        for field in ("period_years", "note"):
            stated = rows[field].dropna()
            if not stated.empty:
                first[field] = stated.iloc[0]
        dates = rows["reported_date"].dropna()
        first["reported_date"] = dates.min() if not dates.empty else pd.NaT
        first["last_reported"] = dates.max() if not dates.empty else pd.NaT
        statuses = set(rows["status"])
        first["status"] = next(s for s in PAY_STATUS_ORDER if s in statuses)
        first["source_id"] = "; ".join(dict.fromkeys(rows["source_id"]))
        first["rows"] = len(rows)
        out.append(first)
    frame = pd.DataFrame(out).drop(columns=["_denial", "_order"]).sort_index().infer_objects()
    frame["reported_date"] = pd.to_datetime(frame["reported_date"])
    frame["last_reported"] = pd.to_datetime(frame["last_reported"])
    return frame.reset_index(drop=True)


def pay_ranges(
    reports: pd.DataFrame, minimum: float, sources: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Reported figures with an amount, high end at least ``minimum`` (USD m), labelled for charting.

    One row per figure (:func:`pay_figures`): a figure two sources report, or a report and its
    denial, is drawn and counted once.
    """
    rows = pay_figures(reports, sources).dropna(subset=["low_usd_m"]).copy()
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
                subtitle="Every named hire, dated or not, by the employer they left",
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
        scale=present_scale(STATUS_LABELS, STATUS_COLOURS, rows["status"]),  # a mark each
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
        height=alt.Step(22),  # a band per report; on a phone, bands grow as labels wrap
        title=alt.Title(
            "Reported pay: Meta's recruits beside other labs' pay",
            subtitle=[
                "Circles: pay reported for Meta's recruits (multi-year totals as reported); "
                "squares: pay at other labs.",
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
    """Departures over time; time at Meta (band and range, where known) in the tooltip.

    A departure known only to the month sits mid-month, paler, over a bar spanning the month.
    """
    absent = never_joined(rows)
    data = with_date_spans(rows.dropna(subset=["left_date"]), "left_date")
    data["destination"] = data["destination"].fillna("not reported")
    data["outcome_label"] = [
        OUTCOME_LABELS[NEVER_JOINED if p in absent else "left"] for p in data["person"]
    ]
    y = alt.Y("person:N", title=None, sort=alt.EncodingSortField("left_date"))
    colour = alt.Color("destination:N", title="Went to")
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=120)
        .encode(
            x=alt.X("when_at:T", title="Left", axis=alt.Axis(format="%b %Y")),
            y=y,
            color=colour,
            opacity=date_known_opacity(rows=data),
            shape=alt.Shape(
                "outcome_label:N",
                title="Outcome",
                scale=alt.Scale(domain=list(OUTCOME_LABELS.values()), range=["circle", "cross"]),
            ),
            tooltip=[
                alt.Tooltip("person:N", title="Person"),
                alt.Tooltip("outcome_label:N", title="Outcome"),
                *date_tooltips("Left"),
                alt.Tooltip("destination:N", title="Went to"),
                *(
                    [alt.Tooltip("time_at_meta:N", title="Time at Meta")]
                    if "time_at_meta" in data.columns
                    else []
                ),
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
            subtitle=(
                "Departures from Meta's AI groups in our sources; pale marks over a bar: month "
                "known only; a cross: a recruit who by Meta's account never started"
            ),
        ),
        description=(
            "Dot chart of departures from Meta's AI groups, coloured by destination; a departure "
            "known only to the month is drawn pale in the middle of a bar spanning that month; a "
            "recruit who by Meta's account never started is drawn as a cross, not as a departure."
        ),
    )


def share_text(count: int, base: int, undated: int = 0) -> str:
    """A share that names its base: ``16 of the 46 (35%; the 46 include 13 with no reported date)``.

    ``undated`` says how many of the base have no reported date (they are counted, not
    dropped). Raises ``ValueError`` when ``base`` is not positive or ``count`` exceeds it.
    """
    if base <= 0 or not 0 <= count <= base:
        raise ValueError(f"a share needs 0 <= count <= base and base > 0 (got {count} of {base})")
    share = f"{fixed(count / base * 100, 0)}%"
    if undated:
        return (
            f"{count} of the {base} ({share}; the {base} include {undated} with no reported date)"
        )
    return f"{count} of the {base} ({share})"


def pay_texts(shown: pd.DataFrame) -> dict[str, str]:
    """What the pay chart's facts say about Meta's offers, counted from the rows it draws.

    ``shown`` comes from :func:`pay_ranges`. Returns ``denied`` (a share with its base,
    :func:`share_text`), ``denied_count`` and ``base`` (Meta's figures drawn), ``confirmed``
    (how many Meta confirmed, in words: ``none of the 15 pay figures reported for Meta's recruits was confirmed by Meta``)
    and ``periods`` (how many of Meta's and of the other labs' figures cover more than a year,
    one year, or no stated period).
    """
    meta = shown[shown["payer"] == "Meta"]
    others = shown[shown["payer"] != "Meta"]
    denied = int((meta["status"] == "denied").sum())
    confirmed = int((meta["status"] == "company_statement").sum())
    base = len(meta)
    about = "pay figures reported for Meta's recruits"
    confirmed_text = (
        f"none of the {base} {about} was confirmed by Meta"
        if confirmed == 0
        else f"{confirmed} of the {base} {about} {'was' if confirmed == 1 else 'were'} "
        "confirmed by Meta"
    )
    return {
        "denied": share_text(denied, base) if base else "none of them",
        "denied_count": str(denied),
        "base": str(base),
        "confirmed": confirmed_text,
        "periods": f"of Meta's {len(meta)}, {_periods(meta)}; of the other labs' {len(others)}, "
        f"{_periods(others)}",
    }


def _periods(rows: pd.DataFrame) -> str:
    years = rows["period_years"]
    return (
        f"{int((years > 1).sum())} cover more than a year, {int((years == 1).sum())} a single "
        f"year and {int(years.isna().sum())} no stated period"
    )


# ---------------------------------------------------------------- when the hires came


def hires_by_year(hires: pd.DataFrame) -> pd.DataFrame:
    """Dated hires per year reported (``year``, ``hires``, ``names``), oldest first."""
    dated = hires.dropna(subset=["date_reported"])
    grouped = dated.groupby(dated["date_reported"].dt.year)["person"]
    return pd.DataFrame(
        {
            "year": grouped.size().index.astype(int),
            "hires": grouped.size().to_numpy(),
            "names": grouped.agg(lambda p: ", ".join(sorted(p))).to_numpy(),
        }
    )


def by_year_text(hires: pd.DataFrame) -> str:
    """``28 reported in 2025 and 5 in 2026`` from :func:`hires_by_year`; ``none dated`` if empty."""
    table = hires_by_year(hires)
    if table.empty:
        return "none dated"
    parts = [f"{n} in {y}" for y, n in zip(table["year"], table["hires"], strict=True)]
    parts[0] = parts[0].replace(" in ", " reported in ", 1)
    return and_list(parts)


def latest_hires(hires: pd.DataFrame) -> dict[str, str]:
    """The newest dated hire(s): ``date`` in words and ``names`` (everyone reported that day)."""
    dated = hires.dropna(subset=["date_reported"])
    if dated.empty:
        return {"date": "n/a", "names": "none"}
    newest = dated["date_reported"].max()
    at = dated[dated["date_reported"] == newest]
    precision = "day"
    if "date_precision" in at and at["date_precision"].notna().any():
        precision = str(at["date_precision"].dropna().iloc[0])
    return {"date": date(newest, precision), "names": and_list(sorted(at["person"]))}


def employers_text(hires: pd.DataFrame) -> str:
    """Employers of ``hires`` with counts, largest first: ``Google DeepMind (7) and Scale AI (6)``."""
    counts = hires.groupby("employer").size().reset_index(name="n")
    counts = counts.sort_values(["n", "employer"], ascending=[False, True])
    return and_list([f"{e} ({n})" for e, n in zip(counts["employer"], counts["n"], strict=True)])


# ---------------------------------------------------------------- who left


def departures_drawn(departures: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """What the departures chart draws: one row per person with a dated row.

    The preferred dated row (strongest source, then the most recent) stands for the person, so
    two sources' dates for one departure are one mark; the other dates stay in the
    disagreements table. A person any source says never started is drawn too, with
    ``outcome`` set to ``never_joined`` whichever row stands for them.
    """
    dated = departures.dropna(subset=["left_date"])
    if dated.empty:
        return dated.copy()
    drawn = preferred(dated, ["person"], sources).sort_values("left_date").reset_index(drop=True)
    if "outcome" in drawn.columns:  # a person any source says never started is drawn as such
        drawn.loc[drawn["person"].isin(never_joined(departures)), "outcome"] = NEVER_JOINED
    return drawn


def departure_counts(departures: pd.DataFrame, sources: pd.DataFrame) -> dict:
    """Who left, counted once each: how many, how many the chart can place, who it cannot.

    ``left``: people who left (never-joined people apart); ``dated``: those of them with a
    date, each a mark in the departures chart; ``undated``: the names of the others;
    ``never_joined``: recruits who never started; ``existing``: those who left and were at
    Meta before the lab (``cohort`` existing_staff in any of their rows).
    """
    absent = never_joined(departures)
    gone = departures[~departures["person"].isin(absent)]
    people = list(dict.fromkeys(sorted(gone["person"])))
    dated = set(gone.dropna(subset=["left_date"])["person"])
    existing = set(gone.loc[gone["cohort"] == "existing_staff", "person"])
    return {
        "left": len(people),
        "dated": len(dated),
        "undated": [p for p in people if p not in dated],
        "never_joined": sorted(absent),
        "existing": len(existing),
    }


def undated_text(names: list[str]) -> str:
    """The departures no source dates, in words: ``2 more (A and B) whom no source dates``."""
    if not names:
        return "every departure has a date in our sources"
    return f"{len(names)} more ({and_list(names)}) whom no source dates"


#: The year of the lab's founding cohort of hires (the mid-2025 recruiting).
COHORT_YEAR = 2025


def cohort(hires: pd.DataFrame, departures: pd.DataFrame, year: int = COHORT_YEAR) -> pd.DataFrame:
    """The named hires first reported in ``year`` (:func:`people`), with whether they left.

    A person counts as having left when a departures row with outcome ``left`` names them and
    no row says they never started; the first dated such row gives when and where. Returns
    ``person``, ``employer``, ``date_reported``, ``left`` and ``left_date``,
    ``date_precision``, ``destination``, ``source_id`` (empty for those with no departure),
    those who left first.
    """
    base = hires[hires["date_reported"].dt.year == year][["person", "employer", "date_reported"]]
    absent = never_joined(departures)
    gone = departures[(departures["outcome"] == "left") & ~departures["person"].isin(absent)]
    gone = gone.sort_values("left_date", na_position="last", kind="stable").drop_duplicates(
        "person"
    )
    columns = ["person", "left_date", "date_precision", "destination", "source_id"]
    out = base.merge(gone[columns], on="person", how="left")
    out["left"] = out["source_id"].notna()
    return out.sort_values(
        ["left", "left_date", "date_reported", "person"], ascending=[False, True, True, True]
    ).reset_index(drop=True)


def cohort_text(
    members: pd.DataFrame,
    undated_hires: int,
    as_of: str,
    year: int = COHORT_YEAR,
    months_after: float | None = None,
) -> str:
    """The one-year mark in words, with its base, as a clause.

    ``1 of the 29 named hires reported in 2025 (3%) had left Meta by 1 May 2026: Ruoming
    Pang``; ``none of the 29 ... is known to have left Meta by ...`` when no one did. When
    ``undated_hires`` hires have no reported date, the text says they are outside the base.
    ``months_after`` (months from the first reported hire to ``as_of``) is said after the
    date, so a reader sees how near the one-year mark the record reaches.
    """
    left = members[members["left"]]
    base = len(members)
    head = f"named hires reported in {year}"
    if months_after is not None:
        as_of = (
            f"{as_of}, {fixed(months_after, 0)} months after the first of them was reported hired"
        )
    if base == 0:
        return f"our sources name no {head}"
    if len(left):
        share = f"{fixed(len(left) / base * 100, 0)}%"
        text = (
            f"{len(left)} of the {base} {head} ({share}) had left Meta by {as_of}: "
            f"{and_list(list(left['person']))}"
        )
    else:
        text = f"none of the {base} {head} is known to have left Meta by {as_of}"
    if undated_hires:
        text += f"; the {undated_hires} hires with no reported date are outside this base"
    return text


def cohort_status(row: pd.Series) -> str:
    """One cohort member's status for the table: ``Left Meta, February 2026, for OpenAI``."""
    if not row["left"]:
        return "No departure in our sources"
    text = "Left Meta"
    if pd.notna(row["left_date"]):
        precision = row["date_precision"] if pd.notna(row["date_precision"]) else "day"
        text += f", {date(row['left_date'], precision)}"
    if pd.notna(row["destination"]):
        text += f", for {row['destination']}"
    return text


def never_joined_sentence(names: list[str]) -> str:
    """The recruits who never started, as a clause counted apart from departures.

    ``one more recruit in our sources (Avi Verma) never started by a source's account and is
    counted apart, not as a departure``; ``no source says a recruit never started`` for none.
    """
    if not names:
        return "no source says a recruit never started"
    who = f"({', '.join(names)})"
    if len(names) == 1:
        return (
            f"one more recruit in our sources {who} never started by a source's account and is "
            "counted apart, not as a departure"
        )
    return (
        f"{cardinal(len(names))} more recruits in our sources {who} never started by a source's "
        "account and are counted apart, not as departures"
    )


def never_started_text(departures: pd.DataFrame, sources: pd.DataFrame) -> str:
    """For each recruit a source says never started, what each side of the record says.

    ``For Avi Verma, The Decoder says they left Meta; World of Software (reprint of The
    Verge) and AIM Media House say they never started`` (publishers from ``sources``), a
    sentence; ``No source in our record says a recruit never started`` when none does.
    """
    absent = never_joined(departures)
    if not absent:
        return "No source in our record says a recruit never started"
    publisher = dict(zip(sources["source_id"], sources["publisher"], strict=True))
    parts = []
    for person in sorted(absent):
        rows = departures[departures["person"] == person]
        said_left = [publisher.get(s, s) for s in rows.loc[rows["outcome"] == "left", "source_id"]]
        said_never = [
            publisher.get(s, s) for s in rows.loc[rows["outcome"] == NEVER_JOINED, "source_id"]
        ]
        text = f"for {person}, "
        if said_left:
            verb = "says" if len(said_left) == 1 else "say"
            text += f"{and_list(list(dict.fromkeys(said_left)))} {verb} they left Meta; "
        verb = "says" if len(said_never) == 1 else "say"
        text += f"{and_list(list(dict.fromkeys(said_never)))} {verb} they never started"
        parts.append(text)
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]
