"""All three passes over a data folder, their problems reported together."""

from __future__ import annotations

from pathlib import Path

from report.data.validation.content import check_content
from report.data.validation.descriptor import _display, edition_date, read_descriptor
from report.data.validation.problems import Problem
from report.data.validation.refs import check_source_refs
from report.data.validation.rules import _rows, check_citations, check_provenance, check_rules
from report.data.validation.structure import check_structure


def validate(data_dir: Path) -> list[Problem]:
    """Validate the package in ``data_dir``; return every problem (errors and warnings)."""
    data_dir = Path(data_dir)
    descriptor = read_descriptor(data_dir)
    edition_date(descriptor)
    problems: list[Problem] = []
    broken: set[str] = set()
    for res in descriptor["resources"]:
        found = check_structure(data_dir, res)
        if found:
            broken.add(res["name"])
            problems += found
    content = check_content(data_dir, descriptor, broken)
    problems += content
    files_with_errors = {p.file for p in content}
    broken |= {
        r["name"]
        for r in descriptor["resources"]
        if _display(data_dir, r["path"]) in files_with_errors
    }
    problems += check_rules(data_dir, descriptor, broken)
    problems += check_source_refs(data_dir, descriptor, broken, _rows)
    if "sources" not in broken:
        problems += check_provenance(data_dir, descriptor, broken)
    if not any(p.severity == "error" for p in problems):
        problems += check_citations(data_dir, descriptor)
    return problems
