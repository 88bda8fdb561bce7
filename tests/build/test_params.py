"""Parameter resolution: precedence, unknown names, wrong types, file format."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from report.build import params, toc
from report.build.params import ParameterError
from report.data.yamlio import YamlError

ROOT = Path(__file__).resolve().parents[2]


def make_notebook(path: Path, source: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
    }
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell("x = 1")]
    nbformat.write(nb, path)
    return path


@pytest.fixture
def notebooks(tmp_path) -> dict[str, Path]:
    a = make_notebook(
        tmp_path / "alpha.ipynb",
        'data_dir: str = "../data"  # data folder\n'
        "start: int = 2017  # first year\n"
        "kw: float = 1.4  # kW per chip\n"
        "show_all: bool = False  # show everything\n"
        'kinds: list = ["a", "b"]  # kinds shown\n'
        'label: str = "x"  # a label\n',
    )
    b = make_notebook(
        tmp_path / "beta.ipynb",
        'data_dir: str = "../data"  # data folder\nn: int = 3  # how many\n',
    )
    return {"alpha": a, "beta": b}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_declared_reads_types_defaults_and_help(notebooks):
    spec = params.declared(notebooks["alpha"])
    assert spec["start"] == params.Param("start", "int", 2017, "first year")
    assert spec["kw"].type == "float" and spec["kw"].default == 1.4
    assert spec["kinds"].default == ["a", "b"]
    assert spec["show_all"].type == "bool"


def test_precedence_defaults_file_scenario_cli(notebooks, tmp_path):
    file = write(
        tmp_path / "params.yaml",
        "chapters:\n  alpha: {start: 2019, kw: 2}\n  beta: {n: 5}\n"
        "scenarios:\n  late:\n    description: later start\n    alpha: {start: 2021}\n",
    )
    # file only
    values = params.resolve(notebooks, params_file=file)
    assert values["alpha"] == {"start": 2019, "kw": 2.0}
    assert isinstance(values["alpha"]["kw"], float)
    assert values["beta"] == {"n": 5}
    # scenario beats file
    values = params.resolve(notebooks, params_file=file, scenario="late")
    assert values["alpha"]["start"] == 2021 and values["alpha"]["kw"] == 2.0
    # command line beats scenario
    values = params.resolve(notebooks, params_file=file, scenario="late", cli=["alpha.start=2023"])
    assert values["alpha"]["start"] == 2023
    # no file: only the command line
    values = params.resolve(notebooks, params_file=None, cli=["beta.n=9"])
    assert values == {"alpha": {}, "beta": {"n": 9}}


def test_unknown_chapter_lists_valid_chapters(notebooks):
    with pytest.raises(ParameterError) as err:
        params.resolve(notebooks, params_file=None, cli=["gamma.n=1"])
    assert "unknown chapter 'gamma'" in str(err.value)
    assert "alpha, beta" in str(err.value)


def test_unknown_parameter_lists_valid_names_and_types(notebooks):
    with pytest.raises(ParameterError) as err:
        params.resolve(notebooks, params_file=None, cli=["alpha.strat=2019"])
    message = str(err.value)
    assert "unknown parameter 'strat'" in message
    assert "start: int = 2017" in message and "kw: float = 1.4" in message


def test_unknown_parameter_in_file_is_an_error(notebooks, tmp_path):
    file = write(tmp_path / "p.yaml", "chapters:\n  beta: {m: 1}\n")
    with pytest.raises(ParameterError, match="unknown parameter 'm' for chapter 'beta'"):
        params.resolve(notebooks, params_file=file)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("chapters:\n  alpha: {start: '2019'}\n", "alpha.start must be int"),
        ("chapters:\n  alpha: {start: 2019.5}\n", "alpha.start must be int"),
        ("chapters:\n  alpha: {start: true}\n", "alpha.start must be int"),
        ("chapters:\n  alpha: {kw: high}\n", "alpha.kw must be float"),
        ("chapters:\n  alpha: {show_all: 1}\n", "alpha.show_all must be bool"),
        ("chapters:\n  alpha: {kinds: a}\n", "alpha.kinds must be list"),
        ("chapters:\n  alpha: {kinds: [1, 2]}\n", "alpha.kinds must be list"),
        ("chapters:\n  alpha: {label: 5}\n", "alpha.label must be str"),
    ],
)
def test_wrong_types_in_file_are_errors(notebooks, tmp_path, text, fragment):
    file = write(tmp_path / "p.yaml", text)
    with pytest.raises(ParameterError, match=fragment):
        params.resolve(notebooks, params_file=file)


@pytest.mark.parametrize(
    "assignment, fragment",
    [
        ("alpha.start=soon", "alpha.start must be int"),
        ("alpha.kw=1,4", "alpha.kw must be float"),
        ("alpha.show_all=maybe", "must be true or false"),
        ("alpha.kinds=[1, 2]", "alpha.kinds must be list"),
        ("alpha.start", "expected CHAPTER.NAME=VALUE"),
        ("start=2019", "expected CHAPTER.NAME=VALUE"),
    ],
)
def test_wrong_cli_values_are_errors(notebooks, assignment, fragment):
    with pytest.raises(ParameterError, match=fragment):
        params.resolve(notebooks, params_file=None, cli=[assignment])


def test_cli_values_are_parsed_by_declared_type(notebooks):
    values = params.resolve(
        notebooks,
        params_file=None,
        cli=[
            "alpha.start=2020",
            "alpha.kw=2",
            "alpha.show_all=TRUE",
            "alpha.kinds=[c]",
            "alpha.label=2024",
        ],
    )
    assert values["alpha"] == {
        "start": 2020,
        "kw": 2.0,
        "show_all": True,
        "kinds": ["c"],
        "label": "2024",
    }


def test_unknown_scenario_and_typos_in_unused_scenarios(notebooks, tmp_path):
    file = write(
        tmp_path / "p.yaml", "scenarios:\n  a:\n    alpha: {start: 2020}\n  b:\n    beta: {nn: 2}\n"
    )
    with pytest.raises(ParameterError, match="unknown scenario 'c'; valid: a, b"):
        params.resolve(notebooks, params_file=file, scenario="c")
    with pytest.raises(ParameterError, match="scenario b.*unknown parameter 'nn'"):
        params.resolve(notebooks, params_file=file)


def test_params_file_format_errors(notebooks, tmp_path):
    with pytest.raises(YamlError, match="duplicate key 'alpha'"):
        params.resolve(
            notebooks,
            params_file=write(tmp_path / "d.yaml", "chapters:\n  alpha: {}\n  alpha: {}\n"),
        )
    with pytest.raises(ParameterError, match="unknown top-level key"):
        params.resolve(notebooks, params_file=write(tmp_path / "t.yaml", "chapter:\n  alpha: {}\n"))
    with pytest.raises(ParameterError, match="does not exist"):
        params.resolve(notebooks, params_file=tmp_path / "missing.yaml")


def test_data_dir_is_set_for_every_notebook(notebooks, tmp_path):
    values = params.resolve(notebooks, params_file=None, data_dir=tmp_path)
    assert values["alpha"]["data_dir"] == str(tmp_path.resolve())
    assert values["beta"]["data_dir"] == str(tmp_path.resolve())


def test_parameters_need_annotations_and_literals(tmp_path):
    bare = make_notebook(tmp_path / "bare.ipynb", "start = 2017  # no type\n")
    with pytest.raises(ParameterError, match="needs a type annotation"):
        params.declared(bare)
    computed = make_notebook(tmp_path / "computed.ipynb", "start: int = 2000 + 17  # computed\n")
    with pytest.raises(ParameterError, match="plain literal"):
        params.declared(computed)


def test_the_books_notebooks_declare_typed_documented_parameters():
    for name, path in toc.notebooks(ROOT).items():
        spec = params.declared(path)
        assert "data_dir" in spec, name
        assert spec["data_dir"].default == "../data", name
        for p in spec.values():
            assert p.help, f"{name}.{p.name} has no help comment"
        assert len(spec) >= 2, f"{name} needs parameters an analyst would change"


def test_the_books_params_file_resolves():
    values = params.resolve(toc.notebooks(ROOT), params_file=ROOT / "params.yaml")
    assert set(values) == set(toc.notebooks(ROOT))
    for scenario in params.scenarios(ROOT / "params.yaml"):
        params.resolve(toc.notebooks(ROOT), params_file=ROOT / "params.yaml", scenario=scenario)


def test_a_parameter_papermill_cannot_read_is_an_error(tmp_path):
    # papermill only prints "Unable to parse line" and drops the parameter
    nb = make_notebook(
        tmp_path / "eq.ipynb",
        'end: str = ""  # last date (empty = the edition date)\nn: int = 1  # n\n',
    )
    with pytest.raises(ParameterError, match=r"cannot read parameter\(s\) end \(line 1\)"):
        params.declared(nb)


@pytest.mark.parametrize(
    ("assignment", "fragment"),
    [
        ("conclusion.guidance_point=middle", "must be one of low, mid, high; got 'middle'"),
        ("infrastructure.growth_basis=foo", "one of purchases_ppe, incl_finance_leases"),
        ("infrastructure.peer_alignment=fiscl", "one of calendar, fiscal; got 'fiscl'"),
        ("claims.order_by=xyz", "one of article, verdict"),
        ("sources.kinds=['filing', 'compnay']", "every item of sources.kinds must be one of"),
        ("labs.event_types=['reorganisaton']", "got 'reorganisaton'"),
    ],
)
def test_a_value_outside_its_documented_set_is_refused(assignment, fragment):
    with pytest.raises(ParameterError, match=re.escape(fragment)):
        params.resolve(toc.notebooks(), params_file=None, cli=[assignment])


def test_documented_sets_are_the_sets_the_code_knows():
    from report.chapters import labs
    from report.data import sourcing

    declared = {name: params.declared(path) for name, path in toc.notebooks().items()}
    assert declared["labs"]["event_types"].choices == tuple(labs.EVENT_TYPES)
    assert declared["sources"]["kinds"].choices == tuple(sourcing.KIND_RANK)
    assert declared["conclusion"]["guidance_point"].choices == ("low", "mid", "high")
    assert params.Param("x", "str", "a", "words; one of {a, b}").choices == ("a", "b")
    assert params.Param("x", "int", 1, "one of {1, 2}").choices is None  # numbers use ranges


@pytest.mark.parametrize("argv", [["build", "--bogus"], ["build", "--jobs", "abc"], ["nosuch"]])
def test_a_command_line_usage_error_exits_3_not_the_bad_data_code(argv, capsys):
    from report.cli import EXIT_PARAMS, main

    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == EXIT_PARAMS == 3
    assert "error:" in capsys.readouterr().err
