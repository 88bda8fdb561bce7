"""Releases, sizes, adoption and stances: Meta's open-weight record and what it achieved."""

from __future__ import annotations

import altair as alt
import pandas as pd

from report.data.sourcing import preferred, preferred_filled
from report.show.figures import months_between
from report.show.marks import (
    date_known_opacity,
    date_spans,
    date_tooltips,
    edition_rule,
    top_rows,
    with_date_spans,
)
from report.show.theme import YEAR_AXIS, colour_name, present_scale

STATUS_ORDER = ["released", "delayed", "announced", "internal_only", "shelved"]
STATUS_LABELS = {
    "released": "Released",
    "delayed": "Delayed",
    "announced": "Announced only",
    "internal_only": "Internal only",
    "shelved": "Shelved",
}

#: One shape per status, fixed, so a status keeps its shape whichever others are drawn.
STATUS_SHAPES = dict(
    zip(STATUS_ORDER, ["circle", "square", "diamond", "triangle-up", "cross"], strict=True)
)
STANCE_ORDER = ["open", "mixed", "closed"]
STANCE_COLOURS = ["#009E73", "#E69F00", "#D55E00"]
OPENNESS_COLOURS = {"Open weights": "#009E73", "Closed": "#D55E00"}


def one_per_model(releases: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """One row per (developer, model), the preferred source's.

    A size or licence its row leaves empty comes from the strongest row that states it
    (see ``preferred_filled``).
    """
    out = preferred_filled(
        releases,
        ["developer", "model"],
        sources,
        ["total_params_bn", "active_params_bn", "licence"],
    )
    out["openness"] = out["open_weights"].map({True: "Open weights", False: "Closed"})
    out["status_label"] = out["status"].map(STATUS_LABELS)
    return out.sort_values(["date", "developer", "model"]).reset_index(drop=True)


def select(releases: pd.DataFrame, start: str, include_other_labs: bool) -> pd.DataFrame:
    """Releases from ``start`` (ISO date); Meta's only unless other labs are included."""
    try:
        begin = pd.Timestamp(start)
    except ValueError as exc:
        raise ValueError(f"window_start {start!r} is not an ISO date (YYYY-MM-DD)") from exc
    rows = releases[releases["date"] >= begin]
    if not include_other_labs:
        rows = rows[rows["developer"] == "Meta"]
    return rows.reset_index(drop=True)


def open_flagships(releases: pd.DataFrame, min_params_bn: float) -> pd.DataFrame:
    """Meta's released open-weight models with at least ``min_params_bn`` total parameters."""
    if min_params_bn < 0:
        raise ValueError("flagship_min_params_bn cannot be negative")
    meta = releases[(releases["developer"] == "Meta") & (releases["status"] == "released")]
    flagship = meta[meta["open_weights"].astype(bool) & (meta["total_params_bn"] >= min_params_bn)]
    return flagship.sort_values("date").reset_index(drop=True)


def months_since_last(rows: pd.DataFrame, edition: pd.Timestamp) -> tuple[pd.Series, float]:
    """The latest row by date and the months from its date to the edition date."""
    if rows.empty:
        raise ValueError("no release matches; lower flagship_min_params_bn or check the data")
    last = rows.sort_values(["date", "total_params_bn"]).iloc[-1]  # same day: the larger model
    return last, months_between(last["date"], edition)


def flagship_gaps(flagships: pd.DataFrame, edition: pd.Timestamp) -> pd.DataFrame:
    """Each stretch without a new open-weight flagship, longest first.

    One row per flagship: ``from_model``/``from_date``, the next flagship
    (``to_model``/``to_date``, missing for the latest, whose gap runs to the edition date and
    is ``ongoing``) and the length in ``months``. Flagships on the same day count once.
    """
    if flagships.empty:
        raise ValueError("no release matches; lower flagship_min_params_bn or check the data")
    rows = flagships.sort_values(["date", "total_params_bn"]).drop_duplicates("date", keep="last")
    dates, models = rows["date"].tolist(), rows["model"].tolist()
    out = pd.DataFrame(
        {
            "from_model": models,
            "from_date": dates,
            "to_model": models[1:] + [None],
            "to_date": dates[1:] + [pd.NaT],
        }
    )
    out["ongoing"] = out["to_date"].isna()
    out["months"] = [
        months_between(a, edition if pd.isna(b) else b)
        for a, b in zip(out["from_date"], out["to_date"], strict=True)
    ]
    return out.sort_values(["months", "from_date"], ascending=[False, True]).reset_index(drop=True)


def openness_split(releases: pd.DataFrame, cut: pd.Timestamp) -> pd.DataFrame:
    """Meta's released models before and after ``cut``, counted by openness."""
    meta = releases[(releases["developer"] == "Meta") & (releases["status"] == "released")].copy()
    meta["era"] = meta["date"].map(lambda d: "before" if d < cut else "after")
    counts = meta.groupby(["era", "openness"]).size().unstack(fill_value=0)
    return counts.reindex(index=["before", "after"], columns=list(OPENNESS_COLOURS), fill_value=0)


def adoption_series(
    adoption: pd.DataFrame, metrics: list[str], sources: pd.DataFrame
) -> pd.DataFrame:
    """The named metrics over time, one row per metric and date (preferred source).

    A value repeated by a later source is kept at the date it was first reported: a figure is
    never carried forward to a later date, where it would read as new.
    """
    rows = adoption[adoption["metric"].isin(metrics)]
    best = preferred(rows, ["metric", "date"], sources).sort_values(["metric", "date"])
    return best.drop_duplicates(["metric", "value"], keep="first").reset_index(drop=True)


# ---------------------------------------------------------------- charts


def timeline_chart(rows: pd.DataFrame, edition: pd.Timestamp) -> alt.LayerChart:
    """Releases by developer over time: colour = open or closed, shape = status.

    With very many releases, the latest 150 are drawn.
    """
    rows, _ = top_rows(rows, "date", 150)
    rows = with_date_spans(rows)
    developers = ["Meta"] + sorted(set(rows["developer"]) - {"Meta"})
    x_title = "Release or announcement date"
    y = alt.Y("developer:N", title=None, sort=developers)
    colour = alt.Color(
        "openness:N",
        title="Weights",
        scale=alt.Scale(domain=list(OPENNESS_COLOURS), range=list(OPENNESS_COLOURS.values())),
    )
    shown = [s for s in STATUS_ORDER if s in set(rows["status"])]
    points = (
        alt.Chart(rows)
        .mark_point(filled=True, size=140)
        .encode(
            x=alt.X("when_at:T", title=x_title, axis=YEAR_AXIS),
            y=y,
            color=colour,
            opacity=date_known_opacity(rows=rows),
            shape=alt.Shape(  # a legend lists only the statuses that have a mark
                "status_label:N",
                title="Status",
                sort=[STATUS_LABELS[s] for s in shown],
                scale=present_scale(STATUS_LABELS, list(STATUS_SHAPES.values()), shown),
            ),
            tooltip=[
                alt.Tooltip("model:N", title="Model"),
                alt.Tooltip("developer:N", title="Developer"),
                *date_tooltips(),
                alt.Tooltip("openness:N", title="Weights"),
                alt.Tooltip("status_label:N", title="Status"),
                alt.Tooltip("licence:N", title="Licence"),
                alt.Tooltip("total_params_bn:Q", title="Total parameters (bn)", format=",.0f"),
                alt.Tooltip("source_id:N", title="Source"),
            ],
        )
    )
    return alt.layer(
        date_spans(rows, x_title, y, colour), points, edition_rule(edition)
    ).properties(
        width="container",
        height=max(140, 36 * len(developers)),
        title=alt.Title(
            "Open weights, then closed models, then both",
            subtitle=(
                f"Each mark is a model; {colour_name(OPENNESS_COLOURS['Open weights'])}: weights "
                f"published, {colour_name(OPENNESS_COLOURS['Closed'])}: closed; pale marks "
                "over a bar: month known only"
            ),
        ),
        description=(
            "Timeline of AI model releases by developer, Meta's first, coloured by whether the "
            "weights were published and shaped by status (released, announced, internal, shelved)."
        ),
    )


def sizes_chart(rows: pd.DataFrame) -> alt.LayerChart:
    """Total (and active) parameters over time on a log scale (the 150 largest models at most)."""
    sized, _ = top_rows(rows.dropna(subset=["total_params_bn"]), "total_params_bn", 150)
    sized = with_date_spans(sized)
    sized["who"] = sized["developer"].where(sized["developer"] == "Meta", "Other labs")
    base = alt.Chart(sized).encode(
        x=alt.X("when_at:T", title="Date", axis=YEAR_AXIS),
        color=alt.Color(
            "openness:N",
            title="Weights",
            scale=alt.Scale(domain=list(OPENNESS_COLOURS), range=list(OPENNESS_COLOURS.values())),
        ),
        tooltip=[
            alt.Tooltip("model:N", title="Model"),
            alt.Tooltip("developer:N", title="Developer"),
            *date_tooltips(),
            alt.Tooltip("total_params_bn:Q", title="Total parameters (bn)", format=",.0f"),
            alt.Tooltip("active_params_bn:Q", title="Active per token (bn)", format=",.1f"),
            alt.Tooltip("status_label:N", title="Status"),
        ],
    )
    total = base.mark_point(size=120, filled=True).encode(
        y=alt.Y(
            "total_params_bn:Q", title="Parameters (bn, log scale)", scale=alt.Scale(type="log")
        ),
        shape=alt.Shape(
            "who:N",
            title=None,
            scale=alt.Scale(domain=["Meta", "Other labs"], range=["circle", "square"]),
        ),
        opacity=date_known_opacity(rows=sized),
    )
    spans = date_spans(
        sized,
        "Date",
        alt.Y("total_params_bn:Q"),
        alt.Color(
            "openness:N",
            scale=alt.Scale(domain=list(OPENNESS_COLOURS), range=list(OPENNESS_COLOURS.values())),
        ),
    )
    active = base.mark_rule(strokeDash=[2, 2]).encode(
        y=alt.Y("active_params_bn:Q"), y2="total_params_bn:Q"
    )
    return alt.layer(spans, active, total).properties(
        width="container",
        height=300,
        title=alt.Title(
            "How big the models are",
            subtitle="Points: total parameters; dashed stems reach down to the active parameters of mixture-of-experts models; pale points over a bar: month known only",
        ),
        description=(
            "Scatter chart on a log scale of model sizes in billions of parameters over time, "
            "Meta's and other labs', with mixture-of-experts models showing active parameters."
        ),
    )


def adoption_chart(rows: pd.DataFrame) -> alt.LayerChart:
    """Reported adoption over time: cumulative downloads (a stock) and monthly users (a flow).

    The two never share an axis: downloads on the left, users on the right, each with its own
    scale and unit in its title. Points, not lines: each is a figure as first reported, and a
    later report may repeat an earlier count, so joining them would draw growth no source
    states.
    """

    def points(metric: str, colour: str, title: str, orient: str) -> alt.LayerChart:
        # A figure known only to the month or quarter sits mid-period over a span of it.
        data = with_date_spans(rows[rows["metric"] == metric])
        y = alt.Y("value:Q", title=title, axis=alt.Axis(orient=orient, titleColor=colour))
        drawn = (
            alt.Chart(data)
            .mark_point(size=70, filled=True, color=colour)
            .encode(
                x=alt.X("when_at:T", title="Date", axis=alt.Axis(format="%b %Y")),
                y=y,
                tooltip=[
                    alt.Tooltip("metric:N", title="Metric"),
                    *date_tooltips("First reported"),
                    alt.Tooltip("value:Q", title="Value", format=",.0f"),
                    alt.Tooltip("unit:N", title="Unit"),
                    alt.Tooltip("source_id:N", title="Source"),
                ],
            )
        )
        return alt.layer(date_spans(data, "Date", y, alt.value(colour)), drawn)

    downloads = points(
        "Llama cumulative downloads", "#0072B2", "Cumulative Llama downloads (millions)", "left"
    )
    users = points("Meta AI monthly users", "#E69F00", "Meta AI monthly users (millions)", "right")
    return (
        alt.layer(downloads, users)
        .resolve_scale(y="independent")
        .properties(
            width="container",
            height=260,
            title=alt.Title(
                "What the open era achieved: reported adoption",
                subtitle="Left axis, blue: cumulative Llama downloads. Right axis, orange: Meta AI monthly users. Millions, each point as first reported (a later report may repeat an earlier count). A bar under a point: month or quarter known only.",
            ),
            description=(
                "Dot chart with two axes: reported cumulative Llama downloads (left) and Meta AI "
                "monthly users (right) over time, in millions, each dated when first reported."
            ),
        )
    )


def stances_chart(rows: pd.DataFrame) -> alt.LayerChart:
    """What Meta's leaders said about openness, over time."""
    rows = with_date_spans(rows)
    y = alt.Y("stance:N", title="Stance", sort=STANCE_ORDER)
    colour = alt.Color(
        "stance:N",
        sort=STANCE_ORDER,
        legend=None,
        scale=alt.Scale(domain=STANCE_ORDER, range=STANCE_COLOURS),
    )
    points = (
        alt.Chart(rows)
        .mark_point(filled=True, size=150)
        .encode(
            x=alt.X("when_at:T", title="Date", axis=alt.Axis(format="%b %Y")),
            y=y,
            color=colour,
            opacity=date_known_opacity(rows=rows),
            tooltip=[
                *date_tooltips(),
                alt.Tooltip("speaker:N", title="Who"),
                alt.Tooltip("stance:N", title="Stance"),
                alt.Tooltip("summary:N", title="What was said"),
                alt.Tooltip("source_id:N", title="Source"),
            ],
        )
    )
    return alt.layer(date_spans(rows, "Date", y, colour), points).properties(
        width="container",
        height=180,
        title=alt.Title(
            "What Meta's leaders said about open and closed models",
            subtitle="Each mark is a dated statement; pale marks over a bar: month or year known only",
        ),
        description=(
            "Dot chart of dated statements by Meta and its leaders about open versus closed "
            "models, placed on rows for an open, mixed or closed stance; statements dated only "
            "to a month or year are pale, mid-period, over a bar spanning it."
        ),
    )


def closed_sizes_text(releases: pd.DataFrame) -> str:
    """A sentence on which of Meta's closed models have a size in ``releases`` (one per model).

    ``releases`` is :func:`one_per_model`'s frame. Names each closed Meta model with a stated
    total size (with its status label, e.g. shelved) so the text matches what the sizes chart
    draws; a sentence saying none has one otherwise.
    """
    meta = releases[(releases["developer"] == "Meta") & ~releases["open_weights"].astype(bool)]
    sized = meta.dropna(subset=["total_params_bn"])
    if sized.empty:
        return "None of Meta's closed models has a stated size in our sources."
    names = [
        f"{r.model} ({str(r.status_label).lower()})" if pd.notna(r.status_label) else r.model
        for r in sized.itertuples()
    ]
    others = len(meta) - len(sized)
    verb = "has" if len(names) == 1 else "have"
    rest = (
        f"; the other {others} closed model{'s' if others != 1 else ''} in our sources "
        f"{'have' if others != 1 else 'has'} none"
        if others
        else ""
    )
    return f"Of Meta's closed models, only {' and '.join(names)} {verb} a stated size, drawn here{rest}."
