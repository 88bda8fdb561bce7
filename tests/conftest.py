"""Shared fixtures: a copy of the repository, a built book, a local web server."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import socketserver
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from filelock import FileLock

ROOT = Path(__file__).resolve().parents[1]

#: Debian's chromium, driven by Playwright through ``executable_path`` (never ``playwright install``).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def project_files(root: Path = ROOT) -> list[Path]:
    """Files git tracks or would track (not ignored), relative to the root."""
    out = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    return [Path(p) for p in out if p and (root / p).is_file()]


def copy_project(dest: Path, source: Path = ROOT) -> Path:
    """Copy the project (as git would see it) from ``source`` into ``dest`` and commit it there."""
    for rel in project_files(source):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / rel, target)
    git = ["git", "-c", "user.email=t@example.org", "-c", "user.name=test"]
    subprocess.run([*git, "init", "-q"], cwd=dest, check=True)
    subprocess.run([*git, "add", "-A"], cwd=dest, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "copy"], cwd=dest, check=True)
    return dest


def run_report(root: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    """Run ``python -m report ARGS`` in ``root`` as a user would (REPORT_ROOT=root)."""
    env = {**os.environ, "REPORT_ROOT": str(root)}
    return subprocess.run(
        [sys.executable, "-m", "report", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _build_once(root: Path, log: Path) -> None:
    """Copy the project into ``root`` and build it, recording the build's output in ``log``."""
    copy_project(root)
    _record(log, run_report(root, "build"))


def _shared_folder(tmp_path_factory, worker_id) -> Path:
    """The folder every pytest-xdist worker of this run shares (the base temp of the run)."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


def _once(shared: Path, name: str, build) -> Path:
    """``shared / name`` made by ``build(root, log)`` once per test run, whichever worker asks first.

    The first worker to ask builds under a file lock (the pattern pytest-xdist documents); the
    others wait and reuse it. ``build`` records the command's output in ``log`` (JSON with
    ``returncode``, ``stdout``, ``stderr``); a failed build fails every test that uses it.
    """
    root, log = shared / name, shared / f"{name}.json"
    with FileLock(str(shared / f"{name}.lock")):
        if not log.is_file():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir(parents=True)
            build(root, log)
    result = json.loads(log.read_text(encoding="utf-8"))
    assert result["returncode"] == 0, result["stdout"] + result["stderr"]
    return root


def _record(log: Path, proc: subprocess.CompletedProcess) -> None:
    log.write_text(
        json.dumps({"returncode": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr}),
        encoding="utf-8",
    )


@pytest.fixture(scope="session")
def project(tmp_path_factory, worker_id) -> Path:
    """A committed copy of the project, built once per test run: ``project / '_build/html'``.

    Every pytest-xdist worker shares the one copy (see ``_once``). Tests must treat it as
    read-only; a test that rebuilds starts from ``built_copy`` instead.
    """
    return _once(_shared_folder(tmp_path_factory, worker_id), "shared-project", _build_once)


#: Text fields of the altered edition that try to inject markup and script.
HOSTILE = "<script>alert('xss-title')</script>"
HOSTILE_EVENT = "<img src=x onerror=alert('xss-event')>"
#: The altered edition's 2025 capex (every source's headline row), in $bn.
ALTERED_CAPEX_2025 = "80.5"
#: The altered edition's parameters: one changed in every chapter, and a scenario.
ALTERED_ARGS = (
    *("--param", "acquisition.stake_pct=40"),
    *("--param", "open-source.flagship_min_params_bn=30"),
    *("--param", "infrastructure.pue=1.5"),
    *("--param", "talent.top_employers=1"),
    *("--param", "labs.window_start=2025-06-30"),
    *("--param", "conclusion.growth_after_guidance=0.3"),
    *("--scenario", "slowdown"),
)


def _build_altered(project: Path):
    def build(root: Path, log: Path) -> None:
        import datakit as dk

        copy_built(project, root / "built")
        data = dk.copy_data(root / "data")
        # the newest lab event (inside the altered labs window, so on the timeline) gets a
        # title that is markup, and its source a title that is a script
        header, rows = dk.read(data / "lab_events.csv")
        newest = max(rows, key=lambda row: row[header.index("date")])
        event, source_of_event = newest[header.index("event_id")], newest[header.index("source_id")]
        for row in rows:  # every source's row of the event, so whichever is preferred carries it
            if row[header.index("event_id")] == event:
                row[header.index("title")] = HOSTILE_EVENT
        dk.write(data / "lab_events.csv", header, rows)
        header, rows = dk.read(data / "sources.csv")
        for row in rows:
            if row[header.index("source_id")] == source_of_event:
                row[header.index("title")] = HOSTILE
        dk.write(data / "sources.csv", header, rows)
        # the 2025 headline capex rows: every source's figure set to the same new value
        header, rows = dk.read(data / "capex_annual.csv")
        col, year, basis = (header.index(c) for c in ("capex_usd_bn", "fiscal_year", "basis"))
        for row in rows:
            if row[year] == "2025" and row[basis] == "incl_finance_leases":
                row[col] = ALTERED_CAPEX_2025
        dk.write(data / "capex_annual.csv", header, rows)
        _record(log, run_report(root / "built", "build", "--data", str(data), *ALTERED_ARGS))

    return build


@pytest.fixture(scope="session")
def altered_edition(project, tmp_path_factory, worker_id) -> Path:
    """The project built with other data and parameters, once per test run; returns its root.

    One edition serves every test that needs a book of other inputs, as an analyst re-runs
    it: data (``--data``) with hostile text in ``sources.csv`` and ``lab_events.csv``
    (``HOSTILE``, ``HOSTILE_EVENT``) and the 2025 headline capex set to
    ``ALTERED_CAPEX_2025``; and ``ALTERED_ARGS``, a parameter changed in every chapter and a
    scenario. It starts from a copy of the built project (``sources.csv`` changes, so every
    notebook executes). Read-only, like ``project``.
    """
    shared = _shared_folder(tmp_path_factory, worker_id)
    return _once(shared, "altered-edition", _build_altered(project)) / "built"


@pytest.fixture(scope="session")
def project_build(project, tmp_path_factory, worker_id) -> dict[str, str]:
    """What ``python -m report build`` printed when the shared project was built (cold)."""
    shared = _shared_folder(tmp_path_factory, worker_id)
    return json.loads((shared / "shared-project.json").read_text(encoding="utf-8"))


def copy_built(project: Path, dest: Path) -> Path:
    """A private copy of the built project, its ``_build`` included, committed in ``dest``.

    A test that rebuilds (other parameters, other data, a broken notebook) starts here: only
    what it changes is executed again, and the shared book is never touched.
    """
    root = copy_project(dest, source=project)  # the same files the shared book was built from
    shutil.copytree(project / "_build", root / "_build", symlinks=True)
    return root


@pytest.fixture
def built_copy(project, tmp_path) -> Path:
    """``copy_built`` into this test's own folder."""
    return copy_built(project, tmp_path / "built")


@pytest.fixture(scope="session")
def book(request) -> Path:
    """The built HTML book of the default edition.

    ``REPORT_TEST_BOOK=_build/html`` reuses a book already built (to iterate on the HTML
    and browser tests without a fresh build); by default a committed copy is built.
    """
    reuse = os.environ.get("REPORT_TEST_BOOK")
    if reuse:
        return Path(reuse).resolve()
    return request.getfixturevalue("project") / "_build" / "html"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class QuietServer(socketserver.ThreadingTCPServer):
    """A local server that does not print a traceback when the browser drops a connection."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(folder: Path):
    """Serve ``folder`` from 127.0.0.1 while the block runs; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def served(book):
    """The built book served from 127.0.0.1; yields the base URL."""
    with serve(book) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for every browser test of a worker (skipped if chromium is missing)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def visit(browser, url: str, scheme: str = "light", width: int = 1280):
    """A new page of ``browser`` at ``url``, loaded and with every chart drawn (or failed).

    Returns the page and its log: console errors, requests, page errors and dialogs, as lists
    that keep growing while the page is open.
    """
    page = browser.new_page(color_scheme=scheme, viewport={"width": width, "height": 900})
    log = {"console": [], "requests": [], "errors": [], "dialogs": []}
    page.on("console", lambda m: m.type == "error" and log["console"].append(m.text))
    page.on("pageerror", lambda e: log["errors"].append(str(e)))
    page.on("request", lambda r: log["requests"].append(r.url))
    page.on("dialog", lambda d: (log["dialogs"].append(d.message), d.dismiss()))
    page.goto(url, wait_until="load")
    # Charts draw as they near the screen; draw them all (tests/browser/test_lengths.py
    # checks the drawing on scroll itself).
    page.evaluate("() => window.reportCharts ? window.reportCharts.drawAll() : 0")
    page.wait_for_function(
        "() => [...document.querySelectorAll('div.report-chart')]"
        ".every(e => e.dataset.drawn === 'yes' || e.dataset.drawn === 'error')",
        timeout=20_000,
    )
    return page, log


#: How many loaded pages a worker keeps open for ``loaded_page`` (one page's four views).
LOADED_PAGES_KEPT = 4


@pytest.fixture(scope="session")
def loaded_page(browser, served):
    """``loaded_page(entry, width=1280, scheme="light") -> (page, log_at_load)``.

    Read-only checks of one page in one view (charts drawn, text not cut off, labels apart,
    axe-core, dark-mode colours) share one load of it instead of loading it again each: a page
    is loaded once per worker and view, and kept while its group runs (the tests that use this
    fixture are grouped by their ``entry``, see ``pytest_collection_modifyitems``). Tests must
    not close, resize or otherwise change the page; ``log_at_load`` is the log as it stood when
    the page had loaded and drawn.
    """
    open_pages: dict[tuple[str, int, str], tuple] = {}

    def get(entry: str, width: int = 1280, scheme: str = "light"):
        key = (entry, width, scheme)
        if key not in open_pages:
            page, log = visit(browser, f"{served}/{entry}.html", scheme, width=width)
            open_pages[key] = (page, {k: list(v) for k, v in log.items()})
            while len(open_pages) > LOADED_PAGES_KEPT:
                oldest = next(iter(open_pages))
                open_pages.pop(oldest)[0].close()
        return open_pages[key]

    yield get
    for page, _ in open_pages.values():
        page.close()


#: Fixtures that need the shared built book (``book`` asks for ``project`` at run time).
NEEDS_BOOK = {
    *("project", "project_build", "book", "served", "built_copy", "altered_edition"),
    "loaded_page",
}
#: The group that starts the run: its first test asks for the shared book, so one worker builds
#: it while the other runs the tests that need no book.
FIRST_GROUP = "cache-copy"


def _group(item) -> str | None:
    mark = item.get_closest_marker("xdist_group")
    return (mark.args or [mark.kwargs.get("name", "default")])[0] if mark else None


def run_order(item) -> int:
    """Where a test goes in the order the workers are handed tests (``--no-loadscope-reorder``).

    0: the first group (it starts the shared build); 1: tests that need no built book (nbval's
    notebooks among them), run by the other worker meanwhile; 2: the other groups (a costly
    fixture each); 3: the tests that rebuild a copy; 4: the rest, short tests of the built
    book, which even out the end.
    """
    group, fixtures = _group(item), set(getattr(item, "fixturenames", ()))
    if group == FIRST_GROUP:
        return 0
    if not fixtures & NEEDS_BOOK:
        return 1
    if group:
        return 2
    return 3 if "built_copy" in fixtures or item.get_closest_marker("pipeline") else 4


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items) -> None:
    """Keep each notebook's nbval cells on one worker (one kernel, cells in order) and the
    read-only checks of each page together (they share its loads: ``loaded_page``), then order
    the tests by ``run_order`` (a stable sort: modules keep their own order)."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.xdist_group(f"notebook-{item.path.stem}"))
        elif "loaded_page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group(f"page-{item.callspec.params['entry']}"))
    items.sort(key=run_order)


#: A file a worker writes when ``--dist loadgroup`` did not group its marked tests.
LOADGROUP_LOST = "REPORT_TESTS_LOADGROUP_LOST"


class LoadgroupCheck:
    """Stops a run in which ``--dist loadgroup`` would silently not group.

    Tests marked ``xdist_group`` share a costly fixture (the cache tests' copy, the print
    edition, the altered edition) or a kernel (a notebook's nbval cells), which one worker
    makes once because it runs the whole group. pytest-xdist marks a grouped test by a
    ``@group`` suffix on its node id; with pytest 9.2 the suffix is lost and the groups are
    spread with no failure, minutes slower
    (https://github.com/pytest-dev/pytest-xdist/issues/1386). A worker notes the loss in a
    file; the controller stops the run, naming a test.
    """

    @pytest.hookimpl(trylast=True)  # after pytest-xdist has marked the node ids
    def pytest_collection_modifyitems(self, config, items) -> None:
        if not getattr(config.option, "loadgroup", False) or LOADGROUP_LOST not in os.environ:
            return
        lost = [i.nodeid for i in items if _group(i) and "@" not in i.nodeid]
        if lost:
            Path(os.environ[LOADGROUP_LOST]).write_text(lost[0], encoding="utf-8")

    @pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: absent without it
    def pytest_xdist_node_collection_finished(self, node, ids) -> None:
        lost = Path(os.environ.get(LOADGROUP_LOST, "/nonexistent"))
        if lost.is_file():
            pytest.exit(
                f"--dist loadgroup does not group {lost.read_text(encoding='utf-8')}: this "
                "pytest-xdist cannot mark node ids with this pytest (see the pytest pin in "
                "requirements.txt)",
                returncode=3,
            )


def pytest_configure(config) -> None:
    if not hasattr(config, "workerinput"):  # the controller: workers inherit the environment
        os.environ[LOADGROUP_LOST] = str(Path(tempfile.mkdtemp()) / "lost.txt")
    config.pluginmanager.register(LoadgroupCheck(), "report-loadgroup-check")


def pytest_unconfigure(config) -> None:
    if not hasattr(config, "workerinput") and LOADGROUP_LOST in os.environ:
        shutil.rmtree(Path(os.environ.pop(LOADGROUP_LOST)).parent, ignore_errors=True)
