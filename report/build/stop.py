"""Stopping a build at once: Ctrl-C (SIGINT) or SIGTERM ends every worker and kernel.

The build's workers and their kernels are this process's descendants. On an interrupt
:func:`kill_descendants` ends them all (read from ``/proc``, so kernels started by workers are
found too), :func:`clean_stage` removes the half-written notebooks they leave, and the command
line prints one line and exits 130 (SIGINT) or 143 (SIGTERM). The lock in ``_build`` is
released by the kernel as the process exits; ``_build/html`` was never touched.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path


class Interrupted(BaseException):
    """The build was asked to stop (``code`` is the exit code: 130 for SIGINT, 143 for SIGTERM)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _parents() -> dict[int, int]:
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name (field 2) may hold spaces: the parent pid follows its closing paren
        fields = stat[stat.rfind(")") + 2 :].split()
        found[int(entry.name)] = int(fields[1])
    return found


def descendants(pid: int | None = None) -> list[int]:
    """Every living descendant of ``pid`` (default: this process), children first."""
    pid = os.getpid() if pid is None else pid
    parents, out, frontier = _parents(), [], [pid]
    while frontier:
        children = [c for c, p in parents.items() if p in frontier]
        out += children
        frontier = children
    return out


def kill_descendants(pid: int | None = None) -> int:
    """SIGKILL every descendant of ``pid`` (default: this process); returns how many."""
    pids = descendants(pid)
    for found in reversed(pids):  # deepest first: kernels before their workers
        try:
            os.kill(found, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return len(pids)


def clean_stage(stage: Path) -> None:
    """Remove the half-written notebooks an interrupted build leaves in ``stage``."""
    if stage.is_dir():
        for path in stage.rglob(".*.running.ipynb"):
            path.unlink(missing_ok=True)


def die_with_parent() -> None:
    """In a worker: end when the build process ends, even by SIGKILL (Linux ``PR_SET_PDEATHSIG``).

    A killed build cannot end its workers itself; without this they would run on, orphaned, and
    write into the staging folder the next build uses. Their kernels follow (a kernel ends when
    its parent does). Elsewhere than Linux this does nothing.
    """
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
    except OSError:
        return
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGKILL)


def raise_on_sigterm() -> None:
    """Turn SIGTERM into :class:`Interrupted` (143); SIGINT's KeyboardInterrupt maps to 130."""

    def handler(signum: int, frame: object) -> None:
        raise Interrupted(143)

    signal.signal(signal.SIGTERM, handler)
