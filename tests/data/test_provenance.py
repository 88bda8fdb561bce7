"""How sources may support figures: grades, AI-written pages, second-hand figures."""

from __future__ import annotations

import datakit as dk
import pytest

from report import data
from report.data.validation import DataError, validate


def add_source(copy, source_id, kind="news", seen="direct", quoted_by="", publisher=None):
    header, rows = dk.read(copy / "sources.csv")
    row = dict.fromkeys(header, "")
    row.update(
        source_id=source_id,
        title=f"Page {source_id}",
        publisher=publisher or f"Publisher of {source_id}",
        url=f"https://example.org/{source_id}",
        accessed="2026-11-29",
        kind=kind,
        seen=seen,
        quoted_by=quoted_by,
    )
    dk.write(copy / "sources.csv", header, [*rows, [row[h] for h in header]])


def add_row(copy, table, **values):
    header, rows = dk.read(copy / f"{table}.csv")
    row = dict.fromkeys(header, "")
    row.update(values)
    dk.write(copy / f"{table}.csv", header, [*rows, [row[h] for h in header]])
    return len(rows) + 2  # the CSV row a person sees (header is row 1)


def add_cash_flow(copy, source_id, metric="buybacks", value="4.2", year=2019):
    """Append one cash-flow row for fiscal ``year`` citing ``source_id``; its spreadsheet row."""
    return add_row(
        copy,
        "cash_flow",
        period=f"FY{year}",
        period_end=f"{year}-12-31",
        metric=metric,
        value_usd_bn=value,
        source_id=source_id,
    )


def errors(copy):
    return [p for p in validate(copy) if p.severity == "error"]


def test_grades_are_the_documented_scale():
    field = next(
        f
        for f in data.package().descriptor["resources"][0]["schema"]["fields"]
        if f["name"] == "kind"
    )
    assert field["constraints"]["enum"] == [
        "filing",
        "company",
        "news",
        "syndicated",
        "reference",
        "note",
        "generated",
    ]


def test_a_generated_page_as_sole_support_is_refused(tmp_path):
    copy = dk.copy_data(tmp_path / "gen")
    add_source(copy, "ai-summary", kind="generated")
    line = add_cash_flow(copy, "ai-summary", year=2018)
    found = errors(copy)
    assert len(found) == 1, found
    problem = found[0]
    assert problem.file.endswith("cash_flow.csv") and problem.row == line
    assert problem.field == "source_id" and "sole support" in problem.rule
    with pytest.raises(DataError, match=r"cash_flow\.csv, row \d+, field 'source_id'"):
        data.ensure_valid(copy)


def test_a_generated_page_beside_a_stronger_one_is_accepted(tmp_path):
    copy = dk.copy_data(tmp_path / "gen-ok")
    header, rows = dk.read(copy / "cash_flow.csv")
    existing = dict(zip(header, rows[0], strict=True))
    add_source(copy, "ai-summary", kind="generated")
    add_row(copy, "cash_flow", **{**existing, "source_id": "ai-summary", "note": ""})
    assert errors(copy) == []


def test_a_claim_supported_only_by_a_generated_page_is_refused(tmp_path):
    copy = dk.copy_data(tmp_path / "claim")
    add_source(copy, "ai-summary", kind="generated")
    header, rows = dk.read(copy / "claim_sources.csv")
    claim = rows[0][header.index("claim_id")]
    kept = [r for r in rows if r[header.index("claim_id")] != claim]
    dk.write(copy / "claim_sources.csv", header, [*kept, [claim, "ai-summary"]])
    found = errors(copy)
    assert [(p.file.rsplit("/", 1)[-1], p.field) for p in found] == [
        ("claim_sources.csv", "source_id")
    ]
    assert "only support" in found[0].rule


def test_a_second_hand_figure_quoted_by_one_document_is_refused(tmp_path):
    copy = dk.copy_data(tmp_path / "one")
    add_source(copy, "quoter-a")
    add_source(copy, "primary-10q", kind="filing", seen="secondhand", quoted_by="quoter-a")
    add_cash_flow(copy, "primary-10q")
    add_cash_flow(copy, "quoter-a", "dividends", "0")
    found = errors(copy)
    assert len(found) == 1 and found[0].file.endswith("sources.csv")
    assert found[0].field == "quoted_by" and "at least 2 independent" in found[0].rule


def test_a_second_hand_figure_quoted_by_two_independent_documents_is_accepted(tmp_path):
    copy = dk.copy_data(tmp_path / "two")
    add_source(copy, "quoter-a")
    add_source(copy, "quoter-b")
    add_source(
        copy, "primary-10q", kind="filing", seen="secondhand", quoted_by="quoter-a; quoter-b"
    )
    add_cash_flow(copy, "primary-10q")
    add_cash_flow(copy, "quoter-a", "dividends", "0")
    add_cash_flow(copy, "quoter-b", "long_term_debt_end", "0")
    assert errors(copy) == []


@pytest.mark.parametrize(
    "quoters",
    [
        pytest.param(
            {"quoter-a": {}, "quoter-b": {"publisher": "Publisher of quoter-a"}},
            id="same publisher",
        ),
        pytest.param({"quoter-a": {}, "quoter-b": {"seen": "secondhand"}}, id="quoter not read"),
    ],
)
def test_second_hand_quoters_must_be_independent_and_read(tmp_path, quoters):
    copy = dk.copy_data(tmp_path / "dep")
    for sid, extra in quoters.items():
        add_source(copy, sid, **extra)
    add_source(copy, "primary-10q", kind="filing", seen="secondhand", quoted_by="quoter-a;quoter-b")
    add_cash_flow(copy, "primary-10q")
    found = [p for p in errors(copy) if p.field == "quoted_by"]
    assert found and all(p.file.endswith("sources.csv") for p in found)


def test_a_github_file_is_cited_by_the_tools_full_locator_and_nothing_looser(tmp_path):
    """A source's url is a web address, or a GitHub file as the search tool named it: repository,
    full commit and path. A partial locator or another scheme is refused, naming the row."""
    copy = dk.copy_data(tmp_path / "data")
    commit = "0123456789abcdef0123456789abcdef01234567"
    dk.set_cell(copy, "sources", "url", f"github:owner/repo.name@{commit}:data/x.json", row=0)
    dk.set_cell(copy, "sources", "url", "github:owner/repo@0123abc:data/x.json", row=1)
    dk.set_cell(copy, "sources", "url", "file:///etc/passwd", row=2)
    bad = [p for p in validate(copy) if p.severity == "error" and p.field == "url"]
    assert sorted(p.row for p in bad) == [3, 4]
    assert all("pattern" in str(p) for p in bad)
