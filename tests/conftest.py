"""Shared fixtures: a copy of the repository, a built book, a local web server."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import socketserver
import subprocess
import sys
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
    proc = run_report(root, "build")
    log.write_text(
        json.dumps({"returncode": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr}),
        encoding="utf-8",
    )


@pytest.fixture(scope="session")
def project(tmp_path_factory, worker_id) -> Path:
    """A committed copy of the project, built once per test run: ``project / '_build/html'``.

    Every pytest-xdist worker shares the one copy: the first to ask builds it under a file
    lock (the pattern pytest-xdist documents), the others wait and reuse it. Tests must treat
    it as read-only; a test that rebuilds starts from ``built_copy`` instead.
    """
    base = tmp_path_factory.getbasetemp()
    shared = base if worker_id == "master" else base.parent
    root, log = shared / "shared-project", shared / "shared-project.json"
    with FileLock(str(shared / "shared-project.lock")):
        if not log.is_file():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir(parents=True)
            _build_once(root, log)
    result = json.loads(log.read_text(encoding="utf-8"))
    assert result["returncode"] == 0, result["stdout"] + result["stderr"]
    return root


@pytest.fixture(scope="session")
def project_build(project, tmp_path_factory, worker_id) -> dict[str, str]:
    """What ``python -m report build`` printed when the shared project was built (cold)."""
    base = tmp_path_factory.getbasetemp()
    shared = base if worker_id == "master" else base.parent
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


@pytest.fixture(scope="session")
def served(book):
    """The built book served from 127.0.0.1; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(book))
    server = QuietServer(("127.0.0.1", 0), handler)
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
