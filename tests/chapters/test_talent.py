"""The talent chapter: counts count facts (people, pay reports), the one-year mark of the 2025
hires, and each glued count equals what the chart or table beside it draws."""

from __future__ import annotations

import re

import notebookkit as nk
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from report.chapters import talent

D = pd.Timestamp
SOURCES = pd.DataFrame(
    {
        "source_id": ["s1", "s2", "s3"],
        "kind": ["news", "note", "syndicated"],
        "publisher": ["The Decoder", "AIM", "The Verge (reprint)"],
        "published": pd.to_datetime(["2025-08-27", None, None]),
    }
)


def reports() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "subject": [
                "Tulloch (offer)",
                "Tulloch: $1.5bn",
                "Tulloch: $1.5bn",
                "Tulloch: $1bn",
                "Pay at X",
                "Beyer",
            ],
            "organisation": ["Meta", "Meta", "Meta", "Meta", "OpenAI", "Meta"],
            "figure": ["t-1-5bn", "t-1-5bn", "t-1-5bn", "t-1bn", "x-10m", "beyer"],
            "low_usd_m": [1500, 1500, 1500, 1000, 10, None],
            "high_usd_m": [1500, 1500, 1500, 1000, None, None],
            "period_years": [None, 6, None, 6, 1, None],
            "status": [
                "press_report",
                "denied",
                "denied",
                "press_report",
                "press_report",
                "denied",
            ],
            "reported_date": pd.to_datetime(
                ["2025-08-06", "2025-10-12", None, None, None, "2025-06-26"]
            ),
            "source_id": ["s3", "s1", "s2", "s1", "s1", "s1"],
            "note": [None] * 6,
        }
    )


def test_a_report_and_its_denial_are_one_pay_figure():
    shown = talent.pay_ranges(reports(), 0)
    assert len(shown) == 3  # the $1.5bn once (a report, two denials); Beyer has no figure
    tulloch = shown[shown["figure"] == "t-1-5bn"].iloc[0]
    assert tulloch["status"] == "denied"  # the strongest status: the denial answers the report
    assert tulloch["subject"] == "Tulloch (offer)"  # the report's words, not the denial's
    assert tulloch["period_years"] == 6  # the first row that states it
    assert tulloch["reported_date"] == D("2025-08-06")  # first reported
    assert tulloch["last_reported"] == D("2025-10-12")  # denied: the status is as of then
    assert tulloch["source_id"] == "s3; s1; s2" and tulloch["rows"] == 3
    texts = talent.pay_texts(shown)
    assert texts["denied_count"] == "1" and texts["base"] == "2"
    assert texts["denied"] == "1 of the 2 (50%)"
    assert texts["confirmed"] == (
        "none of the 2 pay figures reported for Meta's recruits was confirmed by Meta"
    )
    assert texts["periods"] == (
        "of Meta's 2, 2 cover more than a year, 0 a single year and 0 no stated period; "
        "of the other labs' 1, 0 cover more than a year, 1 a single year and 0 no stated period"
    )


def test_two_amounts_under_one_figure_are_refused():
    rows = reports()
    rows.loc[1, "low_usd_m"] = 1400
    with pytest.raises(ValueError, match=r"figure 't-1-5bn' \(Meta\).*low_usd_m"):
        talent.pay_figures(rows)


def test_the_book_counts_each_reported_figure_once():
    from report.data import load

    data = load("compensation_reports")
    shown = talent.pay_ranges(data, 0, load("sources"))
    meta = data[(data["organisation"] == "Meta") & data["low_usd_m"].notna()]
    assert int((shown["payer"] == "Meta").sum()) == meta["figure"].nunique() < len(meta)
    assert shown["figure"].is_unique


def hires() -> pd.DataFrame:
    rows = pd.DataFrame(
        {
            "person": ["Ann", "Bob", "Cy", "Dee", "Eve", "Fay"],
            "previous_employer": ["OpenAI", "OpenAI (Zurich)", "Apple", "TML", "Scale AI", "DM"],
            "date_reported": pd.to_datetime(
                ["2025-06-30", "2025-07-07", "2025-10-12", "2026-05-01", None, None]
            ),
            "date_precision": ["day", "day", "day", "day", None, None],
            "source_id": ["s1"] * 6,
        }
    )
    return talent.people(rows)


def test_hires_by_year_names_every_year_the_chart_draws():
    assert talent.by_year_text(hires()) == "3 reported in 2025 and 1 in 2026"
    assert talent.hires_by_year(hires())["names"].tolist() == ["Ann, Bob, Cy", "Dee"]
    assert talent.latest_hires(hires()) == {"date": "1 May 2026", "names": "Dee"}
    assert talent.employers_text(hires()[hires().date_reported.isna()]) == "DM (1) and Scale AI (1)"
    assert talent.by_year_text(hires().iloc[0:0]) == "none dated"


def departures() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person": ["Bob", "Bob", "Gus", "Hal", "Ivy", "Ivy", "Cy"],
            "left_date": pd.to_datetime(
                ["2026-02-01", "2026-03-01", None, "2025-08-01", "2025-08-01", None, None]
            ),
            "date_precision": ["month", "month", None, "month", "month", None, None],
            "destination": ["OpenAI", "OpenAI", None, None, "OpenAI", "OpenAI", None],
            "joined_date": pd.NaT,
            "cohort": [
                "new_recruit",
                "new_recruit",
                "existing_staff",
                "existing_staff",
                "new_recruit",
                "new_recruit",
                "new_recruit",
            ],
            "outcome": ["left", "left", "left", "left", "left", "never_joined", "never_joined"],
            "source_id": ["s2", "s1", "s1", "s1", "s1", "s3", "s3"],
        }
    )


def test_each_person_who_left_is_counted_and_drawn_once():
    drawn = talent.departures_drawn(departures(), SOURCES)
    assert drawn["person"].tolist() == ["Hal", "Ivy", "Bob"]
    assert drawn.set_index("person").loc["Ivy", "outcome"] == "never_joined"
    assert drawn.set_index("person").loc["Bob", "left_date"] == D("2026-03-01")  # news > note
    counts = talent.departure_counts(departures(), SOURCES)
    assert counts == {
        "left": 3,  # Bob, Gus, Hal; Ivy and Cy never started
        "dated": 2,
        "undated": ["Gus"],
        "never_joined": ["Cy", "Ivy"],
        "existing": 2,
    }
    assert talent.undated_text(counts["undated"]) == "1 more (Gus) whom no source dates"
    assert talent.undated_text([]) == "every departure has a date in our sources"


def test_the_one_year_mark_states_its_base_and_who_left():
    members = talent.cohort(hires(), departures())
    assert members["person"].tolist() == ["Bob", "Ann", "Cy"]  # who left first; Cy never started
    assert members["left"].tolist() == [True, False, False]
    assert members.loc[0, "left_date"] == D("2026-02-01")  # the first dated row
    text = talent.cohort_text(members, 2, "1 May 2026")
    assert text == (
        "1 of the 3 named hires reported in 2025 (33%) had left Meta by 1 May 2026: Bob; "
        "the 2 hires with no reported date are outside this base"
    )
    assert talent.cohort_status(members.iloc[0]) == "Left Meta, February 2026, for OpenAI"
    assert talent.cohort_status(members.iloc[1]) == "No departure in our sources"
    stayed = talent.cohort(hires(), departures()[departures().person != "Bob"])
    assert talent.cohort_text(stayed, 0, "1 May 2026") == (
        "none of the 3 named hires reported in 2025 is known to have left Meta by 1 May 2026"
    )
    assert talent.cohort_text(talent.cohort(hires(), departures(), 2030), 0, "x", 2030) == (
        "our sources name no named hires reported in 2030"
    )
    assert talent.cohort_text(stayed, 0, "1 May 2026", months_after=10.4).endswith(
        "by 1 May 2026, 10 months after the first of them was reported hired"
    )


def test_who_never_started_names_each_side():
    text = talent.never_started_text(departures(), SOURCES)
    assert text == (
        "For Cy, The Verge (reprint) says they never started; for Ivy, The Decoder says they "
        "left Meta; The Verge (reprint) says they never started"
    )
    no_one = departures()[departures().outcome == "left"]
    assert talent.never_started_text(no_one, SOURCES).startswith("No source")


# ---------------------------------------------------------------- the committed notebook


@pytest.fixture(scope="module")
def glued():
    return nk.glued("talent")


def test_departure_count_equals_the_marks_drawn(glued):
    points = nk.mark_rows(nk.chart_spec("talent", "departures"), "point")
    assert len(points) == 1
    marks = points[0]
    left = [m for m in marks if m["outcome_label"] == talent.OUTCOME_LABELS["left"]]
    assert int(glued["departures_dated"]) == len(left)
    assert len({m["person"] for m in marks}) == len(marks)  # one mark a person
    undated = re.search(r"^(\d+) more \((.*)\)", glued["departures_undated_text"])
    named = len(re.split(r", | and ", undated.group(2))) if undated else 0
    assert undated is None or int(undated.group(1)) == named
    assert int(glued["departures_total"]) == len(left) + named


def test_denial_count_equals_the_pay_figures_drawn(glued):
    rules = nk.mark_rows(nk.chart_spec("talent", "reported-pay"), "rule")[0]
    meta = [r for r in rules if r["organisation"] == "Meta"]
    denied = [r for r in meta if r["status_label"] == talent.STATUS_LABELS["denied"]]
    assert int(glued["denials"]) == len(denied)
    assert glued["denied_share"].startswith(f"{len(denied)} of the {len(meta)} ")
    assert f"of the {len(meta)} pay figures" in glued["pay_confirmed"]


def test_every_year_the_hires_chart_draws_is_in_the_text(glued):
    bars = nk.mark_rows(nk.chart_spec("talent", "hires-over-time"), "bar")[0]
    by_year: dict[int, int] = {}
    for bar in bars:
        year = pd.Timestamp(bar["month"]).year
        by_year[year] = by_year.get(year, 0) + int(bar["hires"])
    stated = {
        int(y): int(n)
        for n, y in re.findall(r"(\d+) (?:reported )?in (\d{4})", glued["hires_by_year"])
    }
    assert stated == by_year


def test_the_one_year_mark_equals_its_table(glued):
    import nbformat

    nb = nbformat.read(str(nk.notebook("talent")), as_version=4)
    html = next(
        "".join(o["data"]["text/html"])
        for c in nb.cells
        if c.get("id") == "cohort"
        for o in c.get("outputs", [])
        if "text/html" in o.get("data", {})
    )
    rows = BeautifulSoup(html, "html.parser").select("tbody tr")
    left = [r for r in rows if r.find_all("td")[-1].get_text().startswith("Left Meta")]
    assert glued["cohort_left"] == f"{len(left)} of {len(rows)}"
    assert glued["cohort_left_text"].startswith(
        f"{len(left)} of the {len(rows)} named hires" if left else f"none of the {len(rows)} named"
    )
    for row in left:
        assert row.find_all("td")[0].get_text() in glued["cohort_left_text"]


def test_recruits_who_never_started_are_counted_apart_in_words():
    assert talent.never_joined_sentence([]) == "no source says a recruit never started"
    assert talent.never_joined_sentence(["Ivy"]).startswith("one more recruit in our sources (Ivy)")
    assert talent.never_joined_sentence(["Cy", "Ivy"]).startswith("two more recruits")


def test_two_outlets_sizes_of_one_offer_are_one_figure_at_the_stronger_sources_size():
    """Tulloch's offer was counted twice ($1bn and $1.5bn) while the table of sources that
    disagree called it one figure (third analyst, #26)."""
    rows = reports()
    rows.loc[rows["figure"] == "t-1bn", "figure"] = "t-1-5bn"  # one offer, two sizes
    shown = talent.pay_ranges(rows, 0, SOURCES)
    offer = shown[shown["figure"] == "t-1-5bn"]
    assert len(offer) == 1 and offer["status"].iloc[0] == "denied"
    # s1 (news) outranks s2 (note) and s3 (syndicated): the size s1's newest row gives
    assert offer["high_usd_m"].iloc[0] in (1500, 1000)
    assert talent.pay_texts(shown)["base"] == "1"
