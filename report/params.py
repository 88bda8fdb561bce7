"""Resolve the parameters of every notebook in the book.

Precedence, lowest first: the notebook's tagged ``parameters`` cell (the defaults, and
so the types) < the parameters file (``params.yaml``, per chapter) < a named scenario
in that file < ``--param CHAPTER.NAME=VALUE`` on the command line. An unknown chapter,
an unknown name or a value of the wrong type stops everything before any notebook runs,
with a message that lists what is valid.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from report import paths, yamlio

_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "float": (float, int),
    "str": (str,),
    "bool": (bool,),
    "list": (list,),
}


class ParameterError(ValueError):
    """A parameter name, value or file is invalid."""


@dataclass(frozen=True)
class Param:
    """One declared parameter of a notebook."""

    name: str
    type: str
    default: Any
    help: str

    def describe(self) -> str:
        """``name: type = default  (help)`` for messages and docs."""
        return f"{self.name}: {self.type} = {self.default!r}  ({self.help})"


def _assigned_names(path: str) -> dict[str, int]:
    """Names assigned at the top level of the notebook's parameters cell, with their line."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    if len(cells) != 1:
        raise ParameterError(
            f"{path}: needs exactly one cell tagged 'parameters', found {len(cells)}"
        )
    try:
        tree = ast.parse(cells[0].source)
    except SyntaxError as exc:
        raise ParameterError(f"{path}: the parameters cell is not valid Python: {exc}") from exc
    names = {}
    for node in tree.body:
        targets = [node.target] if isinstance(node, ast.AnnAssign) else getattr(node, "targets", [])
        for target in targets:
            if isinstance(target, ast.Name):
                names[target.id] = node.lineno
    return names


@functools.lru_cache(maxsize=64)
def _inspect(path: str, mtime: float) -> dict[str, Param]:
    import papermill  # heavy import, only when needed

    assigned = _assigned_names(path)
    found = papermill.inspect_notebook(path)
    # papermill skips a line it cannot parse with only a printed warning (an '=' inside the
    # help comment is enough); a parameter it cannot see could never be overridden.
    unseen = {name: line for name, line in assigned.items() if name not in found}
    if unseen:
        listed = ", ".join(f"{n} (line {line})" for n, line in unseen.items())
        raise ParameterError(
            f"{path}: papermill cannot read parameter(s) {listed}; write each as "
            "'name: type = literal  # help' with no '=' in the help comment"
        )
    params = {}
    for name, info in found.items():
        kind = info["inferred_type_name"]
        try:
            default = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError) as exc:
            raise ParameterError(
                f"{path}: parameter {name!r} must default to a plain literal, "
                f"not {info['default']!r}"
            ) from exc
        if kind not in _TYPES:
            raise ParameterError(
                f"{path}: parameter {name!r} needs a type annotation, one of "
                f"{', '.join(_TYPES)} (found {kind!r})"
            )
        params[name] = Param(name, kind, default, info.get("help") or "")
    return params


def declared(notebook: Path) -> dict[str, Param]:
    """The parameters a notebook declares, from its tagged ``parameters`` cell."""
    notebook = Path(notebook).resolve()
    return _inspect(str(notebook), notebook.stat().st_mtime)


def _type_ok(param: Param, value: Any) -> bool:
    allowed = _TYPES[param.type]
    if isinstance(value, bool) and param.type != "bool":
        return False
    if not isinstance(value, allowed):
        return False
    if param.type == "list" and param.default:
        kinds = {type(v) for v in param.default}
        return all(isinstance(v, tuple(kinds)) for v in value)
    return True


def check_value(chapter: str, param: Param, value: Any, origin: str) -> Any:
    """Return ``value`` (ints widened to float where declared) or raise ParameterError."""
    if not _type_ok(param, value):
        raise ParameterError(
            f"{origin}: {chapter}.{param.name} must be {param.type} "
            f"(like the default {param.default!r}), got {type(value).__name__} {value!r}"
        )
    return float(value) if param.type == "float" else value


def parse_cli_value(param: Param, text: str, chapter: str) -> Any:
    """Parse a command-line value according to the parameter's declared type."""
    origin = "--param"
    if param.type == "str":
        return text
    if param.type in ("int", "float"):
        try:
            number = int(text) if param.type == "int" else float(text)
        except ValueError:
            raise ParameterError(
                f"{origin}: {chapter}.{param.name} must be {param.type}, got {text!r}"
            ) from None
        return number
    if param.type == "bool":
        lowered = text.strip().lower()
        if lowered not in ("true", "false"):
            raise ParameterError(
                f"{origin}: {chapter}.{param.name} must be true or false, got {text!r}"
            )
        return lowered == "true"
    value = yamlio.loads(text, origin)
    return check_value(chapter, param, value, origin)


def _unknown(kind: str, name: str, valid: Iterable[str], where: str) -> ParameterError:
    return ParameterError(f"{where}: unknown {kind} {name!r}; valid: {', '.join(sorted(valid))}")


def _describe_all(params: dict[str, Param]) -> str:
    return "; ".join(p.describe() for p in params.values())


class Resolver:
    """Knows every notebook's parameters and applies overrides in order."""

    def __init__(self, notebooks: dict[str, Path]):
        self.notebooks = notebooks
        self.specs = {name: declared(path) for name, path in notebooks.items()}
        self.values: dict[str, dict[str, Any]] = {name: {} for name in notebooks}

    def _param(self, chapter: str, name: str, where: str) -> Param:
        if chapter not in self.specs:
            raise _unknown("chapter", chapter, self.specs, where)
        specs = self.specs[chapter]
        if name not in specs:
            raise ParameterError(
                f"{where}: unknown parameter {name!r} for chapter {chapter!r}; "
                f"valid: {_describe_all(specs)}"
            )
        return specs[name]

    def apply_mapping(
        self, mapping: Any, where: str, into: dict[str, dict[str, Any]] | None = None
    ) -> None:
        """Apply ``{chapter: {name: value}}`` (from a file or a scenario) to ``into``.

        ``into`` defaults to the resolved values; pass a scratch dict to only check.
        """
        into = self.values if into is None else into
        if mapping is None:
            return
        if not isinstance(mapping, dict):
            raise ParameterError(f"{where}: expected a mapping of chapter -> parameters")
        for chapter, values in mapping.items():
            if chapter not in self.specs:
                raise _unknown("chapter", chapter, self.specs, where)
            if not isinstance(values, dict):
                raise ParameterError(f"{where}: {chapter} must map parameter names to values")
            for name, value in values.items():
                param = self._param(chapter, name, where)
                into.setdefault(chapter, {})[name] = check_value(chapter, param, value, where)

    def apply_cli(self, assignments: Iterable[str]) -> None:
        """Apply ``CHAPTER.NAME=VALUE`` strings from the command line."""
        for item in assignments:
            key, sep, text = item.partition("=")
            chapter, dot, name = key.strip().partition(".")
            if not sep or not dot or not name:
                raise ParameterError(f"--param {item!r}: expected CHAPTER.NAME=VALUE")
            param = self._param(chapter, name, "--param")
            self.values[chapter][name] = parse_cli_value(param, text, chapter)

    def set_everywhere(self, name: str, value: Any) -> None:
        """Set a parameter that every notebook declares (such as ``data_dir``)."""
        for chapter, specs in self.specs.items():
            if name not in specs:
                raise ParameterError(f"{self.notebooks[chapter]}: does not declare {name!r}")
            self.values[chapter][name] = check_value(chapter, specs[name], value, name)


def read_params_file(path: Path) -> dict[str, Any]:
    """Read and shape-check a parameters file (``chapters`` and ``scenarios``)."""
    content = yamlio.load(path) or {}
    if not isinstance(content, dict):
        raise ParameterError(f"{path}: expected a mapping with 'chapters' and 'scenarios'")
    extra = set(content) - {"chapters", "scenarios"}
    if extra:
        raise ParameterError(
            f"{path}: unknown top-level key(s) {', '.join(sorted(extra))}; valid: chapters, scenarios"
        )
    return content


def resolve(
    notebooks: dict[str, Path],
    params_file: Path | None = paths.PARAMS_FILE,
    scenario: str | None = None,
    cli: Iterable[str] = (),
    data_dir: Path | None = None,
) -> dict[str, dict[str, Any]]:
    """Return the overrides to inject into each notebook, after checking every one."""
    resolver = Resolver(notebooks)
    content: dict[str, Any] = {}
    if params_file is not None:
        if not Path(params_file).is_file():
            raise ParameterError(f"parameters file {params_file} does not exist")
        content = read_params_file(Path(params_file))
        resolver.apply_mapping(content.get("chapters"), f"{params_file} (chapters)")
    scenarios = content.get("scenarios") or {}
    if scenario is not None:
        if scenario not in scenarios:
            raise _unknown("scenario", scenario, scenarios, str(params_file))
        chosen = {k: v for k, v in (scenarios[scenario] or {}).items() if k != "description"}
        resolver.apply_mapping(chosen, f"{params_file} (scenario {scenario})")
    else:  # still check every scenario, so a typo is found before anyone runs it
        for name, body in scenarios.items():
            body = {k: v for k, v in (body or {}).items() if k != "description"}
            resolver.apply_mapping(body, f"{params_file} (scenario {name})", into={})
    if data_dir is not None:
        resolver.set_everywhere("data_dir", str(Path(data_dir).resolve()))
    resolver.apply_cli(cli)
    return resolver.values


def scenarios(params_file: Path = paths.PARAMS_FILE) -> dict[str, str]:
    """Named scenarios in the parameters file, with their descriptions."""
    content = read_params_file(params_file)
    return {
        name: (body or {}).get("description", "")
        for name, body in (content.get("scenarios") or {}).items()
    }
