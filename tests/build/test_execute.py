"""Executing notebooks: the environment reaches the kernel, failures are located, output is stable."""

from __future__ import annotations

import nbformat
from buildkit import job, notebook

from report.build import execute


def test_env_and_parameters_reach_the_kernel_and_metadata_is_normalised(tmp_path):
    src = notebook(tmp_path / "env.ipynb", 'import os\nprint(os.environ["REPORT_TEST_VALUE"], x)')
    [result] = execute.run_all(
        [job(tmp_path, src, env={"REPORT_TEST_VALUE": "from-the-job"}, parameters={"x": 7})],
        workers=1,
    )
    assert result.ok, result.describe()
    nb = nbformat.read(result.output, as_version=4)
    texts = [o.get("text", "") for c in nb.cells for o in c.get("outputs", [])]
    assert any("from-the-job 7" in t for t in texts)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "remove-cell" in injected[0].metadata["tags"]
    assert injected[0]["id"] == "injected-parameters"
    assert set(nb.metadata.get("papermill", {})) <= {"parameters", "default_parameters"}
    assert all("papermill" not in c.metadata for c in nb.cells)


def test_a_failure_names_the_cell_as_the_author_numbers_it(tmp_path):
    src = notebook(tmp_path / "bad.ipynb", "y = 1", "raise ValueError('boom')")
    [result] = execute.run_all([job(tmp_path, src, parameters={"x": 2})], workers=1)
    assert not result.ok
    assert result.cell == "3 (id 'c1')"  # parameters cell, c0, then c1; injected cell not counted
    assert result.error == "ValueError: boom"
    assert result.kept.is_file() and "boom" in result.kept.read_text()
    assert "notebook 'bad' failed, cell 3 (id 'c1'): ValueError: boom" in result.describe()


def test_two_runs_of_the_same_inputs_write_the_same_bytes(tmp_path):
    src = notebook(tmp_path / "same.ipynb", "print(x * 2)")
    first = execute.run_all([job(tmp_path, src)], workers=1)[0].output.read_bytes()
    second = execute.run_all([job(tmp_path, src)], workers=1)[0].output.read_bytes()
    assert first == second


def test_stderr_never_reaches_a_page_and_goes_to_the_log(tmp_path):
    src = notebook(
        tmp_path / "noisy.ipynb",
        "import sys\nprint('DELIM not in msg_list', file=sys.stderr)\nprint('shown')",
    )
    [result] = execute.run_all([job(tmp_path, src)], workers=1)
    assert result.ok, result.describe()
    nb = nbformat.read(result.output, as_version=4)
    texts = [o.get("text", "") for c in nb.cells for o in c.get("outputs", [])]
    assert any("shown" in t for t in texts)
    assert not any("DELIM" in t for t in texts)
    log = (tmp_path / "failed" / "noisy.log").read_text()
    assert "DELIM not in msg_list" in log


def test_a_hanging_cell_fails_its_notebook_after_the_cell_timeout(tmp_path):
    src = notebook(tmp_path / "slow.ipynb", "import time\ntime.sleep(8)")
    [result] = execute.run_all([job(tmp_path, src, timeout=2)], workers=1)
    assert not result.ok
    assert "Timeout" in (result.error or "") and "2 seconds" in result.error


def test_the_cell_timeout_is_read_from_its_variable_and_never_turned_off_by_a_typo():
    import pytest

    assert execute.cell_timeout({}) == execute.DEFAULT_CELL_TIMEOUT == 600
    assert execute.cell_timeout({"REPORT_CELL_TIMEOUT": " 30 "}) == 30
    for bad in ("0", "-5", "1.5", "ten", "٣"):
        with pytest.raises(ValueError, match="REPORT_CELL_TIMEOUT"):
            execute.cell_timeout({"REPORT_CELL_TIMEOUT": bad})


def test_a_bad_cell_timeout_is_refused_before_anything_runs(monkeypatch, capsys):
    from report import cli

    monkeypatch.setenv("REPORT_CELL_TIMEOUT", "ten")
    assert cli.main(["build", "--dry-run"]) == cli.EXIT_PARAMS
    err = capsys.readouterr().err
    assert "REPORT_CELL_TIMEOUT='ten'" in err and "Nothing was executed" in err
