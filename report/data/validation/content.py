"""Pass 2: Frictionless types, constraints and keys, with the report's narrowings of the types."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from report.data import reading
from report.data.validation.descriptor import _display
from report.data.validation.problems import Problem
from report.data.validation.refs import is_source_reference


def _type_rule(field: dict[str, Any] | None, note: str) -> str:
    """What a cell of the field's type must look like, for a type error."""
    kind = (field or {}).get("type")
    if kind == "number":
        return (
            "wrong type: not a number (write digits with '.' as the decimal mark and no "
            "thousands separator, currency or % sign, as 1234.5 or 1.2E+3)"
        )
    if kind == "integer":
        return "wrong type: not a whole number (as 2025)"
    if kind == "date":
        return "wrong type: not a date written YYYY-MM-DD (as 2023-02-24)"
    if kind == "boolean":
        true, false = reading.boolean_values(field or {})
        return f"wrong type: not a boolean (true: {', '.join(true)}; false: {', '.join(false)})"
    return f"wrong type: {note}"


def _rule_text(error: Any, field: dict[str, Any] | None = None) -> str:
    note = (getattr(error, "note", "") or "").strip()
    kind = error.type
    if kind == "type-error":
        return _type_rule(field, note)
    if kind in ("constraint-error", NARROWING_ERROR):
        return note
    if kind == "primary-key":
        return f"duplicate key ({note})"
    if kind == "foreign-key":
        return f"unknown reference ({note})"
    if kind == "missing-cell":
        return "cell is missing"
    return f"{kind}: {note or error.message}"


def _duplicate_key_text(error: Any, schema: dict[str, Any]) -> str:
    """``duplicate key quarter='2025Q1', basis='purchases_ppe' (as in row 5)``."""
    names = [f["name"] for f in schema.get("fields", [])]
    key = schema.get("primaryKey") or []
    key = [key] if isinstance(key, str) else key
    cells = list(getattr(error, "cells", None) or [])
    found = re.search(r"position (\d+)", getattr(error, "note", "") or "")
    where = f" (as in row {found.group(1)})" if found else ""
    try:
        shown = ", ".join(f"{k}={cells[names.index(k)]!r}" for k in key)
    except (ValueError, IndexError):
        return _rule_text(error) + where
    return f"duplicate key {shown}{where}"


#: The Frictionless error type of a cell refused by ``reading.narrowing``.
NARROWING_ERROR = "report-reading"


@functools.cache
def _narrowing_check() -> Any:
    """A Frictionless check applying ``reading.narrowing`` to every cell it parsed."""
    import attrs
    from frictionless import Check, errors

    @attrs.define(kw_only=True, repr=False)
    class NarrowingError(errors.CellError):
        type = NARROWING_ERROR
        title = "Cell refused by the report's reading"
        description = "A cell the Table Schema type admits but the report reads strictly."
        template = "{note}"

    @attrs.define(kw_only=True, repr=False)
    class Narrowing(Check):
        type = "report-narrowing"
        Errors = [NarrowingError]

        def validate_row(self, row: Any) -> Iterable[Any]:
            refused = row.error_cells
            for number, field in enumerate(row.fields, start=1):
                if field.name in refused or number > len(row.cells):
                    continue
                raw = row.cells[number - 1]
                rule = reading.narrowing(
                    field.type,
                    raw,
                    row[field.name],
                    required=bool(field.constraints.get("required")),
                )
                if rule:
                    yield NarrowingError(
                        note=rule,
                        cells=[str(c) if c is not None else "" for c in row.cells],
                        row_number=row.row_number,
                        cell=str(raw),
                        field_name=field.name,
                        field_number=number,
                    )

    return Narrowing


def check_content(data_dir: Path, descriptor: dict[str, Any], skip: set[str]) -> list[Problem]:
    """Types, constraints and keys through Frictionless, for resources not in ``skip``.

    Besides the Table Schema, every cell Frictionless reads goes through
    ``reading.narrowing`` (finite numbers, ``YYYY-MM-DD`` dates, required text not blank).
    """
    from frictionless import Checklist, Package  # heavy import, only when validating

    resources = []
    for res in descriptor["resources"]:
        if res["name"] in skip:
            continue
        res = {k: v for k, v in res.items() if k not in ("checks", "chapters")}
        # Never let Frictionless guess the dialect: a note full of semicolons made it split
        # on ';'. Our CSVs are plain RFC 4180 (the structure pass already checked that).
        res.setdefault("format", "csv")
        res.setdefault("encoding", "utf-8")
        res["dialect"] = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True}
        schema = dict(res["schema"])
        # References to sources may list several ids in one cell ("a; b"): rules.check_source_refs
        # checks each of them, so Frictionless sees only the other foreign keys.
        schema["foreignKeys"] = [
            fk
            for fk in schema.get("foreignKeys", [])
            if fk["reference"].get("resource", res["name"]) not in skip
            and not is_source_reference(fk)
        ]
        res["schema"] = schema
        resources.append(res)
    if not resources:
        return []
    by_name = {r["name"]: r for r in resources}
    package = Package(
        {"name": descriptor.get("name", "data"), "resources": resources}, basepath=str(data_dir)
    )
    report = package.validate(checklist=Checklist(checks=[_narrowing_check()()]))
    problems = [Problem("datapackage.yaml", f"{e.type}: {e.message}") for e in report.errors]
    for task in report.tasks:
        res = by_name.get(task.name)
        file = _display(data_dir, res["path"]) if res else task.name
        fields = {f["name"]: f for f in res["schema"]["fields"]} if res else {}
        # A cell refused as unreadable (nan, say) says so once, not also as "minimum is 0".
        narrowed = {(e.row_number, e.field_name) for e in task.errors if e.type == NARROWING_ERROR}
        for error in task.errors:
            field = getattr(error, "field_name", None)
            if error.type == "constraint-error" and (error.row_number, field) in narrowed:
                continue
            rule = _rule_text(error, fields.get(field))
            if error.type == "primary-key" and res:
                rule = _duplicate_key_text(error, res["schema"])
            problems.append(
                Problem(
                    file,
                    rule,
                    row=getattr(error, "row_number", None),
                    field=field or None,
                    value=getattr(error, "cell", None) or None,
                )
            )
    return problems
