"""Validate a data folder against its Frictionless data package.

Everything about the shape of the data lives in ``datapackage.yaml``; this module
only applies it. Files are read as the loader reads them (``report.data.reading``: UTF-8 with
or without a byte-order mark, any line ending, rows numbered as a spreadsheet numbers
them). Three passes, all problems of a pass reported together:

1. structure: the descriptor reads, every file exists, is UTF-8, parses as strict CSV,
   and has exactly the columns its schema declares;
2. content: Frictionless checks types, constraints, primary and foreign keys, with the
   report's narrowings of the types (finite numbers, ``YYYY-MM-DD`` dates, required text
   that is more than blanks; see ``report.reading.narrowing``);
3. rules the package format cannot express, declared per resource under ``checks``
   in the same descriptor (``ordered``, ``not_after_edition``, ``quarter_end``), plus a warning for
   sources that no row cites.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from report.data import reading, yamlio

#: How many problems a message lists before it summarises the rest.
MAX_LISTED = 40
#: Rules declared on the sources resource but applied across the package.
PROVENANCE_RULES = {"secondhand_quoted", "generated_not_alone"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located as a person would look for it."""

    file: str
    rule: str
    row: int | None = None
    field: str | None = None
    value: Any = None
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        value = "" if self.value is None else f": value {str(self.value)!r}"
        return f"{where}{value}: {self.rule}"


class DataError(ValueError):
    """The data package is invalid; ``problems`` lists every error found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(format_problems(problems))


def format_problems(problems: list[Problem], limit: int = MAX_LISTED) -> str:
    """Format problems as one readable message.

    Problems of a whole file (no row: a missing file, wrong columns, an encoding, a
    separator) come first and are always listed, since they are usually the cause of the
    rest; problems of single rows follow, capped at ``limit`` lines.
    """
    errors = [p for p in problems if p.severity == "error"]
    head = f"{len(errors)} data error(s) found" if errors else "no data errors"
    lines = [head + ":"] if errors else [head]
    whole_file = [p for p in errors if p.row is None]
    in_rows = [p for p in errors if p.row is not None]
    lines += [f"  - {p}" for p in whole_file]
    lines += [f"  - {p}" for p in in_rows[:limit]]
    if len(in_rows) > limit:
        lines.append(f"  ... and {len(in_rows) - limit} more")
    return "\n".join(lines)


_DESCRIPTORS: dict[bytes, Any] = {}


def read_descriptor(data_dir: Path) -> dict[str, Any]:
    """Read ``datapackage.yaml`` strictly; raise DataError if it is unusable.

    Parsed descriptors are cached by content (parsing is the slow part), so callers must
    treat the result as read-only.
    """
    path = data_dir / "datapackage.yaml"
    if not path.is_file():
        raise DataError([Problem(str(path), "the data package descriptor is missing")])
    raw = path.read_bytes()
    key = hashlib.sha1(raw).digest()
    if key in _DESCRIPTORS:
        return _DESCRIPTORS[key]
    try:
        descriptor = yamlio.loads(raw.decode("utf-8"), str(path))
    except yamlio.YamlError as exc:
        raise DataError([Problem(str(path), str(exc))]) from exc
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise DataError([Problem(str(path), "must be a mapping with a 'resources' list")])
    _DESCRIPTORS[key] = descriptor
    return descriptor


def edition_date(descriptor: dict[str, Any]) -> dt.date:
    """The edition date declared in the package (``edition_date``)."""
    value = descriptor.get("edition_date")
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise DataError(
            [Problem("datapackage.yaml", "edition_date must be an ISO date", value=value)]
        ) from exc


def _display(data_dir: Path, path: str) -> str:
    """How a file is named in messages: relative to the current folder when possible."""
    full = (data_dir / path).resolve()
    try:
        return str(full.relative_to(Path.cwd()))
    except ValueError:
        return str(full)


def read_records(data_dir: Path, resource: dict[str, Any]) -> list[tuple[int, list[str]]]:
    """The records of a resource's file, numbered as spreadsheet rows (as the loader reads them).

    Raises:
        reading.Unreadable: the bytes are not text in the declared encoding.
        csv.Error: the quoting is malformed.
    """
    raw = (data_dir / resource["path"]).read_bytes()
    return list(reading.records(reading.decode(raw, resource.get("encoding"))))


def check_structure(data_dir: Path, resource: dict[str, Any]) -> list[Problem]:
    """Encoding, strict CSV parsing and an exact header match for one resource.

    Problems of the whole file (encoding, separator, columns) come before those of rows.
    """
    name = _display(data_dir, resource["path"])
    path = data_dir / resource["path"]
    if not path.is_file():
        return [Problem(name, "file is missing")]
    try:
        text = reading.decode(path.read_bytes(), resource.get("encoding"))
    except reading.Unreadable as exc:
        return [Problem(name, exc.rule, row=exc.row, field=exc.field, value=exc.value)]
    whole_file: list[Problem] = []
    in_rows: list[Problem] = []
    header: list[str] | None = None
    row = 0  # the last record read; an error is in the next one
    try:
        for row, cells in reading.records(text):
            if header is None:
                header = cells
            elif cells and len(cells) != len(header):
                in_rows.append(
                    Problem(
                        name, f"has {len(cells)} cells but the header has {len(header)}", row=row
                    )
                )
    except csv.Error as exc:
        in_rows.append(Problem(name, f"malformed CSV (check quoting): {exc}", row=row + 1))
    if not header:
        return in_rows or [Problem(name, "file is empty (no header row)")]
    expected = [f["name"] for f in resource["schema"]["fields"]]
    separator = reading.looks_separated_by(header, expected)
    if separator:
        whole_file.append(
            Problem(
                name,
                f"the file looks {separator}-separated (as a spreadsheet saves 'CSV' where the "
                "decimal mark is a comma); save it comma-separated, as 'CSV UTF-8 (comma "
                "delimited)'",
            )
        )
    for col in expected:
        if col not in header:
            whole_file.append(Problem(name, "required column is missing", field=col))
    for col in header:
        if col not in expected:
            whole_file.append(
                Problem(
                    name, f"unexpected column (the schema has: {', '.join(expected)})", field=col
                )
            )
    if not whole_file and not in_rows and header != expected:
        whole_file.append(
            Problem(name, f"columns are out of order; expected: {', '.join(expected)}", row=1)
        )
    return whole_file + in_rows


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
        schema["foreignKeys"] = [
            fk
            for fk in schema.get("foreignKeys", [])
            if fk["reference"].get("resource", res["name"]) not in skip
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


def _period_end(value: Any, period: str | None) -> dt.date | None:
    """The last day of the period a value stands for (a year, a quarter or a date)."""
    if value is None or value == "":
        return None
    if period == "year":
        return dt.date(int(value), 12, 31)
    if period == "quarter":  # e.g. 2025Q3
        year, q = str(value).upper().split("Q")
        month = 3 * int(q)
        nxt = dt.date(int(year) + (month == 12), month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return dt.date.fromisoformat(str(value))


def _rows(data_dir: Path, resource: dict[str, Any]) -> Iterable[tuple[int, dict[str, str]]]:
    """Each data row as a mapping, with its spreadsheet row number."""
    records = read_records(data_dir, resource)
    if not records:
        return
    header = records[0][1]
    for number, cells in records[1:]:
        if cells:
            yield number, dict(zip(header, cells, strict=False))


def _matches(row: dict[str, str], when: dict[str, Any] | None) -> bool:
    if not when:
        return True
    for field, allowed in when.items():
        allowed = allowed if isinstance(allowed, list) else [allowed]
        if row.get(field) not in [str(a) for a in allowed]:
            return False
    return True


def _as_number_or_date(value: str) -> Any:
    try:
        return float(value)
    except ValueError:
        return dt.date.fromisoformat(value)


def check_rules(data_dir: Path, descriptor: dict[str, Any], skip: set[str]) -> list[Problem]:
    """Apply each resource's declared ``checks`` (rules Frictionless cannot express)."""
    edition = edition_date(descriptor)
    problems: list[Problem] = []
    for res in descriptor["resources"]:
        checks = res.get("checks") or []
        if res["name"] in skip or not checks:
            continue
        file = _display(data_dir, res["path"])
        for line, row in _rows(data_dir, res):
            for check in checks:
                if not _matches(row, check.get("when")):
                    continue
                rule = check.get("rule")
                if rule in PROVENANCE_RULES:
                    continue  # package-wide: applied by check_provenance
                if rule not in ("ordered", "not_after_edition", "quarter_end"):
                    problems.append(
                        Problem(
                            "datapackage.yaml",
                            f"unknown check rule {rule!r} in resource {res['name']!r}",
                        )
                    )
                    return problems
                try:
                    found = _apply_rule(check, row, edition)
                except ValueError as exc:  # a value the rule cannot read: never a traceback
                    field = check.get("field") or check["fields"][-1]
                    found = (f"rule {rule!r} cannot read the value: {exc}", field, row.get(field))
                if found:
                    text, field, value = found
                    problems.append(Problem(file, text, row=line, field=field, value=value))
    return problems


def _apply_rule(
    check: dict[str, Any], row: dict[str, str], edition: dt.date
) -> tuple[str, str, str | None] | None:
    """The message, field and value of a row that breaks ``check``, or None."""
    if check["rule"] == "ordered":
        first, second = check["fields"]
        a, b = row.get(first) or "", row.get(second) or ""
        if a and b and _as_number_or_date(a) > _as_number_or_date(b):
            return f"'{first}' ({a}) must not exceed '{second}'", second, b
        return None
    if check["rule"] == "quarter_end":
        label_field, end_field = check["fields"]
        label, end_text = row.get(label_field) or "", row.get(end_field) or ""
        found = re.fullmatch(r"(\d{4})Q([1-4])", label)
        if not found:  # the schema's pattern reports a malformed label
            return None
        year, q = int(found.group(1)), int(found.group(2))
        first_after = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1)
        expected = first_after - dt.timedelta(days=1)
        if end_text and dt.date.fromisoformat(end_text) != expected:
            return (
                f"'{end_field}' ({end_text}) is not the last day of {label} ({expected})",
                end_field,
                end_text,
            )
        return None
    field = check["field"]
    end = _period_end(row.get(field), check.get("period"))
    if end and end > edition:
        return (
            f"an actual figure for a period ending {end} is after the edition date {edition}",
            field,
            row.get(field),
        )
    return None


def check_citations(data_dir: Path, descriptor: dict[str, Any]) -> list[Problem]:
    """Warn about sources that no row of any table cites."""
    cited: set[str] = set()
    sources = None
    for res in descriptor["resources"]:
        if res["name"] == "sources":
            sources = res
            continue
        citing = [f["name"] for f in res["schema"]["fields"] if f["name"].endswith("source_id")]
        for _, row in _rows(data_dir, res):
            cited.update(row.get(name, "") for name in citing)
    if sources is None:
        return []
    return [
        Problem(
            _display(data_dir, sources["path"]),
            "no row of any table cites this source",
            row=line,
            field="source_id",
            value=row["source_id"],
            severity="warning",
        )
        for line, row in _rows(data_dir, sources)
        if row.get("source_id") not in cited
    ]


def validate(data_dir: Path) -> list[Problem]:
    """Validate the package in ``data_dir``; return every problem (errors and warnings)."""
    data_dir = Path(data_dir)
    descriptor = read_descriptor(data_dir)
    edition_date(descriptor)
    problems: list[Problem] = []
    broken: set[str] = set()
    for res in descriptor["resources"]:
        found = check_structure(data_dir, res)
        if found:
            broken.add(res["name"])
            problems += found
    content = check_content(data_dir, descriptor, broken)
    problems += content
    files_with_errors = {p.file for p in content}
    broken |= {
        r["name"]
        for r in descriptor["resources"]
        if _display(data_dir, r["path"]) in files_with_errors
    }
    problems += check_rules(data_dir, descriptor, broken)
    if "sources" not in broken:
        problems += check_provenance(data_dir, descriptor, broken)
    if not any(p.severity == "error" for p in problems):
        problems += check_citations(data_dir, descriptor)
    return problems


def _source_fields(resource: dict[str, Any]) -> list[str]:
    return [f["name"] for f in resource["schema"]["fields"] if f["name"].endswith("source_id")]


def check_provenance(
    data_dir: Path, descriptor: dict[str, Any], skip: set[str] = frozenset()
) -> list[Problem]:
    """Rules on how sources support figures, declared under the ``sources`` resource's ``checks``.

    - ``secondhand_quoted`` (``min``, default 2): a source with ``seen: secondhand`` (a page we
      did not read in the store, whose figures two or more stored documents report) lists in
      ``quoted_by`` at least ``min`` ids of sources read directly or of ``witnesses``, from as
      many different publishers, none of them ``generated``.
    - ``generated_not_alone``: a row citing a source of kind ``generated`` (an AI-written page)
      is accepted only when another row states the same fact (the same primary key but for the
      source) from a source that is not generated; a claim needs one non-generated source.

    Resources in ``skip`` (already found broken) are not read. Returns one :class:`Problem` per
    violation, located by file, CSV row and field.
    """
    by_name = {r["name"]: r for r in descriptor["resources"]}
    sources_res = by_name.get("sources")
    if sources_res is None:
        return []
    rules = {c.get("rule"): c for c in sources_res.get("checks") or []}
    wanted = {"secondhand_quoted", "generated_not_alone"} & set(rules)
    if not wanted:
        return []
    file = _display(data_dir, sources_res["path"])
    sources = {row["source_id"]: (line, row) for line, row in _rows(data_dir, sources_res)}
    witnesses: dict[str, dict[str, str]] = {}
    if "witnesses" in by_name and "witnesses" not in skip:
        witnesses = {
            row["witness_id"]: {**row, "seen": "direct"}
            for _, row in _rows(data_dir, by_name["witnesses"])
        }
    problems: list[Problem] = []
    if "secondhand_quoted" in wanted:
        need = int(rules["secondhand_quoted"].get("min", 2))
        for line, row in sources.values():
            quoted = [q.strip() for q in (row.get("quoted_by") or "").split(";") if q.strip()]
            if row.get("seen") != "secondhand":
                if quoted:
                    problems.append(
                        Problem(file, "quoted_by is only for seen=secondhand", line, "quoted_by")
                    )
                continue
            known = {**{k: v[1] for k, v in sources.items()}, **witnesses}
            unknown = [q for q in quoted if q not in known]
            if unknown:
                problems.append(
                    Problem(
                        file,
                        "quoted_by names ids that are neither sources nor witnesses",
                        line,
                        "quoted_by",
                        "; ".join(unknown),
                    )
                )
            quoting = [known[q] for q in dict.fromkeys(quoted) if q in known]
            quoting = [q for q in quoting if q.get("kind") != "generated"]
            if any(q.get("seen") != "direct" for q in quoting):
                problems.append(
                    Problem(
                        file,
                        "a second-hand figure must be quoted by sources read directly",
                        line,
                        "quoted_by",
                        row.get("quoted_by"),
                    )
                )
            publishers = {(q.get("publisher") or "").strip().lower() for q in quoting}
            if len(quoting) < need or len(publishers) < need:
                problems.append(
                    Problem(
                        file,
                        f"a second-hand source needs at least {need} independent stored documents "
                        f"(different publishers, none generated) in quoted_by; found {len(publishers)}",
                        line,
                        "quoted_by",
                        row.get("quoted_by") or None,
                    )
                )
    if "generated_not_alone" in wanted:
        generated = {sid for sid, (_, row) in sources.items() if row.get("kind") == "generated"}
        for res in descriptor["resources"]:
            if res["name"] == "sources" or res["name"] in skip or not generated:
                continue
            fields = _source_fields(res)
            if not fields:
                continue
            rows = list(_rows(data_dir, res))
            rfile = _display(data_dir, res["path"])
            if res["name"] == "claim_sources":
                support: dict[str, set[bool]] = {}
                for _, row in rows:
                    support.setdefault(row["claim_id"], set()).add(row["source_id"] in generated)
                for line, row in rows:
                    if row["source_id"] in generated and support[row["claim_id"]] == {True}:
                        problems.append(
                            Problem(
                                rfile,
                                "a generated (AI-written) source cannot be a claim's only support",
                                line,
                                "source_id",
                                row["source_id"],
                            )
                        )
                continue
            key = [k for k in res["schema"].get("primaryKey", []) if k not in fields]
            strong: set[tuple[str, ...]] = {
                tuple(row.get(k, "") for k in key)
                for _, row in rows
                if row.get("source_id") and row["source_id"] not in generated
            }
            for line, row in rows:
                for field in fields:
                    if row.get(field) not in generated:
                        continue
                    fact = tuple(row.get(k, "") for k in key)
                    if field != "source_id" or not key or fact not in strong:
                        problems.append(
                            Problem(
                                rfile,
                                "a generated (AI-written) source cannot be the sole support of a "
                                "figure; cite a stronger page stating the same fact",
                                line,
                                field,
                                row.get(field),
                            )
                        )
    return problems
