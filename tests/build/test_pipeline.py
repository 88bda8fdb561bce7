"""The pipeline end to end on copies of the repository."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from buildkit import tree_digest
from conftest import ALTERED_CAPEX_2025, copy_project, run_report

from report.data.validation import DataError
from report.publish import book

pytestmark = pytest.mark.pipeline


def git_status(root: Path) -> str:
    return subprocess.run(
        ["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def params_note(html_file: Path) -> str:
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    note = soup.select_one("aside.report-params")
    assert note is not None, f"no parameters note in {html_file}"
    return " ".join(note.get_text(" ").split())


def test_default_build_leaves_the_repository_clean(project):
    assert (project / "_build" / "html" / "index.html").is_file()
    assert git_status(project) == ""


def test_unknown_parameter_stops_before_executing(project):
    before = tree_digest(project / "_build" / "html")
    proc = run_report(project, "build", "--param", "infrastructure.frist_year=2024")
    assert proc.returncode == 3
    assert "unknown parameter 'frist_year'" in proc.stderr
    assert "first_year: int = 2017" in proc.stderr
    assert "executing" not in proc.stdout
    assert tree_digest(project / "_build" / "html") == before


def test_wrong_type_stops_before_executing(project):
    proc = run_report(project, "build", "--param", "infrastructure.first_year=twenty")
    assert proc.returncode == 3
    assert "infrastructure.first_year must be int" in proc.stderr


@pytest.mark.parametrize(
    "case",
    [
        "negative money",
        "javascript url",
        "malformed quoting",
        "unknown source_id",
        "low above high",
        "missing column",
    ],
)
def test_bad_data_on_the_command_line_exits_nonzero(project, tmp_path, case):
    import datakit as dk

    copy = dk.broken_copy(tmp_path, case)
    before = tree_digest(project / "_build" / "html")
    proc = run_report(project, "build", "--data", str(copy))
    assert proc.returncode == 2, proc.stderr
    assert dk.CASES[case][1] in proc.stderr and "nothing was executed" in proc.stderr
    assert tree_digest(project / "_build" / "html") == before


def test_every_broken_copy_leaves_the_published_book_untouched(project, tmp_path):
    import datakit as dk

    before = tree_digest(project / "_build" / "html")
    for case in dk.CASES:
        copy = dk.broken_copy(tmp_path, case)
        with pytest.raises(DataError):
            book.build(root=project, data_dir=copy, progress=lambda _: None)
        assert tree_digest(project / "_build" / "html") == before, case


def test_a_failing_notebook_names_chapter_and_cell_and_keeps_the_book(built_copy):
    root = built_copy
    before = tree_digest(root / "_build" / "html")
    path = root / "chapters" / "infrastructure.ipynb"
    nb = nbformat.read(path, as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if c.get("id") == "key-figures")
    nb.cells[index].source += "\nraise RuntimeError('deliberate failure for the test')"
    nbformat.write(nb, path)
    proc = run_report(root, "build")
    assert proc.returncode == 4
    assert "notebook 'infrastructure' failed" in proc.stderr
    assert f"cell {index + 1} (id 'key-figures')" in proc.stderr  # numbered as in the source
    assert "RuntimeError: deliberate failure for the test" in proc.stderr
    kept = root / "_build" / "failed" / "infrastructure.ipynb"
    assert kept.is_file() and "deliberate failure" in kept.read_text()
    assert tree_digest(root / "_build" / "html") == before


def test_the_committed_notebooks_are_what_a_default_build_executes(project):
    """Byte for byte: the shared book's cold build executed every committed notebook with its
    default parameters; what it wrote is what the repository holds (nbval then re-checks every
    output in CI)."""
    from report.build import toc

    differ = [
        name
        for name, source in toc.notebooks(project).items()
        if (project / "_build" / "stage" / source.relative_to(project)).read_bytes()
        != source.read_bytes()
    ]
    assert differ == [], "committed notebooks are not what the data and code produce"


def test_refresh_of_unchanged_inputs_changes_no_byte(tmp_path):
    root = copy_project(tmp_path / "refresh")
    proc = run_report(root, "refresh", "data-dictionary")  # the command itself, on one notebook
    assert proc.returncode == 0, proc.stderr
    assert "Refreshed 1 notebook(s)" in proc.stdout
    assert git_status(root) == "", "refresh rewrote a notebook whose inputs did not change"


def test_build_reports_time_per_chapter_and_figures(project, project_build):
    # what the shared project's cold build printed
    out = project_build["stdout"]
    assert re.search(r"^  infrastructure +executed in +\d+\.\ds$", out, re.M), out
    assert re.search(r"take-away images: \d+ rendered", out), out
    assert "python -m http.server" in out
    figures = json.loads((project / "_build" / "figures.json").read_text())
    assert figures["infrastructure"]["guidance_latest_range"].startswith("$")


def page_text(root: Path, entry: str) -> str:
    soup = BeautifulSoup(
        (root / "_build" / "html" / f"{entry}.html").read_text(encoding="utf-8"), "html.parser"
    )
    return " ".join(soup.get_text(" ").split())


# the tests that read the altered edition share one worker (see the Makefile: --dist loadgroup)
@pytest.mark.xdist_group("altered-edition")
def test_every_chapters_parameters_reach_its_page_and_the_landing_page(project, altered_edition):
    # conftest's altered edition: ALTERED_ARGS change a parameter in every chapter (its other
    # data changes touch none of the figures below); the shared project is the default edition
    root = altered_edition
    entries = [
        "index",
        "chapters/acquisition",
        "chapters/open-source",
        "chapters/infrastructure",
        "chapters/talent",
        "chapters/labs",
        "chapters/conclusion",
    ]
    before = {e: page_text(project, e) for e in entries}
    assert "$29.2 billion" in before["chapters/acquisition"]
    default_note = params_note(project / "_build" / "html" / "chapters" / "infrastructure.html")
    assert "pue = 1.08" in default_note and "changed" not in default_note
    infra_page = root / "_build" / "html" / "chapters" / "infrastructure.html"
    after = {e: page_text(root, e) for e in entries}
    # acquisition: 14.3 / 0.40 = 35.75
    assert (
        "$35.8 billion" in after["chapters/acquisition"]
        and "stake_pct = 40" in after["chapters/acquisition"]
    )
    assert "$35.8 billion" in after["index"] and "$29.2 billion" not in after["index"]
    # open-source: the 32bn research model now counts as a flagship
    assert "Code World Model" in after["index"] and "Llama 4 Maverick" in before["index"]
    # infrastructure: 1e6 / (1.67 * 1.5) accelerators per GW
    assert (
        "399 thousand" in after["chapters/infrastructure"]
        and "554 thousand" in before["chapters/infrastructure"]
    )
    # talent: only the largest employer named, the rest grouped
    assert "beyond the 1 largest" in after["chapters/talent"]
    # labs: the window now starts at the lab's formation
    assert "June 2025 on a row" in after["chapters/labs"]
    # conclusion: a faster projection
    assert after["chapters/conclusion"] != before["chapters/conclusion"]
    # the scenario set the starting point; the command line beat its growth rate
    assert "starts at the low end" in after["chapters/conclusion"]
    assert "grows 30% a year" in after["chapters/conclusion"]
    # the parameters note says what changed and from what
    note = params_note(infra_page)
    assert "pue = 1.5" in note and "changed; default 1.08" in note
    assert git_status(root) == "", "a build must never write outside _build/"


# the tests that read the altered edition share one worker (see the Makefile: --dist loadgroup)
@pytest.mark.xdist_group("altered-edition")
def test_a_changed_data_row_reaches_the_chapter_and_the_landing_page(altered_edition):
    # conftest's altered edition: every source's 2025 headline capex row set to one new value
    root, figure = altered_edition, f"${ALTERED_CAPEX_2025} billion"
    assert figure in page_text(root, "chapters/infrastructure")
    assert figure in page_text(root, "index")
    # the published data downloads are the data the book was built from
    assert (
        ALTERED_CAPEX_2025 in (root / "_build" / "html" / "data" / "capex_annual.csv").read_text()
    )
