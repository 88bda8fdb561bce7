"""Resolve the parameters of every notebook in the book.

Precedence, lowest first: the notebook's tagged ``parameters`` cell (the defaults, and
so the types) < the parameters file (``params.yaml``, per chapter) < a named scenario
in that file < ``--param CHAPTER.NAME=VALUE`` on the command line. An unknown chapter,
an unknown name or a value of the wrong type stops everything before any notebook runs,
with a message that lists what is valid.

A value is checked for its meaning too, as its help comment documents it: a float must
be finite; a help comment that ends with a range, such as ``range [1.0, 3.0]`` or
``range (0, inf)`` (square bracket: the bound is allowed; round: it is not), bounds the value;
a help comment that says "ISO date" makes the value a ``YYYY-MM-DD`` date (empty only
when the default is empty); a help comment that ends with a closed set, such as
``one of {low, mid, high}``, makes a text the one of those words, and every item of a list one
of them.

About 400 lines because parsing a parameters cell and checking a value's meaning are one contract, tested together.
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from report import paths
from report.data import reading, yamlio

_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "float": (float, int),
    "str": (str,),
    "bool": (bool,),
    "list": (list,),
}


class ParameterError(ValueError):
    """A parameter name, value or file is invalid."""


class ParamsFileError(ParameterError, yamlio.YamlError):
    """A parameters file is not valid YAML (a duplicate key, a tab, ...): one line, with its line."""


_NUMBER = r"[-+]?(?:inf|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)"
#: A range at the end of a help comment: ``range [1.0, 3.0]``, ``range (0, inf)``.
_RANGE = re.compile(
    rf"\brange\s+(?P<open>[\[(])\s*(?P<low>{_NUMBER})\s*,\s*(?P<high>{_NUMBER})\s*(?P<close>[\])])\s*$"
)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: A closed set at the end of a help comment: ``one of {low, mid, high}``.
_CHOICES = re.compile(r"\bone of \{(?P<items>[^{}]*)\}\s*$")


@dataclass(frozen=True)
class Range:
    """The values a numeric parameter may take, as its help comment documents them."""

    low: float
    high: float
    low_included: bool = True
    high_included: bool = True
    text: str = ""

    @classmethod
    def parse(cls, help_text: str) -> Range | None:
        """The range a help comment ends with, if any (``range [1.0, 3.0]``, ``range (0, inf)``)."""
        found = _RANGE.search(help_text or "")
        if not found:
            return None
        low, high = float(found["low"]), float(found["high"])
        if low > high:
            raise ValueError(f"the range {found.group(0)!r} is empty (low above high)")
        written = f"{found['open']}{found['low']}, {found['high']}{found['close']}"
        return cls(low, high, found["open"] == "[", found["close"] == "]", written)

    def __contains__(self, value: float) -> bool:
        above = value >= self.low if self.low_included else value > self.low
        below = value <= self.high if self.high_included else value < self.high
        return above and below

    def __str__(self) -> str:
        if self.text:
            return self.text
        left, right = "[" if self.low_included else "(", "]" if self.high_included else ")"
        return f"{left}{self.low:g}, {self.high:g}{right}"


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

    @property
    def range(self) -> Range | None:
        """The documented range of a numeric parameter (``range [low, high]`` ending its help)."""
        return Range.parse(self.help) if self.type in ("int", "float") else None

    @property
    def choices(self) -> tuple[str, ...] | None:
        """The closed set a text (or each item of a list) is drawn from: ``one of {a, b}``."""
        if self.type not in ("str", "list"):
            return None
        found = _CHOICES.search(self.help or "")
        if not found:
            return None
        return tuple(item.strip() for item in found.group("items").split(",") if item.strip())

    @property
    def iso_date(self) -> bool:
        """Whether the help documents the value as an ISO date (``YYYY-MM-DD``)."""
        return self.type == "str" and "iso date" in self.help.lower()


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
        param = Param(name, kind, default, info.get("help") or "")
        if _type_ok(param, default):  # the default must mean what the help documents
            check_meaning(Path(path).stem, param, default, f"{path} (default)")
        params[name] = param
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


def check_meaning(chapter: str, param: Param, value: Any, origin: str) -> Any:
    """Return ``value`` if it means what the parameter documents, else raise ParameterError.

    A float is finite; a number lies in its documented range; an ISO date is ``YYYY-MM-DD``
    (and a real date), or empty where the default is empty.
    """
    name = f"{chapter}.{param.name}"
    if param.type == "float" and not math.isfinite(value):
        raise ParameterError(f"{origin}: {name} must be a finite number, got {value!r}")
    if param.type in ("int", "float"):
        try:
            bounds = param.range
        except ValueError as exc:
            raise ParameterError(f"{chapter}: the help comment of {param.name}: {exc}") from None
        if bounds is not None and value not in bounds:
            raise ParameterError(
                f"{origin}: {name} must be in {bounds} (its documented range), got {value!r}"
            )
    choices = param.choices
    if choices is not None:
        items = value if isinstance(value, list) else [value]
        wrong = [item for item in items if item not in choices]
        if wrong:
            what = "every item of " if isinstance(value, list) else ""
            raise ParameterError(
                f"{origin}: {what}{name} must be one of {', '.join(choices)}; "
                f"got {', '.join(repr(w) for w in wrong)}"
            )
    if param.iso_date and not (value == "" and param.default == ""):
        try:
            ok = bool(_ISO_DATE.fullmatch(value)) and dt.date.fromisoformat(value) is not None
        except ValueError:
            ok = False
        if not ok:
            empty = " or empty" if param.default == "" else ""
            raise ParameterError(
                f"{origin}: {name} must be an ISO date YYYY-MM-DD{empty} (as 2025-01-02), "
                f"got {value!r}"
            )
    return value


def check_value(chapter: str, param: Param, value: Any, origin: str) -> Any:
    """Return ``value`` (ints widened to float where declared) or raise ParameterError.

    The type must match the declaration, and the value its documented meaning
    (see ``check_meaning``).
    """
    if not _type_ok(param, value):
        raise ParameterError(
            f"{origin}: {chapter}.{param.name} must be {param.type} "
            f"(like the default {param.default!r}), got {type(value).__name__} {value!r}"
        )
    value = float(value) if param.type == "float" else value
    return check_meaning(chapter, param, value, origin)


def parse_cli_value(param: Param, text: str, chapter: str) -> Any:
    """Parse a command-line value according to the parameter's declared type."""
    origin = "--param"
    if param.type == "str":
        return check_meaning(chapter, param, text, origin)
    if param.type in ("int", "float"):
        # Exactly the README's forms: Python's int() and float() would also take 1_000,
        # other scripts' digits, "inf" and " 5\n".
        grammar = reading.INTEGER if param.type == "int" else reading.NUMBER
        try:
            parsed = float(text)
        except ValueError:
            parsed = None
        if param.type == "float" and parsed is not None and not math.isfinite(parsed):
            return check_meaning(chapter, param, parsed, origin)  # raises: not finite
        if not grammar.fullmatch(text):
            written = "digits" if param.type == "int" else "digits, '.' and an exponent"
            raise ParameterError(
                f"{origin}: {chapter}.{param.name} must be {param.type} ({written}), got {text!r}"
            )
        number = int(text) if param.type == "int" else float(text)
        return check_meaning(chapter, param, number, origin)
    if param.type == "bool":
        if text not in (*reading.TRUE_VALUES, *reading.FALSE_VALUES):
            raise ParameterError(
                f"{origin}: {chapter}.{param.name} must be true or false, got {text!r}"
            )
        return text in reading.TRUE_VALUES
    try:
        value = yamlio.loads(text, f"{origin} {chapter}.{param.name}", grammar=True)
    except yamlio.YamlError as exc:
        raise ParameterError(str(exc)) from None
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
    """Read and shape-check a parameters file (``chapters`` and ``scenarios``).

    Raises:
        ParamsFileError: the file is not valid YAML (one line: file, line, problem).
        ParameterError: it is not a mapping of ``chapters`` and ``scenarios``.
    """
    try:
        content = yamlio.load(path, grammar=True) or {}
    except yamlio.YamlError as exc:
        raise ParamsFileError(str(exc)) from None
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
