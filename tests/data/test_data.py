"""The data package: the real one validates; broken copies fail precisely."""

from __future__ import annotations

import re
from pathlib import Path

import datakit as dk
import pandas as pd
import pytest

from report import data
from report.data import loader
from report.data.validation import DataError, Problem, format_problems, validate


# Each case: a mutation of a copy of data/, and what the message must name
# (file, CSV row number as a person sees it, field, and a word of the rule).
def test_the_real_package_is_valid():
    problems = data.problems()
    errors = [p for p in problems if p.severity == "error"]
    assert errors == [], format_problems(errors)


def test_every_source_is_cited():
    warnings = [p for p in data.problems() if p.severity == "warning"]
    assert warnings == [], "\n".join(map(str, warnings))


@pytest.mark.parametrize("case", sorted(dk.CASES))
def test_broken_copy_fails_naming_file_row_and_field(tmp_path, case):
    copy = dk.broken_copy(tmp_path, case)
    _, file, row, field, rule = dk.CASES[case]
    with pytest.raises(DataError) as err:
        data.ensure_valid(copy)
    message = str(err.value)
    hits = [p for p in err.value.problems if p.file.endswith(file)]
    assert hits, message
    assert any(rule in str(p) for p in hits), message
    if row is not None:
        assert any(p.row == row for p in hits), message
        assert f"{file}, row {row}" in message
    if field is not None:
        assert any(p.field == field for p in hits), message
        assert f"field '{field}'" in message


def test_all_errors_are_reported_together(tmp_path):
    copy = dk.copy_data(tmp_path / "many")
    dk.set_cell(copy, "capex_annual", "capex_usd_bn", "-1")
    dk.set_cell(copy, "capex_guidance", "given_date", "someday")
    dk.set_cell(copy, "sources", "kind", "rumour")
    problems = [p for p in validate(copy) if p.severity == "error"]
    files = {p.file.rsplit("/", 1)[-1] for p in problems}
    assert {"capex_annual.csv", "capex_guidance.csv", "sources.csv"} <= files


def test_long_lists_are_capped_with_a_count():
    problems = [Problem("x.csv", "bad", row=i) for i in range(2, 102)]
    text = format_problems(problems, limit=10)
    assert text.startswith("100 data error(s) found")
    assert text.count("\n  - ") == 10
    assert "... and 90 more" in text


def test_an_uncited_source_is_a_warning_not_an_error(tmp_path):
    copy = dk.copy_data(tmp_path / "uncited")
    dk.append_raw(
        copy,
        "sources",
        "lonely-source,A page,Someone,https://example.org/a,,2026-11-29,news,direct,,\n",
    )
    problems = validate(copy)
    assert [p.severity for p in problems] == ["warning"]
    assert problems[0].value == "lonely-source"
    data.ensure_valid(copy)  # warnings do not stop anything


def test_descriptor_duplicate_keys_are_errors(tmp_path):
    copy = dk.copy_data(tmp_path / "dup")
    text = (copy / "datapackage.yaml").read_text()
    (copy / "datapackage.yaml").write_text(
        text.replace("name: meta-superintelligence-bet", "name: a\nname: b", 1)
    )
    with pytest.raises(DataError, match="duplicate key 'name'"):
        data.ensure_valid(copy)


def test_load_returns_typed_frames():
    capex = data.load("capex_annual")
    assert str(capex["fiscal_year"].dtype) == "Int64"
    assert capex["capex_usd_bn"].dtype == "float64"
    guidance = data.load("capex_guidance")
    assert pd.api.types.is_datetime64_any_dtype(guidance["given_date"])
    assert guidance["note"].map(lambda v: v is None or isinstance(v, str)).all()


def test_load_unknown_table_lists_tables():
    with pytest.raises(KeyError, match=r"no table 'capx'.*capex_annual"):
        data.load("capx")


def test_a_table_not_declared_for_the_chapter_is_refused(tmp_path):
    try:
        data.use(None, chapter="labs")
        with pytest.raises(KeyError, match="not declared for chapter 'labs'"):
            data.load("capex_annual")
    finally:
        data.use(None, chapter=None)


def test_load_reads_another_data_folder(tmp_path):
    copy = dk.copy_data(tmp_path / "other")
    value = dk.cell(copy, "capex_annual", "capex_usd_bn")
    dk.set_cell(copy, "capex_annual", "capex_usd_bn", str(float(value) + 1000))
    assert data.load("capex_annual", copy)["capex_usd_bn"].iloc[0] == float(value) + 1000
    assert data.load("capex_annual")["capex_usd_bn"].iloc[0] == float(value)


def test_validation_is_cached_per_content(tmp_path, monkeypatch):
    copy = dk.copy_data(tmp_path / "cached")
    calls = []
    real = loader.validate
    monkeypatch.setattr(loader, "validate", lambda d: calls.append(d) or real(d))
    data.ensure_valid(copy)
    data.ensure_valid(copy)
    assert len(calls) == 1
    dk.set_cell(copy, "capex_annual", "capex_usd_bn", "-3")
    with pytest.raises(DataError):
        data.ensure_valid(copy)
    assert len(calls) == 2


def test_every_table_has_a_source_id_foreign_key():
    pkg = data.Package()
    cited_through = {}  # tables cited by a link table, e.g. claims through claim_sources
    for res in pkg.descriptor["resources"]:
        targets = {fk["reference"]["resource"] for fk in res["schema"].get("foreignKeys", [])}
        if "sources" in targets:
            for other in targets - {"sources"}:
                cited_through[other] = res["name"]
    for res in pkg.descriptor["resources"]:
        # witnesses back sources and rereads log the ledger's re-reads; neither cites a source
        if res["name"] in ("sources", "witnesses", "rereads"):
            continue
        fks = res["schema"].get("foreignKeys", [])
        targets = {(tuple(fk["fields"]), fk["reference"]["resource"]) for fk in fks}
        fields = {f["name"] for f in res["schema"]["fields"]}
        if "source_id" in fields:
            assert (("source_id",), "sources") in targets, res["name"]
        else:
            assert res["name"] in cited_through, f"{res['name']} cites no source"


def test_money_fields_declare_units_and_minimums():
    pkg = data.Package()
    for table in pkg.tables.values():
        for f in table.fields:
            if re.search(r"_usd_(bn|m)$", f["name"]):
                assert f.get("unit", "").startswith("USD"), (table.name, f["name"])


def test_quotes_and_semicolons_in_text_do_not_change_the_dialect(tmp_path):
    # Frictionless sniffs the CSV dialect unless told. Apostrophes and semicolons in notes
    # (as in "models' share" and "'By early 2026'; same figure, ...") once made it read a
    # file as ';'-separated with "'" quotes, and report nonsense errors.
    copy = dk.copy_data(tmp_path / "dialect")
    dk.set_cell(
        copy,
        "capex_annual",
        "note",
        "Chinese open models' share; cites a newsletter; context",
        row=0,
    )
    dk.set_cell(
        copy,
        "capex_annual",
        "note",
        "'By early 2026'; same figure as before, no newer count",
        row=1,
    )
    assert [p for p in validate(copy) if p.severity == "error"] == []
    assert data.load("capex_annual", copy)["note"].iloc[1].startswith("'By early 2026';")


@pytest.mark.parametrize(
    ("quarter", "period_end", "fragment"),
    [
        ("2024Q1", "2024-09-30", "'period_end' (2024-09-30) is not the last day of 2024Q1"),
        ("2024Q4", "2024-12-30", "is not the last day of 2024Q4 (2024-12-31)"),
        ("Q1 2024", "2024-03-31", 'constraint "pattern"'),  # the schema, reported once
    ],
)
def test_a_quarter_and_its_period_end_must_agree(tmp_path, quarter, period_end, fragment):
    copy = dk.copy_data(tmp_path / "q")
    dk.set_cell(copy, "capex_quarterly", "quarter", quarter)
    dk.set_cell(copy, "capex_quarterly", "period_end", period_end)
    found = [p for p in validate(copy) if p.severity == "error"]
    assert [(Path(p.file).name, p.row) for p in found] == [("capex_quarterly.csv", 2)], found
    assert fragment in found[0].rule


def test_a_duplicate_key_names_the_key_and_the_first_row(tmp_path):
    copy = dk.copy_data(tmp_path / "dup")
    dk.duplicate_row(copy, "capex_annual", 0)
    header, rows = dk.read(copy / "capex_annual.csv")
    first = dict(zip(header, rows[0], strict=True))
    found = [p for p in validate(copy) if p.severity == "error"]
    assert len(found) == 1 and found[0].row == len(rows) + 1
    assert f"fiscal_year='{first['fiscal_year']}', basis='{first['basis']}'" in found[0].rule
    assert found[0].rule.endswith("(as in row 2)")
