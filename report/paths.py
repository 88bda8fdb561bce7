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
