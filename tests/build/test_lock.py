"""One build at a time per folder (#30 case 1), and a folder that cannot be written (case 6)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from buildkit import tree_digest
from conftest import run_report

from report.build import lock


def test_a_second_holder_is_refused_naming_the_first(tmp_path):
    build_dir = tmp_path / "_build"
    with lock.build_lock(build_dir):
        assert f"process {os.getpid()}" in lock.holder(build_dir)
        code = (
            "import sys; from pathlib import Path; from report.build import lock\n"
            "try:\n"
            f"    with lock.build_lock(Path({str(build_dir)!r}), wait=False): pass\n"
            "except lock.BuildLocked as e: print(e); sys.exit(6)\n"
        )
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert proc.returncode == 6 and f"process {os.getpid()}" in proc.stdout


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path):
    build_dir = tmp_path / "_build"
    code = (
        "import os; from pathlib import Path; from report.build import lock\n"
        f"with lock.build_lock(Path({str(build_dir)!r})): os._exit(9)\n"  # dies holding it
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 9
    assert (build_dir / lock.LOCK_NAME).is_file()  # the file is left behind...
    started = time.perf_counter()
    with lock.build_lock(build_dir, wait=False):  # ...but not the lock
        pass
    assert time.perf_counter() - started < 2


def test_a_waiting_build_says_for_whom_it_waits(tmp_path):
    build_dir, said = tmp_path / "_build", []
    with lock.build_lock(build_dir):
        code = (
            "from pathlib import Path; from report.build import lock\n"
            f"with lock.build_lock(Path({str(build_dir)!r}), poll=0.05): print('got it')\n"
        )
        proc = subprocess.Popen(
            [sys.executable, "-u", "-c", code], stdout=subprocess.PIPE, text=True
        )
        said.append(proc.stdout.readline())
    assert "waiting for another build" in said[0] and f"process {os.getpid()}" in said[0]
    out, _ = proc.communicate(timeout=10)
    assert out.strip() == "got it" and proc.returncode == 0


@pytest.mark.pipeline
def test_build_no_wait_exits_6_and_leaves_the_book_unchanged(built_copy):
    before = tree_digest(built_copy / "_build" / "html")
    with lock.build_lock(built_copy / "_build"):
        proc = run_report(built_copy, "build", "--no-wait", timeout=60)
    assert proc.returncode == 6, proc.stderr
    assert "another build is running" in proc.stderr and str(os.getpid()) in proc.stderr
    assert tree_digest(built_copy / "_build" / "html") == before


def test_a_build_folder_that_cannot_be_written_is_one_line_and_exit_7(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "_build").write_text("not a folder")  # as root, a read-only folder is still writable
    with pytest.raises(lock.NotWritable, match="cannot write the build folder"):
        lock.check_writable(root / "_build")
    with pytest.raises(lock.NotWritable):
        lock.check_writable(__import__("pathlib").Path("/proc/report-no-such/_build"))
