"""The ledger re-read in numbers: counts of sources, each once, from rereads.csv."""

from __future__ import annotations

import pandas as pd

from report.appendix import sources as pages


def _rereads():
    return pd.DataFrame(
        {
            "source_id": ["a", "b", "c", "a"],
            "url": ["u"] * 4,
            "reread": pd.to_datetime(["2025-01-01", "2026-12-06", "2026-12-06", "2026-12-06"]),
            "sample": ["cited", "random", "cited", "cited"],
            "stored": ["exact", "none", "exact", "exact"],
            "supports": ["partial", "unknown", "all", "all"],
            "faults": ["wrong_grade", "no_stored_page", None, "combined_attributes; wrong_grade"],
            "action": ["regraded", "dropped", "confirmed", "resourced; regraded"],
            "note": [None] * 4,
        }
    )


def test_only_each_sources_latest_reread_counts():
    summary = pages.reread_summary(_rereads())
    assert summary["total"] == 3 and summary["cited"] == 2 and summary["random"] == 1
    assert summary["stored_exact"] == 2 and summary["supports_all"] == 2
    assert summary["faults"]["wrong_grade"] == 1  # a's older re-read is superseded
    assert summary["faults"]["combined_attributes"] == 1
    assert summary["actions"] == {
        "confirmed": 1,
        "corrected": 0,
        "resourced": 1,
        "regraded": 1,
        "dropped": 1,
    }
    assert summary["date"] == pd.Timestamp("2026-12-06")


def test_the_pass_over_added_sources_is_counted_apart():
    rows = _rereads()
    rows.loc[1, ["sample", "stored", "supports"]] = ["added", "exact", "all"]
    summary = pages.reread_summary(rows)
    assert (summary["cited"], summary["random"], summary["added"]) == (2, 0, 1)
    assert summary["added_exact"] == 1 and summary["added_all"] == 1


def test_the_sources_table_shows_the_last_reread_or_not_yet():
    sources = pd.DataFrame(
        {
            "source_id": ["a", "z"],
            "title": ["A", "Z"],
            "publisher": ["P", "Q"],
            "url": ["https://a.example", "https://z.example"],
            "published": pd.to_datetime(["2025-01-01", None]),
            "kind": ["news", "news"],
            "seen": ["direct", "direct"],
            "quoted_by": [None, None],
        }
    )
    cited = pd.DataFrame(
        {"source_id": ["a", "z"], "tables": [["t"], ["t"]], "chapters": [[], []], "rows": [1, 1]}
    )
    text = pages.sources_table_html(sources, cited, ["news"], _rereads())
    assert "Last re-read" in text and "6 Dec 2026" in text and "not yet" in text
