"""What a screen reader hears for every mark of every chart (#30 case 8), with no browser.

vl-convert draws each committed chart to SVG as Vega would in the book; every mark carries its
accessible label as ``aria-label``. No label may hold an epoch number ("Month reported:
1748736000000", vega/vega-lite#6398), and every date of a tooltip reads as a date in words.
The committed notebooks are what the build executes (nbval proves it), so their charts are the
book's charts.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import vl_convert

from report import paths
from report.build import toc
from report.publish import takeaway
from report.show import charts

ROOT = Path(__file__).resolve().parents[2]

ARIA_LABEL = re.compile(r'aria-label="([^"]*)"')
#: A value that is only a long number: what an unformatted date becomes (milliseconds).
EPOCH = re.compile(r"^-?\d{10,}$")
MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
#: A date in words as the book writes them: "Jun 2025", "June 2025", "4 May 2026",
#: "Jun 04, 2025", "Q2 2025", "2025".
DATE = re.compile(
    rf"^((\d{{1,2}} )?({MONTHS})[a-z]*\.?( \d{{1,2}},)? \d{{4}}|Q[1-4] \d{{4}}|\d{{4}})$"
)


def _notebooks() -> list[Path]:
    return list(toc.notebooks(ROOT).values())


def _parts(label: str) -> dict[str, str]:
    """``"Title: value; Title: value"`` as a mapping (titles as the tooltip names them)."""
    found = {}
    for part in label.split("; "):
        title, sep, value = part.partition(": ")
        if sep:
            found[title] = value
    return found


def _temporal_titles(spec: dict) -> set[str]:
    """Titles of the tooltip entries that were dates before ``state_missing`` restated them."""
    titles = set()

    def visit(node):
        if isinstance(node, dict):
            for item in node.get("transform", []) or []:
                if "Format(toDate(" in str(item.get("calculate", "")):
                    titles.add(item["as"])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(spec)
    named = set()

    def names(node):
        if isinstance(node, dict):
            tips = (node.get("encoding") or {}).get("tooltip") or []
            for tip in tips if isinstance(tips, list) else [tips]:
                if isinstance(tip, dict) and tip.get("field") in titles and tip.get("title"):
                    named.add(tip["title"])
            for value in node.values():
                names(value)
        elif isinstance(node, list):
            for value in node:
                names(value)

    names(spec)
    return named


@pytest.mark.parametrize("notebook", _notebooks(), ids=lambda p: p.stem)
def test_every_marks_accessible_label_reads_dates_as_dates(notebook):
    specs = takeaway.notebook_charts(notebook)
    if not specs:
        pytest.skip(f"{notebook.name} draws no chart")
    problems, labels_seen, dates_seen = [], 0, 0
    for spec in specs:
        name = spec["usermeta"]["report"]["label"]
        labels = ARIA_LABEL.findall(vl_convert.vegalite_to_svg(spec))
        dated = _temporal_titles(spec)
        for label in labels:
            labels_seen += 1
            for title, value in _parts(label).items():
                if EPOCH.match(value.strip()):
                    problems.append(f"{name}: {title!r} reads {value!r}")
                if title in dated and value != charts.NOT_STATED:
                    dates_seen += 1
                    if not DATE.match(value):
                        problems.append(f"{name}: date {title!r} reads {value!r}")
    assert labels_seen, f"no accessible label in the charts of {notebook.name}"
    assert problems == []


def test_a_month_bar_reads_its_month_in_words():
    """The case of the issue: hires per month read 'Month reported: 1748736000000'."""
    spec = next(
        s
        for s in takeaway.notebook_charts(paths.ROOT / "chapters" / "talent.ipynb")
        if s["usermeta"]["report"]["label"] == "hires-over-time"
    )
    labels = ARIA_LABEL.findall(vl_convert.vegalite_to_svg(spec))
    bars = [label for label in labels if "Hires:" in label]
    assert bars and all(re.search(r"\bMonth: [A-Z][a-z]+ \d{4}\b", b) for b in bars), bars[:2]
    assert not [b for b in bars if re.search(r"\d{10,}", b)]
