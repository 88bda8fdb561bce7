"""One build at a time per folder: a lock in ``_build``, released when its holder ends.

The lock is an exclusive ``flock`` on ``_build/.lock``: the kernel releases it when the holding
process exits, however it exits, so a lock left by a dead process is taken over at once. The
file records the holder's process id and start time, so a second build can say for whom it
waits. The folder is also checked for writing before anything runs: a read-only checkout is
reported in one line, with the exit code the README documents.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".lock"


class BuildLocked(RuntimeError):
    """Another build holds the folder's lock (and the caller chose not to wait)."""


class NotWritable(OSError):
    """The build folder cannot be written (a read-only checkout, a full or read-only disk)."""


def check_writable(build_dir: Path) -> None:
    """Raise :class:`NotWritable` naming ``build_dir`` when it cannot be created or written.

    Checked before anything runs: the folder is made if missing, ``os.access`` must allow
    writing, and a file is written and removed in it.
    """
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
        if not os.access(build_dir, os.W_OK | os.X_OK):  # a read-only mount, or permissions
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(build_dir))
        probe = build_dir / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise NotWritable(
            exc.errno or errno.EACCES, f"cannot write the build folder {build_dir}: {reason}"
        ) from None


def holder(build_dir: Path) -> str:
    """Who holds the lock, in words (``process 123, started 10:02:03``), or ``unknown``."""
    try:
        pid, started = (build_dir / LOCK_NAME).read_text(encoding="utf-8").split()[:2]
    except (OSError, ValueError):
        return "unknown"
    return f"process {pid}, started {started}"


@contextmanager
def build_lock(
    build_dir: Path,
    wait: bool = True,
    progress: Callable[[str], None] = print,
    poll: float = 0.5,
) -> Iterator[None]:
    """Hold ``build_dir``'s lock for the duration of the block.

    With ``wait`` (the default) a second build says once for whom it waits and waits; without,
    it raises :class:`BuildLocked` naming the holder. Raises :class:`NotWritable` when the
    folder cannot be written.
    """
    check_writable(build_dir)
    path = build_dir / LOCK_NAME
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held for the whole block)
    try:
        said = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not wait:
                    raise BuildLocked(
                        f"another build is running in {build_dir} ({holder(build_dir)})"
                    ) from None
                if not said:
                    progress(f"waiting for another build in {build_dir} ({holder(build_dir)})")
                    said = True
                time.sleep(poll)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} {dt.datetime.now().strftime('%H:%M:%S')}\n")
        handle.flush()
        yield
    finally:
        handle.close()  # releases the lock
