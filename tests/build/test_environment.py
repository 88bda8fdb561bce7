"""What is published depends only on data, code and parameters (#30 cases 5 and 11): a build
under PYTHONWARNINGS=error, another time zone and another locale publishes the same book."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from buildkit import tree_digest

from report.build import execute


def test_the_tools_run_without_the_callers_warning_filters_in_one_zone_and_locale():
    env = execute.tool_env(
        {"PYTHONWARNINGS": "error", "TZ": "Pacific/Auckland", "LC_ALL": "de_DE.UTF-8", "X": "1"}
    )
    assert "PYTHONWARNINGS" not in env and env["X"] == "1"
    assert (env["TZ"], env["LC_ALL"], env["LANG"]) == ("UTC", "C.UTF-8", "C.UTF-8")


@pytest.mark.pipeline
def test_a_build_under_another_zone_locale_and_warnings_as_errors_publishes_the_same_book(
    built_copy,
):
    html = built_copy / "_build" / "html"
    before = tree_digest(html)
    env = {
        **os.environ,
        "REPORT_ROOT": str(built_copy),
        "PYTHONWARNINGS": "error",
        "TZ": "Pacific/Chatham",
        "LC_ALL": "C.UTF-8",
        "LANG": "de_DE.UTF-8",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "report", "build", "--force"],
        cwd=built_copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert tree_digest(html) == before
