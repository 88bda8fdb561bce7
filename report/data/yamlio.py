"""Safe YAML loading for the files we own.

Dates stay strings (``2025-06-12`` is not turned into a ``date``) and a
duplicate key is an error, never a silent overwrite. Every error is one line naming the
file, the line and the problem.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from report.data import reading


class YamlError(ValueError):
    """A YAML file we own could not be read; the message is one line: file, line, problem."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader without timestamp resolution that rejects duplicate keys."""


# Drop the implicit timestamp resolver so dates load as plain strings.
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            mark = key_node.start_mark
            raise YamlError(f"{mark.name}, line {mark.line + 1}: duplicate key {key!r}")
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _ParamsLoader(_StrictLoader):
    """The strict loader reading scalars by the README's grammar, not YAML 1.1's.

    ``true``/``false`` (also ``True``, ``TRUE``, ``False``, ``FALSE``) are booleans; ASCII digits
    with an optional sign are a whole number, read in base ten (``012`` is 12, not octal 10);
    a number with a ``.`` and digits or an exponent is a float. Everything else YAML 1.1 would
    read as something else stays the text it is (``yes``, ``no``, ``on``, ``off``, ``1_000``,
    ``0o12``, ``0x1F``, sexagesimal ``1:30``, ``2025-01-02``); ``.inf`` and ``.nan`` are floats,
    refused as not finite), so a parameter of
    another type refuses it by name instead of taking a surprise value.
    """


_GRAMMAR_TAGS = {
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
}
_ParamsLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _GRAMMAR_TAGS]
    for first, resolvers in _StrictLoader.yaml_implicit_resolvers.items()
}
_BOOL = re.compile(
    "|".join(v for v in (*reading.TRUE_VALUES, *reading.FALSE_VALUES) if v.isalpha())
)
_INT = re.compile(r"[-+]?[0-9]+")
#: Floats by the grammar, and YAML's spellings of infinity and nan (read so that a float
#: parameter is refused as "not a finite number", the README's words).
_FLOAT = re.compile(
    r"[-+]?[0-9]+(\.[0-9]+([eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+)"
    r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
)
for _tag, _rx in (
    ("tag:yaml.org,2002:bool", _BOOL),
    ("tag:yaml.org,2002:int", _INT),
    ("tag:yaml.org,2002:float", _FLOAT),
):
    _ParamsLoader.add_implicit_resolver(
        _tag, re.compile(rf"^(?:{_rx.pattern})$"), list("tTfF+-.0123456789")
    )
_ParamsLoader.add_constructor(
    "tag:yaml.org,2002:bool", lambda loader, node: node.value.lower() == "true"
)
_ParamsLoader.add_constructor("tag:yaml.org,2002:int", lambda loader, node: int(node.value, 10))
_ParamsLoader.add_constructor(
    "tag:yaml.org,2002:float",
    lambda loader, node: (
        float(node.value.replace(".", "", 1))
        if node.value.lstrip("+-").startswith(".")
        else float(node.value)
    ),
)


def loads(text: str, name: str = "<string>", grammar: bool = False) -> Any:
    """Parse YAML text strictly (dates as strings, duplicate keys rejected).

    With ``grammar`` (parameter files and ``--param`` lists) scalars are read by the README's
    grammar of numbers and booleans, not YAML 1.1's (see ``_ParamsLoader``).
    """
    if grammar:
        _refuse_tags(text, name)
    loader = (_ParamsLoader if grammar else _StrictLoader)(text)
    loader.name = name
    try:
        return loader.get_single_data()
    except YamlError:
        raise
    except yaml.YAMLError as exc:
        raise YamlError(_one_line(exc, name)) from exc
    finally:
        loader.dispose()


def _refuse_tags(text: str, name: str) -> None:
    """Refuse an explicit YAML tag (``!!bool yes``, ``!!int 0x1F``) in a parameter file.

    A tag would bypass the grammar of numbers and booleans, so it is an error naming its line.
    Raises YamlError.
    """
    try:
        for token in yaml.scan(text, Loader=_StrictLoader):
            if isinstance(token, yaml.TagToken):
                handle, suffix = token.value
                raise YamlError(
                    f"{name}, line {token.start_mark.line + 1}: the YAML tag "
                    f"{(handle or '') + (suffix or '')!r} is not allowed; write the value itself "
                    "(numbers, booleans and dates as the README's grammar gives them)"
                )
    except yaml.YAMLError as exc:
        raise YamlError(_one_line(exc, name)) from exc


def _one_line(exc: yaml.YAMLError, name: str) -> str:
    """``FILE, line N: not valid YAML: PROBLEM`` for a PyYAML error."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if "'\\t'" in problem:
        problem = "a tab character, which YAML does not allow for indentation (indent with spaces)"
    where = f"{name}, line {mark.line + 1}, column {mark.column + 1}" if mark else name
    return f"{where}: not valid YAML: {problem}"


def load(path: Path | str, grammar: bool = False) -> Any:
    """Read a YAML file strictly (``grammar``: scalars by the README's grammar, see ``loads``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise YamlError(f"{path}: cannot read: {exc}") from exc
    return loads(text, str(path), grammar=grammar)
