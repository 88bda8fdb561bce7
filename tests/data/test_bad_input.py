"""Bad input never publishes a wrong number: the thirteen cases of issue 17.

What ``validate`` accepts, ``load`` reads to the same value; what cannot be read,
``validate`` refuses, naming file, row, field and rule; a parameter is checked for its
meaning, not only its type. The data cases run ``python -m report validate`` in-process,
the parameter cases ``python -m report build --dry-run`` in-process (nothing executes);
``test_no_case_touches_the_published_book`` then drives every failing case against a
built copy of the repository and proves that ``_build/html`` is left byte for byte as it was.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import datakit as dk
import nbformat
import pandas as pd
import pytest
import vl_convert
from buildkit import job, notebook, tree_digest
from conftest import run_report

from report import cli, data
from report.build import execute
from report.build.params import ParameterError
from report.data.validation import DataError
from report.publish import book
from report.show import charts


def validate_cli(capsys, folder: Path) -> tuple[int, str, str]:
    code = cli.main(["validate", "--data", str(folder)])
    out = capsys.readouterr()
    return code, out.out, out.err


def dry_run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["build", "--dry-run", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def assert_names(message: str, file: str, row: int | None, field: str | None, rule: str) -> None:
    """The message names the file, the spreadsheet row, the field and the rule."""
    where = file + (f", row {row}" if row is not None else "")
    where += f", field '{field}'" if field is not None else ""
    lines = [line for line in message.splitlines() if where in line]
    assert lines, f"nothing names {where!r} in:\n{message}"
    assert any(rule in line for line in lines), f"{where!r} without {rule!r} in:\n{message}"


# ---------------------------------------------------------------------------------------
# Data: python -m report validate --data DIR


def case_1_bom_and_crlf(folder: Path) -> None:
    dk.set_cell(folder, "capex_annual", "note", "two lines\nin one cell", row=1)
    dk.rewrite(folder, "capex_annual", bom=True, lineterminator="\r\n")


def test_case_01_csv_utf8_with_bom_and_crlf_is_accepted_and_read_alike(tmp_path, capsys):
    plain = dk.copy_data(tmp_path / "plain")
    dk.set_cell(plain, "capex_annual", "note", "two lines\nin one cell", row=1)
    saved = dk.copy_data(tmp_path / "spreadsheet")
    case_1_bom_and_crlf(saved)
    assert (saved / "capex_annual.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in (saved / "capex_annual.csv").read_bytes()
    code, out, err = validate_cli(capsys, saved)
    assert code == 0, err
    assert "valid" in out
    pd.testing.assert_frame_equal(
        data.load("capex_annual", saved), data.load("capex_annual", plain)
    )
    assert data.load("capex_annual", saved)["note"].iloc[1] == "two lines\nin one cell"


def case_2_windows_1252(folder: Path) -> None:
    dk.set_cell(folder, "capex_annual", "note", "Meta’s headline figure", row=2)
    dk.rewrite(folder, "capex_annual", encoding="cp1252")


def test_case_02_windows_1252_is_refused_naming_row_field_and_encoding(tmp_path, capsys):
    folder = dk.copy_data(tmp_path / "cp1252")
    case_2_windows_1252(folder)
    assert b"\x92" in (folder / "capex_annual.csv").read_bytes()
    code, _, err = validate_cli(capsys, folder)
    assert code == 2
    assert "Traceback" not in err
    assert_names(err, "capex_annual.csv", 4, "note", "not UTF-8")
    assert "Windows-1252" in err and "0x92" in err
    assert "Meta’s headline figure" in err  # the cell as it was meant


NON_FINITE = ["inf", "INF", "Infinity", "-inf", "nan", "1e400"]


def case_3_non_finite(folder: Path) -> None:
    for row, text in enumerate(NON_FINITE):
        dk.set_cell(folder, "capex_annual", "capex_usd_bn", text, row=row)


def test_case_03_non_finite_money_is_refused(tmp_path, capsys):
    folder = dk.copy_data(tmp_path / "inf")
    case_3_non_finite(folder)
    code, _, err = validate_cli(capsys, folder)
    assert code == 2
    for row, text in enumerate(NON_FINITE, start=2):
        assert_names(err, "capex_annual.csv", row, "capex_usd_bn", "not a finite number")
        assert f"value {text!r}" in err
    assert "minimum" not in err  # nan is refused once, for what it is


def case_4_spreadsheet_booleans(folder: Path) -> None:
    for row, text in enumerate(["TRUE", "FALSE", "True", "False", "1", "0"]):
        dk.set_cell(folder, "model_releases", "open_weights", text, row=row)


def test_case_04_every_boolean_the_validator_accepts_is_read(tmp_path, capsys):
    folder = dk.copy_data(tmp_path / "booleans")
    case_4_spreadsheet_booleans(folder)
    code, _, err = validate_cli(capsys, folder)
    assert code == 0, err
    values = data.load("model_releases", folder)["open_weights"]
    assert values.notna().all()
    assert values.iloc[:6].tolist() == [True, False, True, False, True, False]
    assert str(values.dtype) == "boolean"


def test_case_04_a_boolean_nobody_reads_is_refused(tmp_path, capsys):
    folder = dk.copy_data(tmp_path / "yes")
    dk.set_cell(folder, "model_releases", "open_weights", "yes")
    code, _, err = validate_cli(capsys, folder)
    assert code == 2
    assert_names(err, "model_releases.csv", 2, "open_weights", "not a boolean")


def date_fields(folder: Path) -> list[tuple[str, str]]:
    pkg = data.Package(folder)
    return [
        (name, f["name"])
        for name, table in pkg.tables.items()
        for f in table.fields
        if f.get("type") == "date" and dk.row_count(folder, name)
    ]


def case_5_short_dates(folder: Path) -> None:
    for table, field in date_fields(folder):
        dk.set_cell(folder, table, field, "2023-2-24")


def test_case_05_a_date_not_written_yyyy_mm_dd_is_refused_in_every_table(tmp_path, capsys):
    folder = dk.copy_data(tmp_path / "dates")
    fields = date_fields(folder)
    assert ("model_releases", "date") in fields  # a table with a date rule
    assert len(fields) >= 20
    case_5_short_dates(folder)
    code, _, err = validate_cli(capsys, folder)
    assert code == 2
    assert "Traceback" not in err
    problems = [p for p in data.problems(folder) if p.severity == "error"]
    for table, field in fields:
        assert any(
            p.file.endswith(f"{table}.csv")
            and p.row == 2
            and p.field == field
            and "YYYY-MM-DD" in p.rule
            for p in problems
        ), (table, field)
    assert_names(err, "model_releases.csv", 2, "date", "not a date written YYYY-MM-DD")


def case_6_blank_required_text(folder: Path) -> None:
    dk.set_cell(folder, "capex_guidance", "occasion", " ", row=0)
    dk.set_cell(folder, "capex_guidance", "occasion", "\t", row=1)
    dk.set_cell(folder, "claims", "evidence", "  \t ", row=0)


def test_case_06_blank_required_text_is_refused_as_empty(tmp_path, capsys):
    folder = dk.copy_data(tmp_path / "blank")
    case_6_blank_required_text(folder)
    code, _, err = validate_cli(capsys, folder)
    assert code == 2
    assert_names(err, "capex_guidance.csv", 2, "occasion", "empty")
    assert_names(err, "capex_guidance.csv", 3, "occasion", "empty")
    assert_names(err, "claims.csv", 2, "evidence", "empty")


def test_case_06_blank_optional_text_is_kept_as_written(tmp_path, capsys):
    folder = dk.copy_data(tmp_path / "optional")
    dk.set_cell(folder, "capex_annual", "note", " ")
    code, _, err = validate_cli(capsys, folder)
    assert code == 0, err
    assert data.load("capex_annual", folder)["note"].iloc[0] == " "


def case_7_semicolons(folder: Path) -> None:
    dk.rewrite(folder, "sources", delimiter=";")


def test_case_07_a_semicolon_file_shows_its_cause_first(tmp_path, capsys):
    folder = dk.copy_data(tmp_path / "semicolons")
    case_7_semicolons(folder)
    code, _, err = validate_cli(capsys, folder)
    assert code == 2
    lines = [line for line in err.splitlines() if line.startswith("  - ")]
    assert "semicolon-separated" in lines[0] and "sources.csv" in lines[0]
    row_errors = [i for i, line in enumerate(lines) if re.search(r"\.csv, row \d+", line)]
    file_errors = [i for i, line in enumerate(lines) if "required column is missing" in line]
    columns = data.Package(folder).tables["sources"].fields
    assert len(file_errors) == len(columns)  # every column of sources.csv, each named
    assert row_errors and max(file_errors) < min(row_errors)
    assert "... and" in err  # the many row errors are capped, the file's never


def case_8_line_break_in_a_cell(folder: Path) -> None:
    dk.set_cell(folder, "capex_annual", "note", "one\ntwo\nthree", row=0)


def test_case_08_one_row_numbering_whatever_the_line_breaks(tmp_path, capsys):
    # Row 4 (0-based 3) is spreadsheet row 5; with three lines in row 2's note it starts
    # on line 7 of the file. Every pass must say row 5.
    made = {
        "type": lambda d: dk.set_cell(d, "capex_annual", "capex_usd_bn", "lots", row=3),
        "rule": lambda d: dk.set_cell(d, "capex_annual", "fiscal_year", "2099", row=3),
        "narrowing": lambda d: dk.set_cell(d, "capex_annual", "capex_usd_bn", "inf", row=3),
        "cells": lambda d: None,  # one cell too many, written below
        "encoding": lambda d: (
            dk.set_cell(d, "capex_annual", "note", "Meta’s", row=3),
            dk.rewrite(d, "capex_annual", encoding="cp1252"),
        ),
    }
    expected = {
        "type": ("capex_usd_bn", "not a number"),
        "rule": ("fiscal_year", "after the edition date"),
        "narrowing": ("capex_usd_bn", "not a finite number"),
        "cells": (None, "cells but the header has"),
        "encoding": ("note", "not UTF-8"),
    }
    for name, mutate in made.items():
        folder = dk.copy_data(tmp_path / name)
        case_8_line_break_in_a_cell(folder)
        mutate(folder)
        if name == "cells":  # lines 2-4 hold row 2; line 7 is row 5
            path = folder / "capex_annual.csv"
            lines = path.read_text(encoding="utf-8").split("\n")
            lines[6] += ",one too many"
            path.write_text("\n".join(lines), encoding="utf-8")
        code, _, err = validate_cli(capsys, folder)
        assert code == 2, name
        field, rule = expected[name]
        assert_names(err, "capex_annual.csv", 5, field, rule)


# ---------------------------------------------------------------------------------------
# Parameters: python -m report build --dry-run (nothing executes)


@pytest.mark.parametrize(
    "assignment, message",
    [
        ("infrastructure.pue=nan", "infrastructure.pue must be a finite number, got nan"),
        ("infrastructure.pue=inf", "infrastructure.pue must be a finite number, got inf"),
        ("infrastructure.pue=-Infinity", "infrastructure.pue must be a finite number"),
        ("infrastructure.pue=0.9", "infrastructure.pue must be in [1.0, 3.0]"),
        ("infrastructure.pue=3.5", "infrastructure.pue must be in [1.0, 3.0]"),
        ("acquisition.stake_pct=0", "acquisition.stake_pct must be in (0, 100]"),
        ("talent.top_employers=0", "talent.top_employers must be in [1, inf)"),
    ],
)
def test_case_09_a_float_must_be_finite_and_in_its_documented_range(capsys, assignment, message):
    code, out, err = dry_run(capsys, "--param", assignment)
    assert code == 3
    assert message in err and "--param" in err
    assert "Would execute" not in out


def test_case_09_parameters_files_are_checked_for_meaning_too(tmp_path, capsys):
    file = tmp_path / "p.yaml"
    file.write_text("chapters:\n  infrastructure: {pue: .nan}\n", encoding="utf-8")
    code, _, err = dry_run(capsys, "--params", str(file))
    assert code == 3
    assert f"{file} (chapters): infrastructure.pue must be a finite number" in err


def test_case_09_a_value_inside_the_range_runs(capsys):
    code, out, err = dry_run(capsys, "--param", "infrastructure.pue=1.0")
    assert code == 0, err
    assert "infrastructure: pue = 1.0" in out
    assert "Dry run: nothing was executed" in out


@pytest.mark.parametrize(
    "assignment, message",
    [
        ("talent.window_start=01/02/2025", "talent.window_start must be an ISO date YYYY-MM-DD"),
        ("talent.window_start=2025-1-2", "talent.window_start must be an ISO date"),
        (
            "talent.window_end=2025-02-30",
            "talent.window_end must be an ISO date YYYY-MM-DD or empty",
        ),
        ("labs.window_start=", "labs.window_start must be an ISO date"),
        ("open-source.lab_formed=June 2025", "open-source.lab_formed must be an ISO date"),
    ],
)
def test_case_10_a_parameter_documented_as_an_iso_date_is_one(capsys, assignment, message):
    code, _, err = dry_run(capsys, "--param", assignment)
    assert code == 3
    assert message in err
    assert repr(assignment.split("=", 1)[1]) in err


def test_case_10_an_empty_date_is_allowed_where_the_default_is_empty(capsys):
    code, _, err = dry_run(capsys, "--param", "talent.window_end=")
    assert code == 0, err


@pytest.mark.parametrize(
    "text, line, problem",
    [
        ("chapters:\n  infrastructure: {}\n  infrastructure: {}\n", 3, "duplicate key"),
        ("chapters:\n\tinfrastructure: {}\n", 2, "a tab character"),
        ("scenarios:\n  a:\n    conclusion: {projection_years: 2}\n  a: {}\n", 4, "duplicate key"),
    ],
)
def test_case_11_a_broken_parameters_file_is_one_line_and_exit_3(
    tmp_path, capsys, text, line, problem
):
    file = tmp_path / "params.yaml"
    file.write_text(text, encoding="utf-8")
    for args in (["build", "--dry-run", "--params", str(file)], ["params", "--params", str(file)]):
        code = cli.main(args)
        err = capsys.readouterr().err
        assert code == 3, args
        first = err.splitlines()[0]
        assert first.startswith(f"error: {file}, line {line}") and problem in first, err
        assert "Traceback" not in err and err.splitlines()[1] == "Nothing was executed."


# ---------------------------------------------------------------------------------------
# Book: a missing value reads "not stated", in every chart

STATED = re.compile(r"(^|; )[^;:]*: (null|NaN|undefined|Invalid Date)(;|$)")


def labels(spec: dict) -> list[str]:
    """The label a screen reader reads for each mark, as Vega computes it."""
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("description"), str):
                found.append(node["description"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(vl_convert.vegalite_to_scenegraph(spec))
    return found


def test_case_12_missing_values_read_not_stated_in_tooltip_and_label():
    import altair as alt

    frame = pd.DataFrame(
        {
            "who": ["A", "B"],
            "y": [1, 2],
            "low": [1.5, None],
            "reported": pd.to_datetime(["2025-07-01", None]),
            "note": ["kept", None],
            "source_id": ["a", "a"],
        }
    )
    chart = (
        alt.Chart(frame)
        .mark_point()
        .encode(
            x="who:N",
            y="y:Q",
            tooltip=[
                alt.Tooltip("who:N", title="About"),
                alt.Tooltip("low:Q", title="Low (USD m)", format=",.1f"),
                alt.Tooltip("reported:T", title="Reported", format="%d %b %Y"),
                alt.Tooltip("note:N", title="Note"),
            ],
        )
        .properties(title="T", description="D")
    )
    spec = charts.render(chart.to_dict())[charts.VEGALITE_MIME]
    # every tooltip line shows a value restated with "not stated" for a missing one
    assert all(e["field"].startswith("_stated_") for e in spec["encoding"]["tooltip"])
    assert [e["title"] for e in spec["encoding"]["tooltip"]] == [
        "About",
        "Low (USD m)",
        "Reported",
        "Note",
    ]
    got = sorted(labels(spec))
    assert got == [
        "About: A; Low (USD m): 1.5; Reported: 01 Jul 2025; Note: kept",
        "About: B; Low (USD m): not stated; Reported: not stated; Note: not stated",
    ]


def committed_specs() -> list[tuple[str, dict]]:
    root = Path(__file__).resolve().parents[2]
    found = []
    for path in sorted([*root.glob("chapters/*.ipynb"), *root.glob("appendix/*.ipynb")]):
        for cell in nbformat.read(path, as_version=4).cells:
            for out in cell.get("outputs", []):
                spec = out.get("data", {}).get(charts.VEGALITE_MIME)
                if spec:
                    found.append((path.stem, spec))
    return found


def test_case_12_no_chart_of_the_book_labels_a_mark_null():
    specs = committed_specs()
    assert len(specs) >= 20
    talent_pay = [s for name, s in specs if s["usermeta"]["report"]["label"] == "reported-pay"]
    assert talent_pay, "the talent chapter's pay chart is not in the committed outputs"
    for name, spec in specs:
        label = spec["usermeta"]["report"]["label"]
        bad = [text for text in labels(spec) if STATED.search(text)]
        assert not bad, f"{name} {label}: {bad[:2]}"
    assert any("Reported: not stated" in text for text in labels(talent_pay[0]))


# ---------------------------------------------------------------------------------------
# Build: a kernel that dies before its first cell is started once more

KERNEL = """
import os, sys
connection, marker, dies = sys.argv[1:4]
if dies == "always" or not os.path.exists(marker):
    open(marker, "a").close()
    sys.exit(1)  # dies before replying to kernel_info, as on a loaded machine
os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", "-f", connection])
"""


@pytest.fixture
def dying_kernel(tmp_path, monkeypatch):
    """``make(dies)``: the name of a kernel that dies on its first start ("once") or always."""
    home = tmp_path / "jupyter"
    script = tmp_path / "dying_kernel.py"
    script.write_text(KERNEL, encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(home))  # the spawned workers inherit it

    def make(dies: str) -> str:
        name = f"dies-{dies}"
        spec = home / "kernels" / name
        spec.mkdir(parents=True)
        argv = [sys.executable, str(script), "{connection_file}", str(tmp_path / name), dies]
        (spec / "kernel.json").write_text(
            json.dumps({"argv": argv, "display_name": name, "language": "python"})
        )
        return name

    return make


def test_case_13_a_kernel_that_dies_on_start_is_retried_once_and_said(tmp_path, dying_kernel):
    src = notebook(tmp_path / "flaky.ipynb", "print(x + 1)")
    ok = execute.run_all([job(tmp_path, src, kernel=dying_kernel("once"))], workers=1)[0]
    assert ok.ok, ok.describe()
    assert "Kernel died before replying to kernel_info" in ok.retried
    summary = book.BuildReport(html=tmp_path, results=[ok]).summary()
    assert "flaky" in summary and "kernel start retried once (RuntimeError: Kernel died" in summary
    texts = [
        o.get("text", "") for c in nbformat.read(ok.output, 4).cells for o in c.get("outputs", [])
    ]
    assert "2\n" in texts

    src = notebook(tmp_path / "dead.ipynb", "print(x)")
    dead = execute.run_all([job(tmp_path, src, kernel=dying_kernel("always"))], workers=1)[0]
    assert not dead.ok
    assert "Kernel died before replying to kernel_info" in dead.error
    message = str(execute.ExecutionError([dead]))
    assert "notebook 'dead' failed" in message and "kernel start retried once" in message
    assert cli.EXIT_EXECUTION == 4  # what `build` exits with for an ExecutionError


def test_case_13_a_notebook_that_fails_in_a_cell_fails_at_once(tmp_path, dying_kernel):
    src = notebook(tmp_path / "bad.ipynb", "raise ValueError('boom')")
    # a cell error on a kernel that would die on a second start: no second start happens
    kernel = dying_kernel("once")
    (tmp_path / kernel).touch()  # the first start succeeds
    [result] = execute.run_all([job(tmp_path, src, kernel=kernel)], workers=1)
    assert not result.ok and result.retried is None
    assert result.error == "ValueError: boom" and result.cell == "2 (id 'c0')"


# ---------------------------------------------------------------------------------------
# None of the failures touches a published book (one real build, shared with the pipeline)

DATA_FAILURES = {
    "2 windows-1252": case_2_windows_1252,
    "3 non-finite": case_3_non_finite,
    "5 short dates": case_5_short_dates,
    "6 blank required text": case_6_blank_required_text,
    "7 semicolons": case_7_semicolons,
    "8 line break + type error": lambda d: (
        case_8_line_break_in_a_cell(d),
        dk.set_cell(d, "capex_annual", "capex_usd_bn", "lots", row=3),
    ),
}
PARAM_FAILURES = {
    "9 nan": ["infrastructure.pue=nan"],
    "9 below range": ["infrastructure.pue=0.9"],
    "10 not ISO": ["talent.window_start=01/02/2025"],
}


@pytest.mark.pipeline
def test_no_case_touches_the_published_book(project, tmp_path):
    html, stage = project / "_build" / "html", project / "_build" / "stage"
    before, staged = tree_digest(html), tree_digest(stage)
    quiet = {"progress": lambda _: None}
    for name, mutate in DATA_FAILURES.items():
        folder = dk.copy_data(tmp_path / name.replace(" ", "-"))
        mutate(folder)
        with pytest.raises(DataError):
            book.build(root=project, data_dir=folder, **quiet)
        assert tree_digest(html) == before, name
    for name, assignments in PARAM_FAILURES.items():
        with pytest.raises(ParameterError):
            book.build(root=project, cli_params=assignments, **quiet)
        assert tree_digest(html) == before, name
    broken = tmp_path / "broken.yaml"
    broken.write_text("chapters:\n\tinfrastructure: {}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"broken.yaml, line 2"):
        book.build(root=project, params_file=broken, **quiet)
    assert tree_digest(html) == before

    # the real command line, as a user runs it: a dry run refuses, or lists the cache
    proc = run_report(project, "build", "--dry-run", "--param", "infrastructure.pue=nan")
    assert proc.returncode == 3
    assert "infrastructure.pue must be a finite number, got nan" in proc.stderr
    proc = run_report(project, "build", "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert "Would execute 0 notebook(s)" in proc.stdout
    assert "Would reuse 9 notebook(s) from the cache" in proc.stdout
    proc = run_report(project, "build", "--dry-run", "--param", "infrastructure.pue=1.5")
    assert proc.returncode == 0, proc.stderr
    assert re.search(
        r"Would execute 1 notebook\(s\):\n  infrastructure +inputs changed", proc.stdout
    )
    assert tree_digest(html) == before
    assert tree_digest(stage) == staged  # nothing was executed either


@pytest.mark.pipeline
def test_case_12_the_built_talent_page_says_not_stated(project):
    page = (project / "_build" / "html" / "chapters" / "talent.html").read_text(encoding="utf-8")
    specs = [
        json.loads(m)
        for m in re.findall(
            r'<script type="application/json" id="chart-[^"]+">(.*?)</script>', page
        )
    ]
    pay = [s for s in specs if s["usermeta"]["report"]["label"] == "reported-pay"]
    assert pay
    texts = labels(pay[0])
    assert any("Reported: not stated" in t for t in texts)
    assert not [t for t in texts if STATED.search(t)]
