"""Did the lab catch up? The words, table and chart of the snapshots (:mod:`.frontier`).

Over 400 lines because the texts, the table and the charts of one section share its wording.
"""

from __future__ import annotations

import html

import altair as alt
import pandas as pd

from report.chapters.open_source.frontier import (
    MEASURE_ORDER,
    SERIES_KEYS,
    SNAPSHOT_KEYS,
    frontier_snapshots,
    in_order,
    newest,
    rescored,
    unscored,
)
from report.data.sourcing import all_ids
from report.show.figures import date as date_words
from report.show.figures import number, ordinal, short_date
from report.show.marks import (
    DATE_KNOWN,
    DATE_KNOWN_OPACITY,
    date_spans,
    date_tooltips,
    with_date_spans,
)
from report.show.tables import link, table_html
from report.show.theme import PALETTE, YEAR_AXIS

#: How a sentence names each measure (with its article).
MEASURE_WORDS = {
    "Artificial Analysis Intelligence Index": "the Artificial Analysis index",
    "LMArena text arena": "the LMArena text arena",
    "GPQA Diamond (Epoch AI)": "Epoch AI's GPQA Diamond runs",
}


#: The title of each measure's panel and table rows.
MEASURE_TITLES = {
    "Artificial Analysis Intelligence Index": "Artificial Analysis Intelligence Index",
    "LMArena text arena": "LMArena text arena",
    "GPQA Diamond (Epoch AI)": "GPQA Diamond, run by Epoch AI",
}


def value_text(value: float, unit: str) -> str:
    """A score in its unit: ``56.76`` index points, ``1489`` Elo, ``0.670`` -> ``67.0%``."""
    if unit == "fraction correct":
        return f"{number(value * 100, 1)}%"
    if unit == "Elo":
        return number(value, 0)
    return number(value, 2)


def gap_text(gap: float, unit: str) -> str:
    """A gap in words, Meta as the subject: ``6.3 points behind``, ``14 Elo points ahead``."""
    if unit == "fraction correct":
        size, what = number(abs(gap) * 100, 1), "percentage points"
    elif unit == "Elo":
        size, what = number(abs(gap), 0), "Elo points"
    else:
        size, what = number(abs(gap), 1), "points"
    if float(size.replace(",", "")) == 0:
        return "level"
    return f"{size} {what} {'behind' if gap > 0 else 'ahead'}"


def measure_text(row: pd.Series) -> str:
    """``the Artificial Analysis index (v4.1)``: a measure with its version or method."""
    return f"{MEASURE_WORDS[row['measure']]} ({row['measure_version']})"


def rank_text(row: pd.Series) -> str:
    """Meta's place by lab in one snapshot: ``seventh of the 9 labs read``.

    From ``labs_ahead`` and ``labs_read`` (:func:`frontier_snapshots`); ``first`` when no other
    lab's best scored higher (a tie is not a lead, see ``meta_leads``).
    """
    return f"{ordinal(int(row['labs_ahead']) + 1)} of the {int(row['labs_read'])} labs read"


def frontier_gap_text(row: pd.Series) -> str:
    """The landing page's figure, as a phrase.

    ``6.3 points behind on the Artificial Analysis index (v4.1), 22 Aug 2026, seventh of the 9
    labs read``: the version without its re-scoring date (the chapter gives it), the reading's
    own day, and Meta's place by lab, so the distance to the leader does not hide
    how many labs stand between.
    """
    when = short_date(row["snapshot_date"])
    version = str(row["measure_version"]).split(",")[0]  # "v4.1, re-scored 7 Aug 2026" -> "v4.1"
    measure = f"{MEASURE_WORDS[row['measure']]} ({version})"
    return f"{gap_text(row['gap'], row['unit'])} on {measure}, {when}, {rank_text(row)}"


def snapshot_sentence(row: pd.Series) -> str:
    """One snapshot in words: Meta's best, the best of another lab, and the distance."""
    when = date_words(row["snapshot_date"], row["date_precision"])
    unit = row["unit"]
    distance = gap_text(row["gap"], unit)
    if distance == "level":
        distance = "level with"
    elif distance.endswith("ahead"):
        distance += " of"
    return (
        f"{row['meta_model']}, Meta's best model on {measure_text(row)} of {when}, scored "
        f"{value_text(row['meta_value'], unit)}: {distance} {row['rival_model']} from "
        f"{row['rival_developer']}, at {value_text(row['rival_value'], unit)}; Meta was "
        f"{rank_text(row)}"
    )


def led_text(snapshots: pd.DataFrame) -> str:
    """Whether Meta's best led any snapshot: ``none of the 17 snapshots``, or which it led."""
    led = snapshots[snapshots["meta_leads"]]
    total = len(snapshots)
    if led.empty:
        return f"none of the {total} snapshots"
    which = "; ".join(
        f"{r.meta_model} on {measure_text(pd.Series(r._asdict()))}, "
        f"{date_words(r.snapshot_date, r.date_precision)}"
        for r in led.itertuples()
    )
    return f"{len(led)} of the {total} snapshots ({which})"


def series_trends(snapshots: pd.DataFrame) -> list[str]:
    """For each series with two or more snapshots: its first and its latest gap, in words."""
    out = []
    for (measure, version), rows in in_order(snapshots).groupby(SERIES_KEYS, sort=False):
        if len(rows) < 2:
            continue
        rows = rows.sort_values("snapshot_date")
        first, last = rows.iloc[0], rows.iloc[-1]
        out.append(
            f"from {gap_text(first['gap'], first['unit'])} "
            f"({date_words(first['snapshot_date'], 'month')}) to "
            f"{gap_text(last['gap'], last['unit'])} "
            f"({date_words(last['snapshot_date'], 'month')}) on {MEASURE_WORDS[measure]} "
            f"({version})"
        )
    return out


def rescored_text(pair: pd.Series | None) -> str:
    """``Muse Spark scored 52.15 on 15 June 2026 (v4.0) and 43.06 on 16 June 2026 (v4.1)``."""
    if pair is None:
        return "no model of Meta's was read in two versions of one measure"
    unit = pair["unit"]
    return (
        f"{pair['model']} scored {value_text(pair['before_value'], unit)} on "
        f"{date_words(pair['before_date'])} ({pair['before_version']}) and "
        f"{value_text(pair['after_value'], unit)} on {date_words(pair['after_date'])} "
        f"({pair['after_version']})"
    )


def variant_effect(scores: pd.DataFrame) -> list[str]:
    """Snapshots where counting an unreleased variant changes Meta's best, in words."""
    without = frontier_snapshots(scores, count_unreleased=False)
    with_ = frontier_snapshots(scores, count_unreleased=True)
    both = without.merge(with_, on=[*SNAPSHOT_KEYS, "source_id"], suffixes=("", "_with"))
    changed = both[both["meta_model"] != both["meta_model_with"]]
    return [
        f"on {measure_text(r)} of {date_words(r['snapshot_date'], r['date_precision'])}, "
        f"{r['meta_model_with']} would put Meta {gap_text(r['gap_with'], r['unit'])}, not "
        f"{gap_text(r['gap'], r['unit'])}"
        for _, r in changed.iterrows()
    ]


def _and(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``; ``none`` for no item."""
    if not items:
        return "none"
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def frontier_texts(snapshots: pd.DataFrame) -> dict[str, str]:
    """What the chapter glues about the gap, all from the snapshots the chart draws.

    ``frontier_gap`` (and ``frontier_gap-as-of``) is the landing page's figure: the newest
    snapshot's distance, naming the measure, its version and the month.
    """
    latest = newest(snapshots)
    first = snapshots["snapshot_date"].min()
    return {
        "frontier_gap": frontier_gap_text(latest),
        "frontier_gap-as-of": date_words(latest["snapshot_date"], latest["date_precision"]),
        "frontier_latest": snapshot_sentence(latest),
        "frontier_led": led_text(snapshots),
        "frontier_span": f"{date_words(first, 'month')} to "
        f"{date_words(latest['snapshot_date'], 'month')}",
        "frontier_trends": "; ".join(series_trends(snapshots)),
    }


def limits_texts(
    scores: pd.DataFrame, releases: pd.DataFrame, formed: pd.Timestamp
) -> dict[str, str]:
    """What the chapter's limits glue: cut-off, versions, models never scored, a re-score."""
    aa = scores[scores["measure"] == MEASURE_ORDER[0]]
    arena = scores[scores["measure"] == MEASURE_ORDER[1]]
    newest_row = scores.sort_values("reading_date").iloc[-1]
    return {
        "scores_cutoff": date_words(newest_row["reading_date"], newest_row["date_precision"]),
        "scores_aa_versions": str(aa["measure_version"].nunique()),
        "scores_arena_methods": str(arena["measure_version"].nunique()),
        "scores_unscored": _and(unscored(releases, scores, ["released"], formed)),
        "scores_shelved": _and(unscored(releases, scores, ["shelved"], None)),
        "scores_rescored": rescored_text(rescored(scores)),
    }


def variant_note(scores: pd.DataFrame, counted: bool) -> str:
    """A sentence on readings of unreleased variants: which, whether counted, what they change."""
    variants = scores[scores["unreleased_variant"].astype(bool)]
    if variants.empty:
        return "No reading in our data is of a model its lab never released."
    models = list(dict.fromkeys(variants["model"]))
    policy = (
        "counted as its lab's best in the chart and table, as this edition's parameter "
        "count_unreleased_variants asks"
        if counted
        else "kept in the data but not counted as its lab's best (parameter "
        "count_unreleased_variants)"
    )
    effect = variant_effect(scores)
    if len(models) == 1:
        said = (
            f"One model in the readings was never released to the public: {models[0]}, a "
            f"variant entered in an arena and tuned for it. It is {policy}."
        )
    else:
        said = (
            f"{len(models)} models in the readings were never released to the public: "
            f"{_and(models)}, variants entered in an arena and tuned for it. They are {policy}."
        )
    they = "it" if len(models) == 1 else "they"
    if not effect:
        return f"{said} Counted, {they} would change no snapshot."
    which = "this snapshot" if len(effect) == 1 else f"{len(effect)} snapshots"
    return f"{said} Counted, {they} would change {which}: {'; '.join(effect)}."


def snapshots_table_html(snapshots: pd.DataFrame, sources: pd.DataFrame) -> str:
    """The readings behind the chart: per snapshot, Meta's best, the best rival and the gap."""
    by_id = sources.set_index("source_id")

    def cite(ids: str) -> str:
        parts = []
        for sid in all_ids([ids]):
            url, publisher = by_id.loc[sid, "url"], by_id.loc[sid, "publisher"]
            web = str(url).startswith(("http://", "https://"))
            parts.append(link(url, publisher) if web else html.escape(publisher))
        return "; ".join(parts)

    rows = snapshots.copy()
    rows["series"] = [
        f"{MEASURE_TITLES[m]} ({v})"
        for m, v in zip(rows.measure, rows.measure_version, strict=True)
    ]
    rows["when"] = [
        date_words(d, p) for d, p in zip(rows.snapshot_date, rows.date_precision, strict=True)
    ]
    rows["meta"] = [
        f"{m}: {value_text(v, u)}"
        for m, v, u in zip(rows.meta_model, rows.meta_value, rows.unit, strict=True)
    ]
    rows["rival"] = [
        f"{m} ({d}): {value_text(v, u)}"
        for m, d, v, u in zip(
            rows.rival_model, rows.rival_developer, rows.rival_value, rows.unit, strict=True
        )
    ]
    rows["gap_words"] = [gap_text(g, u) for g, u in zip(rows.gap, rows.unit, strict=True)]
    rows["source"] = [
        cite("; ".join(all_ids([s, v])))
        for s, v in zip(rows["source_id"], rows["support_source_id"], strict=True)
    ]
    columns = {
        "series": "Measure (version or method)",
        "when": "Date",
        "meta": "Meta's best",
        "rival": "Best model of another lab",
        "gap_words": "Meta's distance",
        "source": "Source",
    }
    return table_html(
        rows,
        columns,
        raw_html=["source"],
        caption="Meta's best model against the best of other labs, one row per snapshot",
        max_rows=40,
    )


def gap_points(snapshots: pd.DataFrame) -> pd.DataFrame:
    """What the gap chart draws: one row per snapshot.

    The gap is in the unit its axis shows (percentage points for a share of questions answered
    correctly), with the words of its tooltip.
    """
    out = with_date_spans(snapshots, date="snapshot_date")
    percent = out["unit"] == "fraction correct"
    out["gap_shown"] = out["gap"].where(~percent, out["gap"] * 100)
    out["version_line"] = [
        f"{m}: {v}" for m, v in zip(out.measure, out.measure_version, strict=True)
    ]
    out["gap_words"] = [gap_text(g, u) for g, u in zip(out.gap, out.unit, strict=True)]
    out["meta_text"] = [
        f"{m} ({value_text(v, u)})"
        for m, v, u in zip(out.meta_model, out.meta_value, out.unit, strict=True)
    ]
    out["rival_text"] = [
        f"{m}, {d} ({value_text(v, u)})"
        for m, d, v, u in zip(
            out.rival_model, out.rival_developer, out.rival_value, out.unit, strict=True
        )
    ]
    return out


#: The axis title of each measure's panel.
GAP_AXIS = {
    "Artificial Analysis Intelligence Index": "Index points behind",
    "LMArena text arena": "Elo points behind",
    "GPQA Diamond (Epoch AI)": "Percentage points behind",
}


def short_version(version: str) -> str:
    """A version or method label short enough for a phone's legend (the tooltip keeps it whole)."""
    return version.replace(" from LMArena's published files", " (LMArena files)")


def gap_panel(
    snapshots: pd.DataFrame, edition: pd.Timestamp, measure: str, standalone: bool = True
) -> alt.LayerChart:
    """Meta's distance from the best of another lab on one measure, one line per version.

    Lines join only the snapshots of one series (``detail`` on ``version_line``), never two
    versions; 0 is level, above it Meta is behind. ``standalone`` gives the panel the chart's
    own title, subtitle and description and the date axis title (a figure of its own, sized to
    its column); otherwise it is a panel of :func:`gap_chart`.
    """
    points = gap_points(snapshots)
    start = points["when_from"].min() - pd.Timedelta(days=30)
    end = max(points["when_to"].max(), edition) + pd.Timedelta(days=30)
    x_scale = alt.Scale(domain=[start.isoformat(), end.isoformat()])
    rows = points[points["measure"] == measure].copy()
    rows["version_label"] = rows["measure_version"].map(short_version)
    versions = list(
        rows.sort_values("snapshot_date").drop_duplicates("version_label")["version_label"]
    )
    colour = alt.Color(
        "version_label:N",
        title=None,
        scale=alt.Scale(domain=versions, range=PALETTE[: len(versions)]),
        legend=alt.Legend(orient="bottom", direction="vertical", symbolOpacity=1),
    )
    x_title = "Date of the reading" if standalone or measure == MEASURE_ORDER[-1] else None
    x = alt.X("when_at:T", title=x_title, axis=YEAR_AXIS, scale=x_scale)
    y = alt.Y("gap_shown:Q", title=GAP_AXIS[measure])
    base = alt.Chart(rows).encode(x=x, y=y, color=colour)
    line = base.mark_line(strokeWidth=2).encode(detail="version_line:N")
    dots = base.mark_point(filled=True, size=80).encode(
        opacity=alt.Opacity(
            "date_known:N",
            scale=alt.Scale(domain=list(DATE_KNOWN.values()), range=DATE_KNOWN_OPACITY),
            legend=None,
        ),
        tooltip=[
            alt.Tooltip("measure:N", title="Measure"),
            alt.Tooltip("measure_version:N", title="Version or method"),
            *date_tooltips(),
            alt.Tooltip("meta_text:N", title="Meta's best"),
            alt.Tooltip("rival_text:N", title="Best of another lab"),
            alt.Tooltip("gap_words:N", title="Meta's distance"),
            alt.Tooltip("source_id:N", title="Source"),
        ],
    )
    level = (
        alt.Chart(pd.DataFrame({"level": [0.0], "label": ["Level with the best rival"]}))
        .mark_rule(strokeDash=[4, 3], color="#777777")
        .encode(y="level:Q", tooltip=[alt.Tooltip("label:N", title="")])
    )
    vague = rows["date_known"] != DATE_KNOWN["day"]
    layers = [level, *([date_spans(rows, x_title, y, colour)] if vague.any() else []), line, dots]
    if not standalone:
        return alt.layer(*layers).properties(
            width="container",
            height=110,
            title=alt.Title(MEASURE_TITLES[measure], fontSize=13, fontWeight=500),
        )
    return alt.layer(*layers).properties(
        width="container",
        height=160,
        title=alt.Title(
            f"Did the lab catch up? {MEASURE_TITLES[measure]}",
            subtitle=[
                "How far the best model of another lab scored above Meta's best on the same "
                "reading; 0 (dashed): level.",
                "One line per version or method, never joined; pale point over a bar: month "
                "known only.",
            ],
        ),
        description=(
            f"Line chart of how far Meta's best model was behind the best model of another lab "
            f"on the {MEASURE_TITLES[measure]} at each reading, in the measure's own units, "
            "with a separate line for each version or method."
        ),
    )


def gap_chart(snapshots: pd.DataFrame, edition: pd.Timestamp) -> alt.VConcatChart:
    """Every measure's :func:`gap_panel`, one above the other, on one time axis."""
    points = gap_points(snapshots)
    measures = [m for m in MEASURE_ORDER if m in set(points["measure"])]
    panels = [gap_panel(snapshots, edition, m, standalone=False) for m in measures]
    return (
        alt.vconcat(*panels, spacing=22)
        .resolve_scale(color="independent", y="independent")
        .properties(
            title=alt.Title(
                "Did the lab catch up? Meta's best model against the best of other labs",
                subtitle=[
                    "How far the best model of another lab scored above Meta's best on the same "
                    "reading; 0 (dashed): level.",
                    "One line per version or method, never joined; pale point over a bar: month "
                    "known only.",
                ],
            ),
            description=(
                "Line charts, one per independent measure (Artificial Analysis Intelligence "
                "Index, LMArena text arena, Epoch AI's GPQA Diamond runs), of how far Meta's "
                "best model was behind the best model of another lab at each reading, in the "
                "measure's own units, with a separate line for each version or method of a "
                "measure."
            ),
        )
    )
