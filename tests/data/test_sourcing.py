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
