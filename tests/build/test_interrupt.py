"""Ctrl-C or SIGTERM during a build (#30 case 2): stops within seconds, in one line, exit 130
or 143, every worker and kernel ended, no half-written notebook left, the book unchanged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from buildkit import tree_digest

from report.build import stop


def _start(root):
    env = {**os.environ, "REPORT_ROOT": str(root)}
    return subprocess.Popen(
        [sys.executable, "-u", "-m", "report", "build", "--force"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.pipeline
@pytest.mark.parametrize("signum,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_build_stops_at_once_and_publishes_nothing(built_copy, signum, code):
    before = tree_digest(built_copy / "_build" / "html")
    proc = _start(built_copy)
    for line in proc.stdout:  # wait until notebooks are executing
        if "executing" in line:
            break
    time.sleep(3)  # kernels started and running
    assert stop.descendants(proc.pid), "the build should have workers and kernels by now"
    sent = time.perf_counter()
    proc.send_signal(signum)  # to the build process alone, as `kill` would
    out, err = proc.communicate(timeout=30)
    took = time.perf_counter() - sent
    assert proc.returncode == code, err
    assert took < 5, f"took {took:.1f} s to stop"
    assert err.strip().splitlines()[-1] == "interrupted; _build/html is unchanged"
    assert "Traceback" not in err
    assert stop.descendants(proc.pid) == []
    assert not list((built_copy / "_build" / "stage").rglob(".*.running.ipynb"))
    assert tree_digest(built_copy / "_build" / "html") == before


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"  # a zombie has ended


def test_descendants_finds_grandchildren_and_kill_ends_them():
    code = (
        "import subprocess, sys, time\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.time() + 10
        while not stop.descendants(child.pid) and time.time() < deadline:
            time.sleep(0.1)
        grandchildren = stop.descendants(child.pid)
        assert grandchildren, "the grandchild was not found"
        assert stop.kill_descendants(child.pid) == len(grandchildren)
        for pid in grandchildren:
            deadline = time.time() + 5
            while _alive(pid) and time.time() < deadline:
                time.sleep(0.05)
            assert not _alive(pid), f"process {pid} survived"
    finally:
        child.kill()
        child.wait()


@pytest.mark.pipeline
def test_a_killed_build_leaves_no_worker_or_kernel_running(built_copy):
    """kill -9 cannot be caught; the workers end with the build (PR_SET_PDEATHSIG), kernels too."""
    proc = _start(built_copy)
    for line in proc.stdout:
        if "executing" in line:
            break
    time.sleep(3)
    children = stop.descendants(proc.pid)
    assert children
    proc.kill()
    proc.communicate(timeout=30)
    deadline = time.time() + 10
    while any(_alive(pid) for pid in children) and time.time() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in children if _alive(pid)]
