"""The labs chapter: the roster counts roles once and ends them when people left; the prose
names what its counts rest on, and each glued count equals what the chart beside it draws."""

from __future__ import annotations

import notebookkit as nk
import pandas as pd
import pytest

from report import data
from report.chapters import labs

D = pd.Timestamp
EDITION = D("2026-11-29")
SOURCES = pd.DataFrame(
    {
        "source_id": ["s1", "s2", "s3", "s4"],
        "kind": ["news", "note", "company", "syndicated"],
        "published": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01", None]),
    }
)


def roster(**extra) -> pd.DataFrame:
    rows = {
        "person": ["Ann", "Ann", "Bob", "Cy", "Dee"],
        "title": ["Head of X", "Head of X", "Head of Y", "Head of Z", "Head of W"],
        "group": ["MSL", "MSL", "FAIR", "GenAI", "MSL"],
        "start": pd.to_datetime(["2025-03-01", "2025-03-01", "2013-12-01", "2024-01-01", None]),
        "start_precision": ["month", "month", "month", "year", None],
        "end": pd.to_datetime([None, None, None, "2025-05-01", None]),
        "end_precision": [None, None, None, "month", None],
        "source_id": ["s1", "s2", "s1", "s1", "s1"],
    }
    rows.update(extra)
    return pd.DataFrame(rows)


def departures(**extra) -> pd.DataFrame:
    rows = {
        "person": ["Bob", "Bob", "Eve", "Ann"],
        "left_date": pd.to_datetime(["2025-11-01", "2025-12-01", "2025-08-01", None]),
        "date_precision": ["month", "month", "month", None],
        "outcome": ["left", "left", "never_joined", "left"],
        "source_id": ["s2", "s1", "s1", "s4"],
    }
    rows.update(extra)
    return pd.DataFrame(rows)


def test_two_sources_of_one_role_are_one_role():
    one = labs.roles(roster(), SOURCES)
    assert one.groupby(labs.ROLE_KEYS).size().max() == 1
    assert len(one) == 4
    assert one.set_index("person").loc["Ann", "source_id"] == "s1"  # news beats a note


def test_a_role_one_source_ends_is_ended_whatever_the_preferred_source_says():
    rows = roster(end=pd.to_datetime([None, "2025-09-01", None, "2025-05-01", None]))
    rows["end_precision"] = [None, "month", None, "month", None]
    ann = labs.roles(rows, SOURCES).set_index("person").loc["Ann"]
    assert ann["end"] == D("2025-09-01") and ann["end_source_id"] == "s2"


def test_left_meta_takes_the_preferred_dated_row_and_skips_who_never_started():
    gone = labs.left_meta(departures(), SOURCES).set_index("person")
    assert "Eve" not in gone.index
    assert gone.loc["Bob", "left_date"] == D("2025-12-01")  # news (s1) beats a note (s2)
    assert pd.isna(gone.loc["Ann", "left_date"])


def test_a_person_who_left_meta_holds_no_open_role():
    held = labs.tenures(roster(), EDITION, departures(), SOURCES).set_index("person")
    bob = held.loc["Bob"]
    assert bob["state"] == "departure" and not bob["ongoing"]
    assert bob["until"] == D("2025-12-01") and bob["end_source_id"] == "s1"
    # Ann left on a date no source gives: her role is not counted as held, nor measured
    ann = held.loc["Ann"]
    assert ann["state"] == "left_undated" and not ann["ongoing"] and pd.isna(ann["months"])
    assert held.loc["Cy", "state"] == "role"
    assert "Dee" not in held.index  # no start: not drawn
    text = labs.roster_text(held.reset_index())
    assert text["roles"] == "3" and text["open"] == "0"
    assert text["by_departure"] == "one role, Bob's"


def test_a_role_that_ends_the_month_its_holder_left_meta_ended_with_the_departure():
    """Pang's role ended in February 2026, the month he left for OpenAI; the roster drew it as
    an ordinary end (analyst, #26)."""
    gone = departures(
        person=["Bob", "Bob", "Eve", "Cy"],
        left_date=pd.to_datetime([None, None, None, "2025-05-20"]),
    )
    held = labs.tenures(roster(), EDITION, gone, SOURCES).set_index("person")
    cy = held.loc["Cy"]
    assert cy["state"] == "departure" and cy["end"] == D("2025-05-01")  # its own end kept
    far = gone.assign(left_date=pd.to_datetime([None, None, None, "2025-09-01"]))
    assert labs.tenures(roster(), EDITION, far, SOURCES).set_index("person").loc["Cy", "state"] == (
        "role"
    )  # a role that ended months before its holder left did not end with the departure


def test_without_departures_open_roles_stay_open():
    held = labs.tenures(roster(), EDITION).set_index("person")
    assert held.loc["Bob", "ongoing"] and held.loc["Bob", "until"] == EDITION
    assert labs.roster_text(held.reset_index())["by_departure"] == "no role"


def events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "event_id": ["a", "b", "c", "d"],
            "date": pd.to_datetime(["2023-02-01", "2025-06-30", "2026-05-20", "2026-07-01"]),
            "date_precision": ["month", "day", "day", "month"],
            "type": ["formation", "formation", "reorganisation", "model_release"],
            "title": ["GenAI formed", "Lab formed", "About 7,000 staff moved", "Muse Spark, first"],
            "source_id": ["s1", "s3", "s2; s3", "s4"],
        }
    )


def test_every_restructuring_a_count_rests_on_is_named():
    rows = labs.restructurings(events())
    text = labs.restructuring_list(rows)
    assert text == (
        "February 2023 (GenAI formed); 30 June 2025 (Lab formed); "
        "20 May 2026 (About 7,000 staff moved)"
    )
    assert labs.newest_change(events()) == "About 7,000 staff moved (20 May 2026)"
    with pytest.raises(ValueError):
        labs.newest_change(events()[events().type == "model_release"])


def test_grade_mix_counts_each_event_by_its_strongest_source():
    assert labs.grade_mix(events(), SOURCES) == (
        "of the 4 events, 2 rest on a filing or a company release or statement, "
        "2 on news reports or copies of them and 0 on reference pages, newsletters, notes or blogs"
    )


def test_the_first_model_is_named_and_its_openness_read_from_the_releases():
    releases = pd.DataFrame(
        {
            "developer": ["Meta", "Meta", "Meta"],
            "model": ["Muse", "Muse Spark", "Muse Spark 1.1"],
            "open_weights": [True, False, None],
            "source_id": ["s1", "s1", "s1"],
        }
    )
    assert labs.release_named("Muse Spark, first MSL model", releases) == "Muse Spark"
    assert labs.release_named("Llama 9", releases) is None
    assert labs.openness(releases, "Muse Spark", SOURCES) == "closed"
    assert labs.openness(releases, "Muse", SOURCES) == "open-weight"
    assert labs.openness(releases, "Muse Spark 1.1", SOURCES) == "of unstated openness"
    assert labs.openness(releases, None, SOURCES) == "of unstated openness"


# ---------------------------------------------------------------- the committed notebook


@pytest.fixture(scope="module")
def glued():
    return nk.glued("labs")


def test_timeline_count_equals_its_marks(glued):
    points = nk.mark_rows(nk.chart_spec("labs", "lab-timeline"), "point")
    assert len(points) == 1
    assert int(glued["window_events"]) == len(points[0])


def test_every_restructuring_counted_is_named_and_drawn(glued):
    bars = nk.mark_rows(nk.chart_spec("labs", "restructuring-intervals"), "bar")[0]
    count = int(glued["restructurings_count"])
    assert count == len(bars) + 1  # a bar is the gap since the previous restructuring
    assert glued["restructuring_list"].startswith(glued["first_restructuring"] + " (")
    for bar in bars:
        assert f"{bar['when_text']} ({bar['title']})" in glued["restructuring_list"]
    assert int(glued["restructurings_since"]) <= count


def test_roster_counts_equal_its_bars_and_no_leaver_holds_an_open_role(glued):
    bars = nk.mark_rows(nk.chart_spec("labs", "leadership-roster"), "bar")[0]
    assert int(glued["roles_total"]) == len(bars)
    open_roles = [b for b in bars if b["state_label"] == labs.ROLE_STATES["open"]]
    assert int(glued["roles_open"]) == len(open_roles)
    assert len({(b["person"], b["role"]) for b in bars}) == len(bars)  # each role once
    left = labs.left_meta(data.load("departures"), data.load("sources")).dropna(
        subset=["left_date"]
    )
    assert not {b["person"] for b in open_roles} & set(left["person"])


def test_launches_read_in_date_order_with_month_only_dates_after_the_days_of_their_month():
    events = pd.DataFrame(
        {
            "event_id": ["a", "b", "c", "d"],
            "date": pd.to_datetime(["2026-07-01", "2026-07-06", "2026-08-01", "2025-01-01"]),
            "date_precision": ["month", "day", "month", "day"],
            "type": ["product", "model_release", "product", "product"],
            "title": list("ABCD"),
        }
    )
    out = labs.launches(events, pd.Timestamp("2025-06-30"))
    assert out["event_id"].tolist() == ["b", "a", "c"]
    assert out["when"].tolist()[:2] == ["6 July 2026", "July 2026"]


def test_a_launch_shows_its_models_weights_and_its_source_not_the_auditors_note():
    events = pd.DataFrame(
        {
            "event_id": ["spark", "spark-1-1", "api"],
            "date": pd.to_datetime(["2026-04-08", "2026-07-09", "2026-07-10"]),
            "date_precision": ["day", "day", "day"],
            "type": ["model_release", "model_release", "product"],
            "title": ["Muse Spark, first model", "Muse Spark 1.1 listed", "Model API opens"],
            "source_id": ["s1", "s2", "s1; s2"],
            "note": ["this page does not state the weights status", "Moved from x", None],
        }
    )
    releases = pd.DataFrame(
        {
            "developer": ["Meta", "Meta", "Meta"],
            "model": ["Muse Spark", "Muse Spark", "CWM 32B"],
            "date": pd.to_datetime(["2026-04-08", "2026-04-08", "2025-09-01"]),
            "date_precision": ["day", "day", "month"],
            "open_weights": [False, None, True],
            "status": ["released"] * 3,
            "source_id": ["s2", "s1", "s1"],
        }
    )
    sources = pd.DataFrame(
        {
            "source_id": ["s1", "s2"],
            "kind": ["news", "note"],
            "publisher": ["Axios", "NYU Shanghai RITS"],
            "published": pd.to_datetime([None, None]),
        }
    )
    out = labs.launch_rows(events, pd.Timestamp("2025-06-30"), releases, sources)
    # a release no event names (CWM) is a launch of its own, first by date
    assert out["title"].tolist()[0] == "CWM 32B released" and out["weights"].iloc[0] == "open"
    out = out.iloc[1:]
    # the news row does not say; the note says closed: the weights come from the note
    assert out["weights"].tolist() == ["closed", "not stated in our sources", ""]  # 1.1 ≠ Spark
    assert out["source"].tolist() == ["Axios", "NYU Shanghai RITS", "Axios; NYU Shanghai RITS"]
    assert labs.release_named("Muse Spark 1.1 listed", releases) is None
    assert labs.release_named("Muse Spark, first model", releases) == "Muse Spark"
