"""Safe YAML loading for the files we own.

Dates stay strings (``2025-06-12`` is not turned into a ``date``) and a
duplicate key is an error, never a silent overwrite. Every error is one line naming the
file, the line and the problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


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


def loads(text: str, name: str = "<string>") -> Any:
    """Parse YAML text strictly (dates as strings, duplicate keys rejected)."""
    loader = _StrictLoader(text)
    loader.name = name
    try:
        return loader.get_single_data()
    except YamlError:
        raise
    except yaml.YAMLError as exc:
        raise YamlError(_one_line(exc, name)) from exc
    finally:
        loader.dispose()


def _one_line(exc: yaml.YAMLError, name: str) -> str:
    """``FILE, line N: not valid YAML: PROBLEM`` for a PyYAML error."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if "'\\t'" in problem:
        problem = "a tab character, which YAML does not allow for indentation (indent with spaces)"
    where = f"{name}, line {mark.line + 1}, column {mark.column + 1}" if mark else name
    return f"{where}: not valid YAML: {problem}"


def load(path: Path | str) -> Any:
    """Read a YAML file strictly."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise YamlError(f"{path}: cannot read: {exc}") from exc
    return loads(text, str(path))
