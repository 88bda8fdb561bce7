"""What is published depends on data, code and parameters, not on the machine (#30 case 11).

vl-convert's JavaScript engine reads a date without a zone (``2025-06-01T00:00:00``, as Altair
writes them) in the process's local time, so the take-away SVG and PNG of every dated chart
came out 0.02 px apart under ``TZ=UTC`` and ``TZ=Pacific/Auckland``. The renders now run in
UTC and one locale (``static_render.RENDER_ENV``) whatever the calling machine's settings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from report.publish import takeaway

ROOT = Path(__file__).resolve().parents[2]

#: Two machines as different as this one allows: another zone (13 hours from UTC in December,
#: with summer time) and another locale setting.
MACHINES = [
    {"TZ": "UTC", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"},
    {"TZ": "Pacific/Auckland", "LC_ALL": "C", "LANG": "de_DE.UTF-8"},
]

#: Renders the charts of a spec file the way the build's workers do; prints a digest per chart.
RENDER = """
import hashlib, json, sys
from report.publish.takeaway import renders
for spec in json.load(open(sys.argv[1])):
    svg, png = renders.render_images(spec, ["Source: a test.", "A book, edition of 1 June 2025."])
    print(spec["usermeta"]["report"]["label"], hashlib.sha256(svg + png).hexdigest())
"""


def _dated_charts(limit: int = 6) -> list[dict]:
    """Committed charts that put dates on a time scale (the ones a zone can move)."""
    found = []
    for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
        for spec in takeaway.notebook_charts(notebook):
            if '"type": "temporal"' in json.dumps(spec):
                found.append(spec)
    assert len(found) >= limit, "expected dated charts among the committed notebooks"
    return found[:limit]


def test_static_renders_are_the_same_bytes_in_any_time_zone_and_locale(tmp_path):
    specs = tmp_path / "specs.json"
    specs.write_text(json.dumps(_dated_charts()), encoding="utf-8")
    outputs = []
    for machine in MACHINES:
        env = {**os.environ, **machine}
        proc = subprocess.run(
            [sys.executable, "-c", RENDER, str(specs)],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr
        outputs.append(proc.stdout.splitlines())
    assert len(outputs[0]) == 6
    differ = [a.split()[0] for a, b in zip(*outputs, strict=True) if a != b]
    assert not differ, f"renders differ between {MACHINES[0]} and {MACHINES[1]}: {differ}"
