"""The data-aware execution cache and incremental builds, on a copy of the repository."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import datakit as dk
import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, copy_built

from report.build import cache, toc
from report.publish import book

#: One worker runs these in order on one copy (see the Makefile: --dist loadgroup).
pytestmark = [pytest.mark.pipeline, pytest.mark.xdist_group("cache-copy")]


@pytest.fixture(scope="module")
def repo(project, tmp_path_factory) -> Path:
    """A private copy of the shared book, compiled once in its own folder.

    Sphinx starts a fresh environment when its source folder moves, so the copy is compiled
    once here (nothing is executed: every notebook is reused); from then on its rebuilds are
    incremental, as in any checkout.
    """
    root = copy_built(project, tmp_path_factory.mktemp("cache"))
    (root / "_build" / "sphinx" / "published-stage.sha256").unlink()
    assert book.build(root=root, progress=lambda _: None).results == []
    return root


def test_a_cold_build_executes_every_notebook(project_build):
    notebooks = toc.notebooks(ROOT)
    assert f"executing {len(notebooks)} notebook(s), reusing 0" in project_build["stdout"]
    for name in notebooks:
        assert re.search(rf"^  {re.escape(name)} +executed in", project_build["stdout"], re.M)


def build(root: Path) -> book.BuildReport:
    return book.build(root=root, progress=lambda _: None)


def sphinx_page(root: Path, entry: str) -> Path:
    return root / "_build" / "sphinx" / "_build" / "html" / f"{entry}.html"


def reads(root: Path) -> dict[str, list[str]]:
    return {
        p.stem: json.loads(p.read_text())["reads"]
        for p in (root / "_build" / "cache").glob("*.json")
    }


def test_an_unchanged_rebuild_executes_nothing_and_rewrites_no_page(repo):
    before = {e: sphinx_page(repo, e).stat().st_mtime_ns for e in toc.entries(repo)}
    report = build(repo)
    assert report.results == []
    assert set(report.reused) == set(toc.notebooks(repo))
    after = {e: sphinx_page(repo, e).stat().st_mtime_ns for e in toc.entries(repo)}
    assert after == before, "Sphinx re-rendered pages although nothing changed"
    changes = json.loads((repo / "_build" / "changes.json").read_text())
    assert changes["executed"] == [] and changes["figures_changed"] == []


def test_a_data_change_reexecutes_exactly_the_notebooks_that_read_the_table(repo):
    recorded = reads(repo)
    expected = {name for name, tables in recorded.items() if "departures" in tables}
    assert "talent" in expected and "infrastructure" not in expected
    infra_page = sphinx_page(repo, "chapters/infrastructure").stat().st_mtime_ns
    path = repo / "data" / "departures.csv"
    header, rows = dk.read(path)
    rows[0][header.index("destination")] = "Cache Test Labs"
    dk.write(path, header, rows)
    report = build(repo)
    assert {r.name for r in report.results} == expected
    talent = (repo / "_build" / "html" / "chapters" / "talent.html").read_text(encoding="utf-8")
    assert "Cache Test Labs" in talent
    assert sphinx_page(repo, "chapters/infrastructure").stat().st_mtime_ns == infra_page


def test_a_corrupt_cache_entry_or_a_tampered_staged_notebook_just_means_execution(repo):
    # one build for both cases: each names the notebooks it must (and only those) execute again
    (repo / "_build" / "cache" / "labs.json").write_text("{not json", encoding="utf-8")
    (repo / "_build" / "cache" / "claims.json").write_text('["a", "list"]', encoding="utf-8")
    staged = repo / "_build" / "stage" / "chapters" / "acquisition.ipynb"
    staged.write_text(staged.read_text(encoding="utf-8").replace("Scale", "Scal"), encoding="utf-8")
    report = build(repo)
    assert {r.name for r in report.results} == {"labs", "claims", "acquisition"}
    assert json.loads((repo / "_build" / "cache" / "labs.json").read_text())["reads"]
    assert "Scal " not in staged.read_text(encoding="utf-8")


def test_a_parameter_change_reexecutes_only_that_notebook(repo):
    report = book.build(
        root=repo, cli_params=["open-source.window_start=2024-01-01"], progress=lambda _: None
    )
    assert [r.name for r in report.results] == ["open-source"]
    soup = BeautifulSoup(
        (repo / "_build/html/chapters/open-source.html").read_text(), "html.parser"
    )
    assert "window_start = 2024-01-01" in " ".join(
        soup.select_one("aside.report-params").get_text(" ").split()
    )


def test_the_cache_hashes_the_whole_package_not_its_own_layer():
    """The code hash covers every layer (it lives in report/build/ since the house move)."""
    assert {"data", "show", "chapters", "build", "publish"} <= {
        p.name for p in cache.PACKAGE_DIR.iterdir() if p.is_dir()
    }


# Last: it leaves the cache keyed to a changed package.
def test_a_change_in_the_package_reexecutes_everything(repo, tmp_path, monkeypatch):
    package = tmp_path / "report"
    shutil.copytree(cache.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE_DIR", package)
    build(repo)  # back to the default parameters (the previous test changed one)
    note = BeautifulSoup(
        (repo / "_build/html/chapters/open-source.html").read_text(), "html.parser"
    ).select_one("aside.report-params")
    text = " ".join(note.get_text(" ").split())
    assert "window_start = 2023-01-01" in text and "changed" not in text
    quiet = {"progress": lambda _: None}
    assert book.plan(repo, **quiet).run == {}  # same code: nothing to run
    # a change in a lower layer (how figures are worded) counts, not only the build's own code
    figures = package / "show" / "figures.py"
    figures.write_text(figures.read_text() + "\n# changed\n")
    # The plan is the build's own decision (build executes exactly plan().run), so it is
    # asked without paying for the nine executions.
    assert set(book.plan(repo, **quiet).run) == set(toc.notebooks(repo))
