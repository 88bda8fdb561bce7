"""The package's folders are its layers: a lower layer never imports a higher one.

Bottom to top: ``paths``; ``data`` (read, validate, load, choose sources); ``show`` (chart
theme and builders, figure wording, tables); ``chapters``, ``appendix`` and ``facts`` (the
analysis); ``build`` (parameters, order, execution, cache); ``publish`` (compile, take-away
files, print edition, the atomic swap); ``notebook`` and ``cli`` (entry points). Every import
counts, a lazy one inside a function too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "report"

#: Rank of each layer, lowest first; a module may import its own rank or lower.
LAYERS = {
    "paths": 0,
    "data": 1,
    "show": 2,
    "chapters": 3,
    "appendix": 3,
    "facts": 3,
    "build": 4,
    "publish": 5,
    "notebook": 6,
    "cli": 6,
    "__main__": 6,
    "__init__": 0,
}


def layer_of(module: str) -> str:
    """The layer of a dotted module name inside ``report`` (``report.show.charts`` → ``show``)."""
    parts = module.split(".")
    if parts[0] != "report":
        raise ValueError(f"{module} is not in report")
    return parts[1] if len(parts) > 1 else "__init__"


def module_name(path: Path, package: Path = PACKAGE) -> str:
    rel = path.relative_to(package.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Every ``report`` module a file imports (line, dotted name), lazy imports included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("report")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("report"):
            if node.module == "report":  # from report import data, paths
                found += [(node.lineno, f"report.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, node.module))
    return found


def violations(package: Path = PACKAGE) -> list[str]:
    """Each import that runs up the layers, as 'file:line: layer imports layer (module)'."""
    found = []
    for path in sorted(package.rglob("*.py")):
        own = layer_of(module_name(path, package))
        for line, target in imports_of(path):
            other = layer_of(target)
            if LAYERS[other] > LAYERS[own]:
                rel = path.relative_to(package.parent)
                found.append(f"{rel}:{line}: {own} imports {other} ({target})")
    return found


def test_every_module_has_a_layer():
    names = {layer_of(module_name(p)) for p in PACKAGE.rglob("*.py")}
    assert names <= set(LAYERS), f"modules outside every layer: {sorted(names - set(LAYERS))}"


def test_no_layer_imports_a_higher_one():
    assert violations() == []


def test_the_layer_check_can_fail(tmp_path):
    """A data module that imports the build layer (as a careless helper might) is caught."""
    copy = tmp_path / "report"
    (copy / "data").mkdir(parents=True)
    (copy / "data" / "bad.py").write_text(
        "def f():\n    from report.build import params\n    return params\n", encoding="utf-8"
    )
    (copy / "chapters").mkdir()
    (copy / "chapters" / "x.py").write_text("from report.publish import book\n", encoding="utf-8")
    assert violations(copy) == [
        "report/chapters/x.py:1: chapters imports publish (report.publish)",
        "report/data/bad.py:2: data imports build (report.build)",
    ]


@pytest.mark.parametrize("sub", ["data", "show", "build", "publish"])
def test_each_layer_says_what_it_owns(sub):
    """Each sub-package's docstring says what it owns and what it may import."""
    doc = ast.get_docstring(ast.parse((PACKAGE / sub / "__init__.py").read_text(encoding="utf-8")))
    assert doc and "Owns" in doc and "import" in doc


def test_long_modules_say_why():
    """A module above about 400 lines gives its reason in its docstring."""
    long = []
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        doc = ast.get_docstring(ast.parse(text)) or ""
        if text.count("\n") > 420 and "400 lines because" not in doc:
            long.append(f"{path.relative_to(PACKAGE.parent)} ({text.count(chr(10))} lines)")
    assert long == []
