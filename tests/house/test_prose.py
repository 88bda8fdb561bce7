"""Prose follows the data: no digit typed into a notebook's markdown outside glue and quotes."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from report.show.prose import typed_facts

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_fact_is_typed_into_a_chapters_markdown(path):
    nb = nbformat.read(path, as_version=4)
    found = [
        f"cell {c.get('id')}: {s}"
        for c in nb.cells
        if c.cell_type == "markdown"
        for s in typed_facts(c.source)
    ]
    assert found == []


@pytest.mark.parametrize(
    "text",
    [
        "We found no named hire in 2026.",
        "The text counts 14 departures.",
        "Prometheus was partly built by mid-2026.",
    ],
)
def test_typed_years_and_counts_are_caught(text):
    assert typed_facts(text)


@pytest.mark.parametrize(
    "text",
    [
        "Meta spent {glue:text}`capex_latest` in {glue:text}`capex_latest_year`.",
        'The article said it "could top $100 billion".',
        "## Capex in 2025\n\nSee the {ref}`chapter <infrastructure>` and `growth_basis`.",
        "A GB200 NVL72 rack.",
    ],
)
def test_glue_quotes_headings_code_and_names_pass(text):
    assert typed_facts(text) == []
