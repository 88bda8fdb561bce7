"""Named facts: computed once, glued everywhere, and the build refuses pages that disagree."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from report import facts

SOURCES = pd.DataFrame(
    {"source_id": ["f", "n", "r"], "kind": ["filing", "news", "reference"], "published": [None] * 3}
)


def test_scale_price_is_the_strongest_source_not_the_latest_copy():
    rows = pd.DataFrame(
        {
            "fact": ["investment_amount", "investment_amount", "stake_pct"],
            "value": [14.3, 14.8, 49.0],
            "date": pd.to_datetime(["2025-06-13", "2025-09-01", "2025-06-13"]),
            "source_id": ["n", "r", "n"],
        }
    )
    price = facts.scale_price(rows, SOURCES)
    assert price.text == "$14.3 billion" and price.source_ids == ("n",)
    assert price.as_of_text == "as of 13 June 2025"
    assert facts.scale_stake(rows, SOURCES).text == "49%"


def test_releases_since_formation_count_every_meta_group_and_unknown_openness():
    releases = pd.DataFrame(
        {
            "developer": ["Meta", "Meta", "Meta", "Meta", "OpenAI"],
            "model": ["Llama 4", "CWM", "Muse Spark", "Muse Ember", "gpt-oss"],
            "date": pd.to_datetime(
                ["2025-04-05", "2025-09-24", "2026-04-08", "2026-11-09", "2025-08-05"]
            ),
            "open_weights": [True, True, False, None, True],
            "status": ["released"] * 5,
            "source_id": ["n"] * 5,
        }
    )
    fact = facts.releases_since(releases, pd.Timestamp("2025-06-30"), SOURCES)
    counts = {k: fact.parts[k] for k in ["open weights", "closed", "not stated"]}
    assert fact.value == 3 and counts == {"open weights": 1, "closed": 1, "not stated": 1}
    assert fact.parts["first_model"] == "CWM"  # the first release after formation, any group
    assert fact.parts["first_date"] == pd.Timestamp("2025-09-24")
    assert fact.detail == "1 open-weight, 1 closed, 1 not stated"
    assert fact.as_of == pd.Timestamp("2026-11-09")


def test_leaders_left_keeps_people_with_unknown_start_in_the_base():
    roster = pd.DataFrame(
        {
            "person": ["Yann LeCun", "A", "B", "C"],
            "start": pd.to_datetime([None, "2025-07-01", "2024-01-01", "2025-07-01"]),
            "end": pd.to_datetime(["2025-11-19", None, "2025-05-01", "2026-02-01"]),
            "source_id": ["n"] * 4,
        }
    )
    fact = facts.leaders_left(roster, pd.Timestamp("2025-06-30"))
    assert fact.text == "2 of 4", "LeCun (no start date) is counted; B left before formation"
    assert fact.as_of_text == "as of 1 February 2026"  # no precision column: to the day
    dated = roster.assign(end_precision=["day", None, "day", "month"])
    fact = facts.leaders_left(dated, pd.Timestamp("2025-06-30"))
    assert fact.as_of_text == "as of February 2026"  # the newest end is known to the month only
    assert fact.key_figure_as_of == {
        "as_of": pd.Timestamp("2026-02-01"),
        "as_of_precision": "month",
    }


def test_largest_offer_says_denied_and_that_he_joined_later():
    reports = pd.DataFrame(
        {
            "subject": ["Andrew Tulloch (offer)", "Andrew Tulloch (offer)", "Someone"],
            "organisation": ["Meta", "Meta", "Meta"],
            "high_usd_m": [1500.0, 1500.0, 300.0],
            "status": ["press_report", "denied", "press_report"],
            "reported_date": pd.to_datetime(["2025-08-08", "2025-08-09", "2025-07-01"]),
            "source_id": ["n", "n", "n"],
        }
    )
    hires = pd.DataFrame(
        {"person": ["Andrew Tulloch"], "date_reported": pd.to_datetime(["2025-10-10"])}
    )
    fact = facts.largest_offer(reports, hires)
    assert fact.text.startswith("$1.5 billion, for Andrew Tulloch, denied by Meta")
    assert "joined Meta later, reported 10 October 2025" in fact.text
    alone = facts.largest_offer(reports.iloc[[0, 2]])
    assert alone.detail == "reported, not confirmed" and "joined" not in alone.text


def test_capex_since_sums_the_headline_basis_from_the_strongest_source():
    capex = pd.DataFrame(
        {
            "fiscal_year": [2023, 2024, 2024, 2025, 2025],
            "basis": ["incl_finance_leases"] * 4 + ["purchases_ppe"],
            "capex_usd_bn": [28.1, 39.23, 40.0, 72.22, 69.69],
            "source_id": ["f", "f", "n", "f", "f"],
        }
    )
    fact = facts.capex_since(capex, SOURCES)
    assert fact.value == pytest.approx(39.23 + 72.22)  # the filing, not the news copy; no PP&E row
    assert fact.text == "$111.4 billion" and fact.as_of_text == "as of 2025"
    assert fact.name == "capex-since-2024"
    with pytest.raises(ValueError):
        facts.capex_since(capex, SOURCES, since=2030)


def test_reality_labs_losses_sum_from_the_year_given_and_name_missing_years():
    rl = pd.DataFrame(
        {
            "fiscal_year": [2019, 2020, 2022, 2022],
            "operating_loss_usd_bn": [4.5, 6.6, 13.7, 13.8],
            "source_id": ["n", "n", "f", "r"],
        }
    )
    fact = facts.reality_labs_losses(rl, SOURCES, 2019)
    assert fact.value == pytest.approx(4.5 + 6.6 + 13.7)
    assert fact.parts["missing"] == [2021]


def test_the_checker_names_the_pages_that_disagree():
    glued = {"labs": {"fact-x": "6", "other": "a"}, "open-source": {"fact-x": "8"}, "talent": {}}
    (problem,) = facts.check_named_facts(glued)
    assert "'x'" in problem and "labs: '6'" in problem and "open-source: '8'" in problem
    assert facts.check_named_facts({"labs": {"fact-x": "8"}, "open-source": {"fact-x": "8"}}) == []


def test_every_named_fact_agrees_across_the_built_book(project):
    glued = json.loads((project / "_build" / "figures.json").read_text())
    shown = {}
    for page, values in glued.items():
        for key in values:
            if key.startswith("fact-") and not key.endswith("-as-of"):
                shown.setdefault(key, set()).add(page)
    assert {"fact-scale-price", "fact-releases-since-formation"} <= set(shown)
    assert shown["fact-scale-price"] >= {"acquisition", "conclusion"}
    assert shown["fact-releases-since-formation"] >= {"labs", "open-source"}
    assert facts.check_named_facts(glued) == []


def test_a_page_computing_a_fact_its_own_way_stops_the_build(built_copy):
    import nbformat
    from buildkit import tree_digest
    from conftest import run_report

    root = built_copy
    path = root / "chapters" / "open-source.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.get("id") == "key-figures")
    cell.source += (
        '\nfmt.glue_text("fact-releases-since-formation", str(int(split.loc["after"].sum()) + 1))'
    )
    nbformat.write(nb, path)
    before = tree_digest(root / "_build" / "html")
    proc = run_report(root, "build")
    assert proc.returncode == 5, proc.stdout + proc.stderr
    assert "named fact 'releases-since-formation' differs" in proc.stderr
    assert "open-source" in proc.stderr and "labs" in proc.stderr
    assert "executing 1 notebook(s)" in proc.stdout  # only the changed page ran again
    assert tree_digest(root / "_build" / "html") == before, "the last good book was kept"


def test_no_glued_text_is_a_placeholder(project):
    """A key figure or sentence never shows 'n/a', 'nan' or 'None' (a formatter fed a gap)."""
    glued = json.loads((project / "_build" / "figures.json").read_text())
    bad = {
        f"{page}.{key}": text
        for page, values in glued.items()
        for key, text in values.items()
        if re.search(r"\bn/a|\bnan\b|\bNone\b", str(text))
    }
    assert bad == {}


def test_no_glue_name_has_two_values_across_pages(project):
    glued = json.loads((project / "_build" / "figures.json").read_text())
    assert facts.check_named_facts(glued) == []
    assert glued["infrastructure"]["fact-capex-latest"] == glued["conclusion"]["fact-capex-latest"]
