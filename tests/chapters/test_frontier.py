"""Did the lab catch up? Meta's best model against the best of other labs, snapshot by snapshot."""

from __future__ import annotations

import pandas as pd
import pytest

from report import data
from report.chapters import open_source as oss

D = pd.Timestamp
AA, ARENA, GPQA = oss.MEASURE_ORDER
SOURCES = pd.DataFrame(
    {
        "source_id": ["snap", "blog", "runs", "other"],
        "kind": ["reference", "note", "reference", "reference"],
        "published": pd.to_datetime(["2026-04-10", "2026-04-10", "2025-11-17", "2026-01-01"]),
    }
)


def reading(model, developer, value, date="2026-04-10", version="v4.0", measure=AA, **extra):
    kind = "run" if measure == GPQA else "leaderboard"
    unit = {AA: "index points", ARENA: "Elo", GPQA: "fraction correct"}[measure]
    row = {
        "measure": measure,
        "measure_version": version,
        "reading_kind": kind,
        "reading_date": D(date),
        "date_precision": "day",
        "model": model,
        "developer": developer,
        "release_model": model if developer == "Meta" else None,
        "unreleased_variant": False,
        "value": float(value),
        "unit": unit,
        "source_id": "runs" if kind == "run" else "snap",
        "support_source_id": None,
        "note": None,
    }
    row.update(extra)
    return row


def frame(*rows):
    out = pd.DataFrame(list(rows))
    out["unreleased_variant"] = out["unreleased_variant"].astype("boolean")
    return out


# ---------------------------------------------------------------- the gap of each snapshot


def test_each_snapshot_sets_metas_best_against_the_best_of_all_other_labs():
    scores = frame(
        reading("Muse A", "Meta", 52.15),
        reading("Llama old", "Meta", 18.0),
        reading("Gemini", "Google", 57.18),
        reading("GPT", "OpenAI", 56.8),
        reading("Muse B", "Meta", 43.0, date="2026-06-16"),
        reading("Claude", "Anthropic", 59.86, date="2026-06-16"),
    )
    snaps = oss.frontier_snapshots(scores)
    assert list(snaps["snapshot_date"]) == [D("2026-04-10"), D("2026-06-16")]
    first, second = snaps.iloc[0], snaps.iloc[1]
    assert (first.meta_model, first.rival_model, first.rival_developer) == (
        "Muse A",
        "Gemini",
        "Google",
    )
    assert first.gap == pytest.approx(5.03)
    assert (second.meta_model, second.rival_model) == ("Muse B", "Claude")
    assert second.gap == pytest.approx(16.86)
    assert not snaps["meta_leads"].any()


def test_meta_leads_only_when_strictly_ahead_and_a_tie_reads_level():
    scores = frame(
        reading("Muse", "Meta", 60),
        reading("Gemini", "Google", 58),
        reading("Muse", "Meta", 50, date="2026-05-01"),
        reading("Gemini", "Google", 50, date="2026-05-01"),
    )
    snaps = oss.frontier_snapshots(scores)
    assert list(snaps["meta_leads"]) == [True, False]
    assert list(snaps["gap"]) == [-2.0, 0.0]
    assert oss.gap_text(-2.0, "index points") == "2.0 points ahead"
    assert oss.gap_text(0.0, "index points") == "level"
    assert "level with Gemini" in oss.snapshot_sentence(snaps.iloc[1])
    assert oss.led_text(snaps).startswith("1 of the 2 snapshots (Muse on the Artificial Analysis")


def test_a_snapshot_without_both_sides_is_left_out():
    scores = frame(reading("Muse", "Meta", 52), reading("Gemini", "Google", 57, date="2026-04-11"))
    assert oss.frontier_snapshots(scores).empty


# ---------------------------------------------------------------- never spliced


def test_two_versions_of_an_index_never_meet_in_one_snapshot():
    """Meta read on v4.0 and a rival on v4.1 the same day: no snapshot joins them."""
    scores = frame(
        reading("Muse", "Meta", 52.15, version="v4.0"),
        reading("Claude", "Anthropic", 59.86, version="v4.1"),
    )
    assert oss.frontier_snapshots(scores).empty
    both = frame(
        *scores.to_dict("records"),
        reading("Muse", "Meta", 43.06, version="v4.1"),
        reading("Gemini", "Google", 57.18, version="v4.0"),
    )
    snaps = oss.frontier_snapshots(both).set_index("measure_version")
    assert snaps.loc["v4.0", "gap"] == pytest.approx(57.18 - 52.15)
    assert snaps.loc["v4.1", "gap"] == pytest.approx(59.86 - 43.06)


def test_two_sources_of_one_day_are_two_snapshots_and_the_stronger_is_drawn():
    scores = frame(
        reading("Muse", "Meta", 52.15),
        reading("Gemini", "Google", 57.18),
        reading("Muse", "Meta", 52, source_id="blog"),
        reading("GPT-5.4", "OpenAI", 57, source_id="blog"),
    )
    snaps = oss.frontier_snapshots(scores)
    assert sorted(snaps["source_id"]) == ["blog", "snap"]
    drawn = oss.one_per_snapshot(snaps, SOURCES)
    assert list(drawn["source_id"]) == ["snap"]  # reference beats note
    assert drawn.iloc[0]["rival_model"] == "Gemini"


def test_benchmark_runs_compare_with_runs_up_to_the_day_and_never_across_task_versions():
    scores = frame(
        reading("Llama 3.1", "Meta", 0.509, date="2025-01-26", measure=GPQA, version="1.0.0"),
        reading("o1", "OpenAI", 0.758, date="2025-01-26", measure=GPQA, version="1.0.0"),
        reading("Gemini 2.5", "Google", 0.838, date="2025-03-31", measure=GPQA, version="1.0.0"),
        reading("Maverick", "Meta", 0.670, date="2025-04-08", measure=GPQA, version="1.0.0"),
        reading("GPT-5", "OpenAI", 0.854, date="2025-08-07", measure=GPQA, version="1.0.0"),
        reading("Later", "xAI", 0.99, date="2025-02-01", measure=GPQA, version="1.0.1"),
    )
    snaps = oss.frontier_snapshots(scores)
    assert list(snaps["snapshot_date"]) == [D("2025-01-26"), D("2025-04-08")]
    assert list(snaps["rival_model"]) == ["o1", "Gemini 2.5"]  # never a later run, never 1.0.1
    assert list(snaps["gap"]) == pytest.approx([0.249, 0.168])
    assert oss.gap_text(0.168, "fraction correct") == "16.8 percentage points behind"


def test_a_series_that_mixes_units_or_kinds_is_refused():
    scores = frame(
        reading("Muse", "Meta", 52),
        reading("Gemini", "Google", 0.57, unit="fraction correct"),
    )
    with pytest.raises(ValueError, match="mixes units"):
        oss.frontier_snapshots(scores)


def lines(spec: dict) -> list[set[tuple[str, str]]]:
    """The polylines a chart spec draws: per line view, rows grouped by its detail and colour
    fields; each polyline as the set of (measure, measure_version) it passes through."""
    drawn = []
    stack = [spec]
    while stack:
        node = stack.pop()
        for key in ("layer", "vconcat", "hconcat", "concat"):
            stack.extend(node.get(key, []))
        mark = node.get("mark")
        if (mark if isinstance(mark, str) else (mark or {}).get("type")) != "line":
            continue
        enc = node["encoding"]
        keys = [enc[ch]["field"] for ch in ("detail", "color") if "field" in enc.get(ch, {})]
        rows = pd.DataFrame(spec["datasets"][node["data"]["name"]])
        for _, group in rows.groupby(keys) if keys else [(None, rows)]:
            drawn.append(set(zip(group["measure"], group["measure_version"], strict=True)))
    return drawn


def test_the_chart_draws_one_line_per_version_and_never_joins_two():
    scores = frame(
        reading("Muse", "Meta", 52, date="2026-04-10", version="v4.0"),
        reading("Gemini", "Google", 57, date="2026-04-10", version="v4.0"),
        reading("Muse", "Meta", 52, date="2026-06-15", version="v4.0"),
        reading("Claude", "Anthropic", 64, date="2026-06-15", version="v4.0"),
        reading("Muse", "Meta", 43, date="2026-06-16", version="v4.1"),
        reading("Claude", "Anthropic", 59, date="2026-06-16", version="v4.1"),
        reading("Muse 2", "Meta", 54, date="2026-08-06", version="v4.1"),
        reading("Opus", "Anthropic", 60, date="2026-08-06", version="v4.1"),
    )
    snaps = oss.one_per_snapshot(oss.frontier_snapshots(scores), SOURCES)
    drawn = lines(oss.gap_chart(snaps, D("2026-11-29")).to_dict())
    assert sorted(map(sorted, drawn)) == [[(AA, "v4.0")], [(AA, "v4.1")]]
    assert all(len(polyline) == 1 for polyline in drawn)


def test_the_splice_check_catches_a_line_across_versions():
    """The check above fails for a chart that joins every point of a measure in one line."""
    import altair as alt

    rows = pd.DataFrame(
        {
            "measure": [AA, AA],
            "measure_version": ["v4.0", "v4.1"],
            "when_at": ["2026-06-15", "2026-06-16"],
            "gap": [12.7, 16.8],
        }
    )
    spliced = alt.Chart(rows).mark_line().encode(x="when_at:T", y="gap:Q", detail="measure:N")
    assert any(len(polyline) > 1 for polyline in lines(spliced.to_dict()))


# ---------------------------------------------------------------- unreleased variants


def test_an_unreleased_variant_counts_only_when_asked():
    scores = frame(
        reading("Maverick", "Meta", 1292, measure=ARENA, version="arena score"),
        reading(
            "Maverick-Experimental",
            "Meta",
            1416,
            measure=ARENA,
            version="arena score",
            unreleased_variant=True,
            release_model=None,
        ),
        reading("Gemini", "Google", 1470, measure=ARENA, version="arena score"),
    )
    assert oss.frontier_snapshots(scores).iloc[0]["gap"] == 178
    assert oss.frontier_snapshots(scores, count_unreleased=True).iloc[0]["gap"] == 54
    effect = oss.variant_effect(scores)
    assert len(effect) == 1 and "54 Elo points behind, not 178 Elo points behind" in effect[0]
    assert "not counted" in oss.variant_note(scores, counted=False)
    assert "as this edition's parameter" in oss.variant_note(scores, counted=True)


# ---------------------------------------------------------------- what the chapter glues


@pytest.fixture(scope="module")
def real():
    sources = data.load("sources")
    scores = data.load("model_scores")
    snaps = oss.one_per_snapshot(oss.frontier_snapshots(scores), sources)
    return sources, scores, snaps


def test_the_glued_figure_is_the_newest_point_the_chart_draws(real):
    _, _, snaps = real
    texts = oss.frontier_texts(snaps)
    spec = oss.gap_chart(snaps, D("2026-11-29")).to_dict()
    points = []
    stack = [spec]
    while stack:
        node = stack.pop()
        for key in ("layer", "vconcat"):
            stack.extend(node.get(key, []))
        mark = node.get("mark")
        if (mark if isinstance(mark, str) else (mark or {}).get("type")) == "point":
            points += spec["datasets"][node["data"]["name"]]
    newest = max(points, key=lambda p: p["snapshot_date"])
    assert texts["frontier_gap"].startswith(newest["gap_words"] + " on ")
    assert f"({newest['measure_version'].split(',')[0]})" in texts["frontier_gap"]
    assert f"{pd.Timestamp(newest['snapshot_date']):%b %Y}, " in texts["frontier_gap"]
    assert texts["frontier_gap"].endswith(" labs read")
    assert texts["frontier_gap-as-of"] == newest["when_text"]
    assert newest["meta_model"] in texts["frontier_latest"]
    # the count in the text is the number of points drawn
    assert f"of the {len(points)} snapshots" in texts["frontier_led"]


def test_the_newest_snapshot_and_the_texts_name_measure_version_and_date():
    scores = frame(
        reading("Muse", "Meta", 52.15, date="2026-04-10"),
        reading("Gemini", "Google", 57.18, date="2026-04-10"),
        reading(
            "muse-spark",
            "Meta",
            1489,
            date="2026-04-01",
            measure=ARENA,
            version="page as displayed",
            date_precision="month",
        ),
        reading(
            "claude",
            "Anthropic",
            1503,
            date="2026-04-01",
            measure=ARENA,
            version="page as displayed",
            date_precision="month",
        ),
    )
    snaps = oss.one_per_snapshot(oss.frontier_snapshots(scores), SOURCES)
    latest = oss.newest(snaps)
    assert latest["measure"] == AA  # 10 April is after a reading known only to April
    texts = oss.frontier_texts(snaps)
    assert (
        texts["frontier_gap"]
        == "5.0 points behind on the Artificial Analysis index (v4.0), 10 Apr 2026, second of the "
        "2 labs read"
    )
    assert texts["frontier_gap-as-of"] == "10 April 2026"
    assert texts["frontier_span"] == "April 2026 to April 2026"
    assert texts["frontier_led"] == "none of the 2 snapshots"
    with pytest.raises(ValueError):
        oss.newest(snaps.iloc[0:0])


def test_trends_read_each_series_from_its_first_to_its_latest_snapshot():
    scores = frame(
        reading("Muse", "Meta", 43, date="2026-06-16", version="v4.1"),
        reading("Claude", "Anthropic", 59.86, date="2026-06-16", version="v4.1"),
        reading("Muse 2", "Meta", 54.07, date="2026-08-06", version="v4.1"),
        reading("Opus", "Anthropic", 60.69, date="2026-08-06", version="v4.1"),
        reading("Muse 2", "Meta", 56.76, date="2026-08-22", version="re-scored"),
        reading("Opus", "Anthropic", 63.05, date="2026-08-22", version="re-scored"),
    )
    trends = oss.series_trends(oss.frontier_snapshots(scores))
    assert trends == [
        "from 16.9 points behind (June 2026) to 6.6 points behind (August 2026) on the "
        "Artificial Analysis index (v4.1)"
    ]  # the single re-scored snapshot makes no trend of its own


def test_limits_name_the_models_never_scored_and_a_rescore():
    releases = pd.DataFrame(
        {
            "developer": ["Meta"] * 4 + ["Google"],
            "model": ["Muse", "Muse 2", "Behemoth", "Muse Open", "Gemini"],
            "date": pd.to_datetime(
                ["2026-04-08", "2026-08-05", "2025-04-05", "2026-10-15", "2026-01-01"]
            ),
            "status": ["released", "released", "shelved", "released", "released"],
        }
    )
    scores = frame(
        reading("Muse", "Meta", 52.15, date="2026-06-15", version="v4.0"),
        reading("Gemini", "Google", 57.18, date="2026-06-15", version="v4.0"),
        reading("Muse", "Meta", 43.06, date="2026-06-16", version="v4.1"),
        reading("Muse 2", "Meta", 54.07, date="2026-08-06", version="v4.1"),
    )
    texts = oss.limits_texts(scores, releases, D("2025-06-30"))
    assert texts["scores_unscored"] == "Muse Open"
    assert texts["scores_shelved"] == "Behemoth"
    assert texts["scores_cutoff"] == "6 August 2026"
    assert texts["scores_aa_versions"] == "2"
    assert texts["scores_rescored"] == (
        "Muse scored 52.15 on 15 June 2026 (v4.0) and 43.06 on 16 June 2026 (v4.1)"
    )


def test_the_table_shows_each_snapshot_with_both_sides_and_its_sources(real):
    sources, _, snaps = real
    table = oss.snapshots_table_html(snaps, sources)
    assert table.count("<tr>") == len(snaps) + 1
    assert "Claude Opus 5 (Adaptive Reasoning, Max Effort) (Anthropic): 63.05" in table
    assert 'href="https://megaoneai.com/' in table  # the page that names the version
    assert "github:" not in table  # a file locator is not a link; the sources list shows it


# ---------------------------------------------------------------- the data behind it


def test_every_meta_reading_names_a_meta_release_and_no_other_does(real):
    _, scores, _ = real
    releases = data.load("model_releases")
    meta_models = set(releases.loc[releases.developer == "Meta", "model"])
    meta = scores[scores.developer == "Meta"]
    released = meta[~meta.unreleased_variant.astype(bool)]
    assert released["release_model"].notna().all()
    # A scored model the release table lacks (the ledger re-read dropped rows whose pages do
    # not state the release) still names itself; most Meta readings link to a release row.
    linked = released["release_model"].isin(meta_models)
    assert linked.mean() > 0.5
    for release, model in zip(
        released.loc[~linked, "release_model"], released.loc[~linked, "model"], strict=True
    ):
        assert model.startswith(release), (release, model)
    assert scores.loc[scores.developer != "Meta", "release_model"].isna().all()
    assert meta.loc[meta.unreleased_variant.astype(bool), "release_model"].isna().all()


def test_in_the_data_meta_led_no_snapshot_and_the_newest_is_the_august_rescore(real):
    _, _, snaps = real
    assert not snaps["meta_leads"].any()
    latest = oss.newest(snaps)
    assert (latest["measure"], latest["snapshot_date"]) == (AA, D("2026-08-22"))
    assert latest["measure_version"] != "v4.1"  # the re-score is a series of its own


def test_the_landing_figure_names_the_reading_date_once():
    from report.chapters.open_source.frontier_views import frontier_gap_text

    row = pd.Series(
        {
            "gap": -6.29,
            "unit": "points",
            "snapshot_date": pd.Timestamp("2026-08-22"),
            "date_precision": "day",
            "measure": "Artificial Analysis Intelligence Index",
            "measure_version": "v4.1, re-scored 7 Aug 2026",
            "labs_ahead": 6,
            "labs_read": 9,
        }
    )
    text = frontier_gap_text(row)
    assert text.endswith("index (v4.1), 22 Aug 2026, seventh of the 9 labs read")


def test_the_gap_to_the_leader_says_how_many_labs_stand_between():
    from report.chapters.open_source.frontier import frontier_snapshots

    day = pd.Timestamp("2026-08-22")
    scores = pd.DataFrame(
        {
            "measure": [AA] * 5,
            "measure_version": ["v4.1"] * 5,
            "reading_kind": ["leaderboard"] * 5,
            "reading_date": [day] * 5,
            "date_precision": ["day"] * 5,
            "model": ["M", "A1", "A2", "B", "C"],
            "developer": ["Meta", "Anthropic", "Anthropic", "OpenAI", "Google"],
            "release_model": [None] * 5,
            "unreleased_variant": [False] * 5,
            "value": [56.0, 63.0, 58.0, 60.0, 50.0],
            "unit": ["index points"] * 5,
            "source_id": ["s"] * 5,
            "support_source_id": [None] * 5,
        }
    )
    row = frontier_snapshots(scores).iloc[0]
    # two labs ahead (Anthropic once, however many of its models), one behind
    assert (row["labs_ahead"], row["labs_read"]) == (2, 4)
