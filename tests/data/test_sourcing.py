"""Several sources per row, and counting facts rather than rows."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from report.data.sourcing import (
    all_ids,
    best_kind,
    count_facts,
    facts,
    preferred,
    split_ids,
)

IDS = st.from_regex(r"[a-z0-9][a-z0-9-]{0,12}", fullmatch=True)


@given(st.lists(IDS, min_size=1, max_size=5), st.sampled_from([";", "; ", " ;", " ; "]))
def test_split_ids_reads_back_what_was_joined(ids, sep):
    assert split_ids(sep.join(ids)) == list(dict.fromkeys(ids))


@pytest.mark.parametrize("empty", [None, float("nan"), "", " ; ", pd.NA])
def test_split_ids_of_nothing_is_empty(empty):
    assert split_ids(empty) == []


def test_all_ids_keeps_first_seen_order_once():
    assert all_ids(["b; a", None, "a", "c;b"]) == ["b", "a", "c"]


def test_best_kind_is_the_strongest_grade_among_a_rows_sources():
    kinds = {"n": "news", "f": "filing", "g": "generated"}
    assert best_kind("g; n", kinds) == "news"
    assert best_kind("n;f", kinds) == "filing"
    assert best_kind("unknown", kinds) is None


SOURCES = pd.DataFrame(
    {
        "source_id": ["n1", "f1", "s1"],
        "kind": ["news", "filing", "syndicated"],
        "published": pd.to_datetime(["2025-01-02", "2025-01-01", "2025-01-05"]),
    }
)


def test_preferred_grades_a_row_by_its_strongest_source():
    frame = pd.DataFrame({"year": [2025, 2025], "value": [1.0, 2.0], "source_id": ["n1", "s1; f1"]})
    best = preferred(frame, ["year"], SOURCES)
    assert best["value"].tolist() == [2.0]  # the filing, though cited second in its row


def test_a_disputed_row_is_drawn_only_when_nothing_else_holds_its_fact():
    # The news row outranks the note by grade, but it is marked as its source's slip.
    frame = pd.DataFrame(
        {
            "quarter": ["Q1", "Q1", "Q2"],
            "value": [3.742, 3.846, 9.0],
            "source_id": ["s1", "n1", "s1"],
            "disputed": [True, None, True],
        }
    )
    best = preferred(frame, ["quarter"], SOURCES)
    assert best["value"].tolist() == [3.846, 9.0]
    assert "disputed" in best and "_disputed" not in best


def test_the_committed_slips_are_never_drawn():
    """The two rows the ledger marks as slips lose to weaker sources of the same fact."""
    from report.data import load

    sources = load("sources")
    rl = preferred(load("reality_labs_quarterly"), ["quarter"], sources).set_index("quarter")
    assert rl.loc["2024Q1", "operating_loss_usd_bn"] != 3.742
    cash = load("cash_flow")
    div = preferred(cash[cash["metric"] == "dividends"], ["period"], sources).set_index("period")
    assert div.loc["FY2024", "value_usd_bn"] != 0.691


def test_two_sources_of_one_fact_count_once():
    rows = pd.DataFrame(
        {
            "person": ["A", "A", "B", "B"],
            "role": ["chief", "chief", "lead", "head"],
            "source_id": ["x", "y", "x", "z"],
        }
    )
    assert count_facts(rows, ["person", "role"]) == 3
    assert count_facts(rows, ["person"]) == 2
    assert facts(rows, ["person"])["source_id"].tolist() == ["x", "x"]


def test_a_fact_is_never_keyed_by_its_sources():
    rows = pd.DataFrame({"person": ["A"], "source_id": ["x"]})
    with pytest.raises(ValueError, match="never include its sources"):
        count_facts(rows, ["person", "source_id"])
    with pytest.raises(KeyError, match="nobody"):
        count_facts(rows, ["nobody"])


# --- the contract: several ids in one cell, each a key of sources -------------------------------

import datakit as dk  # noqa: E402

from report import data  # noqa: E402
from report.data.validation import validate  # noqa: E402


def _errors(copy):
    return [p for p in validate(copy) if p.severity == "error"]


def test_a_row_may_cite_several_sources(tmp_path):
    copy = dk.copy_data(tmp_path / "several")
    first, second = (
        dk.cell(copy, "sources", "source_id", 0),
        dk.cell(copy, "sources", "source_id", 1),
    )
    dk.set_cell(copy, "capex_annual", "source_id", f"{first}; {second}")
    assert _errors(copy) == []
    loaded = data.load("capex_annual", copy)
    assert split_ids(loaded["source_id"].iloc[0]) == [first, second]


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("{first}; no-such-source", "'no-such-source' is not a source_id"),
        ("{first};;{first}", "empty source id"),
        ("{first}; Bad Id", "not a source id: 'Bad Id'"),
    ],
)
def test_every_id_of_a_list_is_checked(tmp_path, cell, words):
    copy = dk.copy_data(tmp_path / "bad")
    first = dk.cell(copy, "sources", "source_id", 0)
    dk.set_cell(copy, "capex_annual", "source_id", cell.format(first=first))
    [problem] = _errors(copy)
    assert problem.file.endswith("capex_annual.csv")
    assert (problem.row, problem.field) == (2, "source_id")
    assert words in problem.rule


def test_a_generated_page_beside_a_stronger_one_in_the_same_row_is_accepted(tmp_path):
    copy = dk.copy_data(tmp_path / "gen")
    sources = data.load("sources", copy)
    generated = sources[sources["kind"] == "generated"]["source_id"].iloc[0]
    news = sources[sources["kind"] == "news"]["source_id"].iloc[0]
    dk.set_cell(copy, "capex_annual", "source_id", generated)
    assert any("sole support" in p.rule for p in _errors(copy))
    dk.set_cell(copy, "capex_annual", "source_id", f"{generated}; {news}")
    assert _errors(copy) == []


def test_a_free_cash_flow_row_needs_its_definition_and_no_other_row_has_one(tmp_path):
    copy = dk.copy_data(tmp_path / "fcf")
    rows = data.load("cash_flow", copy)
    fcf = int(rows.index[rows.metric == "free_cash_flow"][0])
    other = int(rows.index[rows.metric != "free_cash_flow"][0])
    dk.set_cell(copy, "cash_flow", "definition", "", row=fcf)
    dk.set_cell(copy, "cash_flow", "definition", "meta", row=other)
    found = {(p.row, p.field, p.rule) for p in _errors(copy)}
    assert (
        fcf + 2,
        "definition",
        "'definition' required on rows with metric=free_cash_flow",
    ) in found
    assert (
        other + 2,
        "definition",
        "'definition' must be empty except on rows with metric=free_cash_flow",
    ) in found


def test_an_attribute_the_best_row_leaves_empty_comes_from_the_next_row_with_its_source():
    from report.data.sourcing import preferred_filled

    frame = pd.DataFrame(
        {
            "model": ["M", "M", "M"],
            "size": [None, 405.0, 400.0],
            "licence": ["L", None, None],
            "source_id": ["f1", "n1", "s1"],
        }
    )
    best = preferred_filled(frame, ["model"], SOURCES, ["size", "licence"])
    assert best.columns.tolist() == frame.columns.tolist()
    assert best.loc[0, "size"] == 405.0  # the news row outranks the syndicated one
    assert best.loc[0, "licence"] == "L"
    assert best.loc[0, "source_id"] == "f1; n1"
    assert preferred(frame, ["model"], SOURCES)["size"].isna().all()  # what was drawn before
