"""Computations of the labs, talent and open-source chapters."""

from __future__ import annotations

import pandas as pd
import pytest

from report.chapters import labs, talent
from report.chapters import open_source as opensource
from report.show import theme

D = pd.Timestamp
SOURCES = pd.DataFrame(
    {
        "source_id": ["s1", "s2", "s3"],
        "kind": ["news", "news", "analyst"],
        "published": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"]),
    }
)


# ---------------------------------------------------------------- labs


def events():
    return pd.DataFrame(
        {
            "event_id": ["a", "b", "b", "c", "d", "e"],
            "date": pd.to_datetime(
                ["2023-02-01", "2024-01-18", "2024-01-20", "2025-06-30", "2025-08-01", "2025-10-22"]
            ),
            "date_precision": ["month", "day", "day", "day", "month", "day"],
            "type": [
                "formation",
                "reorganisation",
                "reorganisation",
                "formation",
                "reorganisation",
                "layoff",
            ],
            "title": list("ABBCDE"),
            "count": [None, None, None, None, 4, 600],
            "source_id": ["s1", "s1", "s2", "s1", "s1", "s1"],
        }
    )


def test_one_per_event_prefers_the_later_equal_source():
    one = labs.one_per_event(events(), SOURCES)
    assert one["event_id"].tolist() == ["a", "b", "c", "d", "e"]
    assert one.set_index("event_id").loc["b", "source_id"] == "s2"


def test_restructurings_measure_months_between_changes():
    rows = labs.restructurings(labs.one_per_event(events(), SOURCES))
    assert rows["event_id"].tolist() == ["a", "b", "c", "d"]
    months = rows["months"].tolist()
    assert months[0] is None or pd.isna(months[0])
    # 2023-02-01 -> 2024-01-20 is 353 days
    assert months[1] == pytest.approx(353 / 30.4375)
    assert months[3] == pytest.approx(32 / 30.4375)


def test_gaps_between_restructurings_respect_month_precision():
    rows = labs.restructurings(labs.one_per_event(events(), SOURCES))
    # a: February 2023 (month) -> b: 20 Jan 2024 (day): from 28 Feb to 20 Jan at least, 1 Feb at most
    assert rows["months_min"][1] == pytest.approx(326 / 30.4375)
    assert rows["months_max"][1] == pytest.approx(353 / 30.4375)
    # c: 30 June 2025 (day) -> d: August 2025 (month): 1 Aug at the earliest, 31 Aug at the latest
    assert rows["months_min"][3] == pytest.approx(32 / 30.4375)
    assert rows["months_max"][3] == pytest.approx(62 / 30.4375)
    assert rows["exact"].tolist() == [False, False, True, False]
    gap = labs.shortest_gap(rows)
    # the least any gap can be is 1.05 months (c -> d); the shortest gap is at most 2.04 months
    assert gap["text"] == "at least 1.1 and at most 2.0 months"
    assert gap["where"] == "between 30 June 2025 and August 2025"
    # b -> c, both to the day: 20 Jan 2024 -> 30 June 2025 = 527 days
    assert gap["exact_text"] == "17.3 months"
    assert labs.median_life(rows) == (pytest.approx(326 / 30.4375), pytest.approx(353 / 30.4375))


def test_a_gap_that_may_or_may_not_be_the_shortest_is_named_with_the_others():
    ev = pd.DataFrame(
        {
            "event_id": ["x", "y", "z"],
            "date": pd.to_datetime(["2025-05-27", "2025-06-30", "2025-08-01"]),
            "date_precision": ["day", "day", "month"],
            "type": ["reorganisation", "formation", "reorganisation"],
            "title": list("XYZ"),
            "count": [None] * 3,
            "source_id": ["s1"] * 3,
        }
    )
    gap = labs.shortest_gap(labs.restructurings(ev))
    # y -> z could be 1.05 months (1 Aug) or up to 2.04; x -> y is 1.12 months exactly
    assert gap["text"] == "1.1 months"  # both bounds read 1.1 at one decimal
    assert gap["shortest"] == pytest.approx(32 / 30.4375)
    assert gap["longest"] == pytest.approx(34 / 30.4375)
    assert (
        gap["where"]
        == "between 27 May 2025 and 30 June 2025 or between 30 June 2025 and August 2025"
    )
    assert gap["exact_text"] == "1.1 months"
    with pytest.raises(ValueError):
        labs.shortest_gap(labs.restructurings(ev.iloc[:1]))


def test_months_range_of_vague_dates():
    from report.show import figures

    assert figures.months_range("2025-06-30", "day", "2025-07-15", "day") == (
        pytest.approx(15 / 30.4375),
        pytest.approx(15 / 30.4375),
    )
    lo, hi = figures.months_range("2025-08-01", "month", "2025-08-01", "month")
    assert lo == 0 and hi == pytest.approx(30 / 30.4375)  # the same month: 0 to 30 days apart
    lo, hi = figures.months_range("2025-01-01", "year", "2026-01-01", "day")
    assert lo == pytest.approx(1 / 30.4375) and hi == pytest.approx(365 / 30.4375)
    assert figures.months_range_text(1.04, 2.04) == "at least 1.0 and at most 2.0 months"
    assert figures.months_range_text(1.04, 2.04, compact=True) == "1.0–2.0 months"
    assert figures.months_range_text(1.05, 1.05) == "1.0 months"  # round half to even
    with pytest.raises(ValueError):
        figures.period_of("2025-01-01", "week")


def test_since_counts_strictly_after_formation():
    one = labs.one_per_event(events(), SOURCES)
    assert labs.since(one, D("2025-06-30"), "reorganisation")["event_id"].tolist() == ["d"]
    assert labs.since(one, D("2025-06-30"), "layoff")["count"].sum() == 600


def test_window_and_types_are_checked():
    one = labs.one_per_event(events(), SOURCES)
    assert len(labs.in_window(one, "2025-01-01", ["formation", "layoff"])) == 2
    with pytest.raises(ValueError, match="valid: formation"):
        labs.in_window(one, "2025-01-01", ["formatoin"])
    with pytest.raises(ValueError, match="not an ISO date"):
        labs.in_window(one, "last summer", ["layoff"])


def test_tenures_run_open_roles_to_the_edition():
    roles = pd.DataFrame(
        {
            "person": ["P", "Q", "R"],
            "title": ["t", "t", "t"],
            "group": ["g"] * 3,
            "start": pd.to_datetime(["2025-01-01", "2025-06-30", None]),
            "end": pd.to_datetime(["2025-07-01", None, "2025-01-01"]),
            "source_id": ["s1"] * 3,
        }
    )
    out = labs.tenures(roles, D("2026-06-30"))
    assert out["person"].tolist() == ["P", "Q"]  # no start date: no tenure
    assert out["ongoing"].tolist() == [False, True]
    assert out["months"].tolist() == pytest.approx([181 / 30.4375, 365 / 30.4375])


@pytest.mark.parametrize(
    ("group", "family"),
    [
        ("FAIR", "FAIR (research)"),
        (" GenAI ", "GenAI-era groups"),
        ("AGI Foundations", "GenAI-era groups"),
        ("MSL Infra", "Meta Superintelligence Labs"),
        ("MSL / Products & Applied Research", "Meta Superintelligence Labs"),
        ("TBD Lab", "Meta Superintelligence Labs"),
        ("Meta Compute", "Other units"),
        ("A group nobody has heard of", "Other units"),
    ],
)
def test_groups_fall_into_few_enough_families_to_colour(group, family):
    assert labs.group_family(group) == family


def test_roster_colours_by_family_with_a_fixed_legend_order():
    roles = pd.DataFrame(
        {
            "person": ["P", "Q", "R"],
            "title": ["t", "t", "t"],
            "group": ["TBD Lab", "FAIR", "Meta Compute"],
            "start": pd.to_datetime(["2025-01-01", "2023-06-30", "2026-01-12"]),
            "end": pd.to_datetime([None, None, None]),
            "source_id": ["s1"] * 3,
        }
    )
    spec = labs.roster_chart(labs.tenures(roles, D("2026-06-30")), D("2026-06-30")).to_dict()
    colour = spec["layer"][0]["encoding"]["color"]
    assert colour["field"] == "family"
    assert colour["scale"]["domain"] == labs.GROUP_FAMILIES
    assert len(labs.GROUP_FAMILIES) <= len(theme.PALETTE)  # no colour repeats
    data = next(iter(spec["datasets"].values()))
    assert sorted(row["family"] for row in data) == sorted(
        ["Meta Superintelligence Labs", "FAIR (research)", "Other units"]
    )


# ---------------------------------------------------------------- talent


def hires():
    return pd.DataFrame(
        {
            "person": ["A", "B", "C", "D", "E", "F", "A"],
            "previous_employer": [
                "OpenAI",
                "OpenAI (Zurich office)",
                "Google DeepMind",
                "Apple",
                "Vercept (co-founder; earlier AI2)",
                "Apple",
                "OpenAI",
            ],
            "date_reported": pd.to_datetime(
                [
                    "2025-06-30",
                    "2025-06-26",
                    "2025-06-30",
                    "2025-07-07",
                    None,
                    "2024-12-01",
                    "2025-07-01",
                ]
            ),
            "source_id": ["s1"] * 7,
        }
    )


def test_employer_names_are_normalised():
    assert talent.employer_of("OpenAI (Zurich office)") == "OpenAI"
    assert talent.employer_of("Vercept (co-founder; earlier AI2)") == "Vercept"
    assert talent.employer_of("NFDG, venture fund") == "NFDG"
    with pytest.raises(ValueError):
        talent.employer_of(" (nothing)")


def test_people_are_counted_once_at_their_earliest_report():
    people = talent.people(hires())
    assert len(people) == 6
    assert people.set_index("person").loc["A", "date_reported"] == D("2025-06-30")


def test_window_excludes_undated_and_out_of_window_hires():
    people = talent.people(hires())
    first, last = talent.parse_window("2025-01-01", "", D("2026-11-29"))
    assert last == D("2026-11-29")
    inside = talent.in_window(people, first, last)
    assert sorted(inside["person"]) == ["A", "B", "C", "D"]
    with pytest.raises(ValueError, match="after window_end"):
        talent.parse_window("2026-01-01", "2025-01-01", D("2026-11-29"))


def test_employer_flows_group_the_rest_deterministically():
    people = talent.people(hires())
    flows = talent.employer_flows(people, 2)
    assert flows["employer"].tolist() == ["Apple", "OpenAI", "Other"]  # tie at 2 broken A-Z
    assert flows["hires"].tolist() == [2, 2, 2]
    assert flows.set_index("employer").loc["Other", "group_of"] == "Google DeepMind, Vercept"
    assert flows["share"].sum() == pytest.approx(1.0)
    assert talent.employer_flows(people, 10)["employer"].tolist()[-1] != "Other"
    with pytest.raises(ValueError):
        talent.employer_flows(people, 0)


def test_retention_counts_recruits_named_only_when_they_left():
    people = talent.people(hires())
    first, last = D("2025-01-01"), D("2026-11-29")
    recruits = talent.in_window(people, first, last)
    departures = pd.DataFrame(
        {
            "person": ["D", "X", "Y"],
            "left_date": pd.to_datetime(["2026-02-01", "2025-08-01", "2025-08-01"]),
            "destination": ["OpenAI", "OpenAI", "Anthropic"],
            "joined_date": pd.to_datetime(["2025-07-01", None, None]),
            "cohort": ["new_recruit", "new_recruit", "existing_staff"],
            "source_id": ["s1", "s1", "s1"],
        }
    )
    out = talent.retention(recruits, departures, first, last)
    assert len(out) == 5  # four named hires + X, who was only named on leaving; Y was staff
    assert out["left"].sum() == 2
    d = out.set_index("person").loc["D"]
    assert d["months_to_leave"] == pytest.approx(215 / 30.4375)  # joined 2025-07-01
    assert pd.isna(out.set_index("person").loc["X", "months_to_leave"])


def departures_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person": ["Old", "Year", "Stated", "Both", "Both", "Nobody", "Ghost", "Ghost"],
            "left_date": pd.to_datetime(
                [
                    "2025-08-01",
                    "2025-08-01",
                    "2025-08-01",
                    "2026-02-01",
                    "2026-02-01",
                    None,
                    "2025-08-01",
                    None,
                ]
            ),
            "date_precision": ["month", "month", "month", "month", "month", None, "month", None],
            "destination": ["A", "B", None, "OpenAI", "OpenAI", None, "OpenAI", None],
            "joined_date": pd.to_datetime(
                ["2013-01-01", "2024-01-01", None, "2025-07-01", None, None, None, None]
            ),
            "joined_precision": ["year", "year", None, "month", None, None, None, None],
            "cohort": [
                "existing_staff",
                "existing_staff",
                "existing_staff",
                "new_recruit",
                "new_recruit",
                "unknown",
                "new_recruit",
                "new_recruit",
            ],
            "outcome": ["left", "left", "left", "left", "left", "left", "left", "never_joined"],
            "tenure_months_low": [None, None, 96, None, 7, None, 0, 0],
            "tenure_months_high": [None, None, None, None, 7, None, 1, 0],
            "source_id": ["s1", "s1", "s1", "s1", "s2", "s1", "s1", "s2"],
        }
    )


def test_tenure_honours_precision_stated_words_and_unknown_joining_dates():
    out = talent.tenure(departures_frame()).set_index("person")
    assert "Ghost" not in out.index  # never started: no tenure, not a departure
    # joined 2013 (year only), left August 2025 (month only): 139 to 152 months
    assert out.loc["Old", "band"] == "over 2 years"
    # joined 2024 (year only), left August 2025: from 7.0 to 20.0 months, one band either way
    assert out.loc["Year", "low"] == pytest.approx(213 / 30.4375)
    assert out.loc["Year", "high"] == pytest.approx(608 / 30.4375)
    assert (
        out.loc["Year", "band"] == "6 months to 2 years"
        and out.loc["Year", "text"] == "7–20 months"
    )
    # no joining date, but "more than eight years" stated: a floor and no ceiling
    assert out.loc["Stated", "band"] == "over 2 years" and pd.isna(out.loc["Stated", "high"])
    assert out.loc["Stated", "text"] == "at least 96 months"
    # dates (6.0-8.0 months) and a stated "seven months" from another source: the tightest wins
    assert out.loc["Both", "low"] == 7 and out.loc["Both", "high"] == 7
    assert out.loc["Both", "basis"] == "dates and stated"
    # neither a joining date nor a stated tenure: unknown, kept in the base
    assert out.loc["Nobody", "band"] == "unknown" and out.loc["Nobody", "basis"] == "none"
    bands = talent.tenure_bands(talent.tenure(departures_frame()))
    assert bands["band"].tolist() == [
        "up to 6 months",
        "6 months to 2 years",
        "over 2 years",
        "unknown",
    ]
    assert bands["people"].tolist() == [0, 2, 2, 1]
    assert talent.tenure_text(bands) == (
        "2 of the 5 who left had been at Meta over 2 years, 2 for 6 months to 2 years and 0 for "
        "up to 6 months; for 1 our sources give no time at Meta"
    )


def test_tenure_refuses_sources_that_contradict_each_other():
    rows = departures_frame()
    rows.loc[4, "tenure_months_low"] = 30  # "Both": dates allow at most 8 months
    with pytest.raises(ValueError, match="Both"):
        talent.tenure(rows)


def test_a_recruit_who_never_started_is_no_departure():
    rows = departures_frame()
    assert talent.never_joined(rows) == {"Ghost"}
    assert talent.never_joined(rows.drop(columns="outcome")) == set()
    people = pd.DataFrame(
        {"person": ["Both"], "employer": ["Apple"], "date_reported": [D("2025-07-01")]}
    )
    out = talent.retention(people, rows, D("2025-01-01"), D("2026-11-29")).set_index("person")
    # Ghost is a recruit named only when leaving, but never started: counted apart
    assert out.index.tolist() == ["Both", "Ghost"]
    assert bool(out.loc["Ghost", "never_joined"]) and not bool(out.loc["Ghost", "left"])
    assert bool(out.loc["Both", "left"])
    started = out[~out["never_joined"]]
    assert started["left"].mean() == 1.0  # 1 of the 1 who started; not 1 of 2
    spec = talent.departures_chart(rows).to_dict()
    drawn = [r for d in spec["datasets"].values() for r in d if r.get("person") == "Ghost"]
    assert drawn and all(r["outcome_label"] == talent.OUTCOME_LABELS["never_joined"] for r in drawn)
    shapes = [v["encoding"].get("shape", {}) for v in spec["layer"]]
    assert any(s.get("field") == "outcome_label" for s in shapes)


def test_pay_ranges_filter_and_label():
    reports = pd.DataFrame(
        {
            "subject": ["a", "b", "c"],
            "organisation": ["Meta", "OpenAI", "Meta"],
            "figure": ["a", "b", "c"],
            "reported_date": pd.to_datetime([None, None, None]),
            "source_id": ["s1", "s1", "s1"],
            "note": [None, None, None],
            "low_usd_m": [100.0, 10.0, None],
            "high_usd_m": [300.0, None, None],
            "period_years": [4.0, 1.0, None],
            "status": ["press_report", "press_report", "denied"],
        }
    )
    rows = talent.pay_ranges(reports, 50)
    assert rows["subject"].tolist() == ["a"]
    assert rows["period"].iloc[0] == "over 4 years"
    both = talent.pay_ranges(reports, 0)
    assert both.set_index("subject").loc["b", "high_usd_m"] == 10.0  # single figure: high = low
    assert both.set_index("subject").loc["b", "payer"] == "Other labs (reference)"


# ---------------------------------------------------------------- open source


def releases():
    rows = pd.DataFrame(
        {
            "developer": ["Meta", "Meta", "Meta", "Meta", "Meta", "DeepSeek"],
            "model": ["L3 405B", "L4 Scout", "L4 Maverick", "CWM 32B", "Muse", "R1"],
            "date": pd.to_datetime(
                ["2024-07-23", "2025-04-05", "2025-04-05", "2025-09-24", "2026-04-08", "2025-01-20"]
            ),
            "total_params_bn": [405, 109, 400, 32, None, 671],
            "open_weights": [True, True, True, True, False, True],
            "status": ["released"] * 6,
            "source_id": ["s1"] * 6,
        }
    )
    return opensource.one_per_model(rows, SOURCES)


def test_last_open_flagship_and_months_since():
    flagships = opensource.open_flagships(releases(), 60)
    assert sorted(flagships["model"].tolist()) == ["L3 405B", "L4 Maverick", "L4 Scout"]
    last, months = opensource.months_since_last(flagships, D("2026-11-29"))
    assert last["model"] == "L4 Maverick"  # same day as Scout: the larger one
    assert months == pytest.approx(603 / 30.4375)
    # a lower threshold makes the research model count
    last_small, _ = opensource.months_since_last(
        opensource.open_flagships(releases(), 30), D("2026-11-29")
    )
    assert last_small["model"] == "CWM 32B"
    with pytest.raises(ValueError, match="no release matches"):
        opensource.months_since_last(opensource.open_flagships(releases(), 1000), D("2026-11-29"))


def test_flagship_gaps_find_the_longest_drought_and_an_open_one():
    flagships = opensource.open_flagships(releases(), 60)
    gaps = opensource.flagship_gaps(flagships, D("2026-11-29"))
    # Scout and Maverick share a day: two stretches, not three
    assert len(gaps) == 2
    longest = gaps.iloc[0]
    assert longest["from_model"] == "L4 Maverick" and longest["ongoing"]
    assert pd.isna(longest["to_date"]) and pd.isna(longest["to_model"])
    assert longest["months"] == pytest.approx(603 / 30.4375)
    closed = gaps.iloc[1]
    assert (closed["from_model"], closed["to_model"]) == ("L3 405B", "L4 Maverick")
    assert closed["months"] == pytest.approx(256 / 30.4375)
    # a new flagship ends the drought: it is no longer ongoing, and the new gap is short
    more = pd.concat(
        [
            flagships,
            flagships.iloc[[0]].assign(model="Next", date=D("2026-10-15"), total_params_bn=816),
        ]
    )
    gaps = opensource.flagship_gaps(more, D("2026-11-29"))
    assert gaps.iloc[0]["to_model"] == "Next" and not gaps.iloc[0]["ongoing"]
    assert gaps.iloc[0]["months"] == pytest.approx(558 / 30.4375)
    assert gaps[gaps["ongoing"]]["from_model"].tolist() == ["Next"]
    with pytest.raises(ValueError, match="no release matches"):
        opensource.flagship_gaps(flagships.iloc[0:0], D("2026-11-29"))


def test_openness_split_around_the_lab():
    split = opensource.openness_split(releases(), D("2025-06-30"))
    assert split.loc["before", "Open weights"] == 3 and split.loc["before", "Closed"] == 0
    assert split.loc["after", "Open weights"] == 1 and split.loc["after", "Closed"] == 1


def test_select_window_and_other_labs():
    assert len(opensource.select(releases(), "2025-01-01", True)) == 5
    assert set(opensource.select(releases(), "2025-01-01", False)["developer"]) == {"Meta"}


def test_share_text_names_its_base_and_the_undated():
    assert (
        talent.share_text(16, 46, 13)
        == "16 of the 46 (35%; the 46 include 13 with no reported date)"
    )
    assert talent.share_text(1, 8) == "1 of the 8 (12%)"  # half to even, like every figure
    assert talent.share_text(3, 4) == "3 of the 4 (75%)"
    with pytest.raises(ValueError):
        talent.share_text(5, 4)


def test_a_repeated_adoption_figure_stays_at_its_first_date():
    sources = pd.DataFrame(
        {"source_id": ["a", "b"], "kind": ["news", "news"], "published": [None, None]}
    )
    adoption = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-04-01", "2026-01-01", "2024-12-01"]),
            "metric": ["Llama cumulative downloads"] * 3,
            "value": [1200.0, 1200.0, 650.0],
            "source_id": ["a", "b", "a"],
        }
    )
    series = opensource.adoption_series(adoption, ["Llama cumulative downloads"], sources)
    assert list(series.value) == [650.0, 1200.0]
    assert series.date.iloc[-1] == pd.Timestamp("2025-04-01"), "not carried forward to 2026"


def test_an_unknown_formation_event_names_the_parameter_and_the_choices():
    from report import data
    from report.chapters import labs

    events = labs.one_per_event(data.load("lab_events"), data.load("sources"))
    assert labs.event(events, "msl-formed").date == pd.Timestamp("2025-06-30")
    with pytest.raises(ValueError, match=r"formation_event='nope' is no event.*msl-formed"):
        labs.event(events, "nope")


def test_the_closed_models_sentence_names_the_closed_model_the_sizes_chart_draws():
    from report.chapters import open_source as oss

    rows = pd.DataFrame(
        {
            "developer": ["Meta", "Meta", "Meta", "Other"],
            "model": ["Big", "Spark", "Open", "X"],
            "open_weights": [False, False, True, False],
            "total_params_bn": [2000.0, None, 400.0, 10.0],
            "status_label": ["Shelved", "Released", "Released", "Released"],
        }
    )
    text = oss.closed_sizes_text(rows)
    assert "Big (shelved)" in text and "the other 1 closed model" in text
    assert "Spark" not in text and "X" not in text
    assert "None of" in oss.closed_sizes_text(rows[rows.model != "Big"])
