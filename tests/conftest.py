"""Shared fixtures: a copy of the repository, a built book, a local web server."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socketserver
import subprocess
import sys
import threading
from pathlib import Path

import pytest

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


def copy_project(dest: Path) -> Path:
    """Copy the project (as git would see it) into ``dest`` and commit it there."""
    for rel in project_files():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
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


#: Fixtures that share the one built book of a test run; tests that use them run on one
#: pytest-xdist worker (``--dist loadgroup``), so the book is built once and tests that
#: rebuild it in place never race each other.
SHARED_BOOK_FIXTURES = {"project", "book", "served", "browser"}


def pytest_collection_modifyitems(config, items):
    """Group every test that uses the shared book onto one xdist worker."""
    for item in items:
        if SHARED_BOOK_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.xdist_group("shared-book"))


@pytest.fixture(scope="session")
def project(tmp_path_factory) -> Path:
    """A committed copy of the project, built once: ``project / '_build/html'`` is the book."""
    root = copy_project(tmp_path_factory.mktemp("project"))
    proc = run_report(root, "build")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root


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


@pytest.fixture(scope="session")
def served(book):
    """The built book served from 127.0.0.1; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(book))
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


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
