"""House rules: the toc is the order, notebooks are thin and clean, lint passes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from report.build import toc

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = toc.notebooks(ROOT)
CHAPTER_SECTIONS = ["Overview", "Summary", "What the data cannot tell", "Sources"]


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def test_toc_and_folders_match_one_to_one():
    listed = {toc.document(e, ROOT).relative_to(ROOT) for e in toc.entries(ROOT)}
    on_disk = {
        p.relative_to(ROOT)
        for folder in ("chapters", "appendix")
        for p in (ROOT / folder).glob("*")
        if p.suffix in (".ipynb", ".md")
    }
    assert on_disk - listed == set(), "files the toc never lists"
    assert {p for p in listed if p.parts[0] in ("chapters", "appendix")} == on_disk


def test_config_builds_only_toc_files_and_never_executes():
    config = (ROOT / "_config.yml").read_text()
    assert re.search(r"^only_build_toc_files:\s*true", config, re.M)
    assert re.search(r'execute_notebooks:\s*"off"', config)


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_notebook_reads_data_only_through_the_loader(name):
    for cell in read(NOTEBOOKS[name]).cells:
        if cell.cell_type != "code":
            continue
        assert "read_csv" not in cell.source, f"{name}: use report.data.load"
        assert not re.search(r"https?://", cell.source), f"{name}: no URLs in code"
        assert "open(" not in cell.source, f"{name}: no direct file access"


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_notebook_shape(name):
    nb = read(NOTEBOOKS[name])
    code = [c for c in nb.cells if c.cell_type == "code"]
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1, f"{name}: exactly one parameters cell"
    assert code[0] is params[0], f"{name}: the parameters cell comes first"
    assert f'setup("{name}", globals())' in code[1].source, f"{name}: second cell calls setup"
    for cell in code:
        tags = set(cell.metadata.get("tags", []))
        assert tags & {"hide-input", "remove-input", "remove-cell"}, (name, cell.get("id"))
        assert cell.get("id") and not re.fullmatch(
            r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", cell["id"]
        ), "stable, readable cell ids"
    first = nb.cells[0]
    assert first.cell_type == "markdown" and re.search(r"^\(\S+\)=\s*\n# ", first.source, re.M), (
        f"{name}: starts with a MyST label and the title"
    )


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_committed_notebook_is_executed_clean_and_quiet(name):
    nb = read(NOTEBOOKS[name])
    assert "papermill" not in nb.metadata or set(nb.metadata["papermill"]) <= {
        "parameters",
        "default_parameters",
    }
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, f"{name}: not executed ({cell.get('id')})"
        assert "papermill" not in cell.metadata and "execution" not in cell.metadata
        kinds = [o.output_type for o in cell.outputs]
        assert "error" not in kinds, f"{name}: error output in {cell.get('id')}"
        assert "stream" not in kinds, f"{name}: printed or warned in {cell.get('id')}"
        displays = [o for o in cell.outputs if "scrapbook" not in o.get("metadata", {})]
        assert len(displays) <= 1, f"{name}: more than one display in {cell.get('id')}"
        for out in displays:
            html = out.get("data", {}).get("text/html", "")
            assert "altair-viz-" not in html and "cdn.jsdelivr" not in html


@pytest.mark.parametrize("name", [n for n, p in NOTEBOOKS.items() if p.parent.name == "chapters"])
def test_chapter_anatomy(name):
    headings = [
        line[3:].strip()
        for cell in read(NOTEBOOKS[name]).cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("## ")
    ]
    positions = [headings.index(h) if h in headings else -1 for h in CHAPTER_SECTIONS]
    assert -1 not in positions, f"{name}: missing {CHAPTER_SECTIONS[positions.index(-1)]!r}"
    assert positions == sorted(positions), f"{name}: sections out of order: {headings}"
    assert headings[0] == "Overview"


def test_ruff_passes():
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _module_name(notebook: Path) -> str:
    return notebook.stem.replace("-", "_")


@pytest.mark.parametrize("folder", ["chapters", "appendix"])
def test_each_notebook_has_its_module_named_like_it(folder):
    """``chapters/open-source.ipynb`` ↔ ``report/chapters/open_source.py`` (or a package)."""
    notebooks = {_module_name(p) for p in (ROOT / folder).glob("*.ipynb")}
    package = ROOT / "report" / folder
    modules = {
        p.stem if p.suffix == ".py" else p.name
        for p in package.iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").is_file()
    }
    assert notebooks == modules, f"report/{folder}/ must hold exactly one module per notebook"


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_notebook_imports_only_its_own_chapter_module(name):
    path = NOTEBOOKS[name]
    own = f"report.{path.parent.name}.{_module_name(path)}"
    shared = {"report.appendix.claims"}  # the one claims ledger, shown in every chapter
    source = "\n".join(c.source for c in read(path).cells if c.cell_type == "code")
    imported = set(re.findall(r"from (report\.(?:chapters|appendix)) import (\w+)", source))
    imported = {f"{pkg}.{mod}" for pkg, mod in imported}
    imported |= set(re.findall(r"(?:from|import) (report\.(?:chapters|appendix)\.\w+)", source))
    assert imported <= {own} | shared, f"{name} imports another page's module: {imported}"


def test_installed_versions_match_the_pins():
    """uv and pip routes install the same thing: exactly the versions requirements.txt pins."""
    from importlib.metadata import PackageNotFoundError, version

    pins = re.findall(
        r"^([A-Za-z0-9_.\-\[\]]+)==([^\s#]+)", (ROOT / "requirements.txt").read_text(), re.M
    )
    assert len(pins) >= 15
    wrong = {}
    for name, pinned in pins:
        name = name.split("[")[0]
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = None
        if installed != pinned:
            wrong[name] = (pinned, installed)
    assert not wrong, (
        f"installed versions differ from requirements.txt (pinned, installed): {wrong}"
    )


def test_notebooks_round_numbers_only_through_the_report_formatter():
    """Every number a notebook prints goes through report.figures (round half to even on the
    digits shown), never through a format spec such as ``{x:,.1f}``."""
    import re

    import nbformat

    spec = re.compile(r"\{[^{}]*:[,+]?\.\d+[f%]\}")
    found = []
    for name, path in toc.notebooks(ROOT).items():
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                found += [f"{name}: {m}" for m in spec.findall(cell.source)]
    assert found == []
