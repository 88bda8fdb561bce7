"""``python -m report``: the command line (see :mod:`report.cli`)."""

import os
import sys

from report.cli import main

code = main()
if code in (130, 143):
    # Interrupted: the workers (and multiprocessing's helper) are already gone, so end now,
    # without exit handlers that would print tracebacks after the one line.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
raise SystemExit(code)
