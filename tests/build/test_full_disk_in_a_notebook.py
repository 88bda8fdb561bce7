"""A full disk while a notebook runs is the build's full-disk error (exit 8), not a notebook's."""

from __future__ import annotations

import errno
import shutil

from report.build.execute import is_full_disk


class _CellError(Exception):
    """Shaped like papermill's PapermillExecutionError: the cell's error in ``evalue``."""

    def __init__(self, evalue: str) -> None:
        super().__init__(evalue)
        self.ename, self.evalue = "OSError", evalue


def test_a_full_disk_is_recognised_however_it_reaches_the_runner():
    assert is_full_disk(OSError(errno.ENOSPC, "No space left on device"))
    assert is_full_disk(_CellError("[Errno 28] No space left on device: 'x.csv'"))
    try:
        try:
            raise OSError(errno.EDQUOT, "Disk quota exceeded")
        except OSError as inner:
            raise RuntimeError("writing the notebook failed") from inner
    except RuntimeError as wrapped:
        assert is_full_disk(wrapped)
    copied = shutil.Error([("a", "b", "[Errno 28] No space left on device")])  # copytree's list
    assert is_full_disk(copied)
    assert not is_full_disk(OSError(errno.EACCES, "Permission denied"))
    assert not is_full_disk(_CellError("division by zero"))
