"""Where things live in the repository.

The root is the folder that holds ``_toc.yml``: ``$REPORT_ROOT`` when set (the build
sets it for the kernels it starts, and tests point it at a copy of the repository),
otherwise the folder this package was installed from.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT_ENV = "REPORT_ROOT"

#: The repository root.
ROOT = Path(os.environ.get(ROOT_ENV) or Path(__file__).resolve().parents[1]).resolve()
DATA_DIR = ROOT / "data"
PARAMS_FILE = ROOT / "params.yaml"

#: Environment variable naming the build folder (what ``build --build-dir DIR`` sets).
BUILD_DIR_ENV = "REPORT_BUILD_DIR"


def build_dir(option: Path | str | None = None, root: Path | None = None) -> Path:
    """The build folder: ``option`` (``--build-dir``), else ``$REPORT_BUILD_DIR``, else ``root/_build``.

    Everything a build writes (the staging copy, the cache, the compiled and the published
    book, the lock) goes there, so a read-only checkout builds into a writable folder.
    Returns an absolute path; ``root`` defaults to :data:`ROOT`.
    """
    chosen = option or os.environ.get(BUILD_DIR_ENV)
    if chosen:
        return Path(chosen).expanduser().resolve()
    return (root or ROOT) / "_build"
