"""Pass 3: rules the package format cannot express (declared under ``checks``), citations, provenance."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from report.data.sourcing import split_ids
from report.data.validation.descriptor import _display, edition_date, read_records
from report.data.validation.problems import Problem
from report.data.validation.refs import source_reference_fields

#: Rules declared on the sources resource but applied across the package.
PROVENANCE_RULES = {"secondhand_quoted", "generated_not_alone"}


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
                rule = check.get("rule")
                if rule == "only_when":  # a field filled exactly on the rows ``when`` names
                    field, wanted = check["field"], _matches(row, check.get("when"))
                    if bool((row.get(field) or "").strip()) != wanted:
                        need = "required" if wanted else "must be empty"
                        scope = ", ".join(f"{k}={v}" for k, v in check["when"].items())
                        text = (
                            f"'{field}' {need} {'on' if wanted else 'except on'} rows with {scope}"
                        )
                        problems.append(
                            Problem(file, text, row=line, field=field, value=row.get(field) or None)
                        )
                    continue
                if not _matches(row, check.get("when")):
                    continue
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
        citing = source_reference_fields(res)
        for _, row in _rows(data_dir, res):
            cited.update(i for name in citing for i in split_ids(row.get(name)))
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
            fields = source_reference_fields(res)
            if not fields:
                continue
            rows = list(_rows(data_dir, res))
            rfile = _display(data_dir, res["path"])

            def only_generated(cell: str | None) -> bool:
                ids = split_ids(cell)
                return bool(ids) and all(i in generated for i in ids)

            if res["name"] == "claim_sources":
                support: dict[str, set[bool]] = {}
                for _, row in rows:
                    support.setdefault(row["claim_id"], set()).add(only_generated(row["source_id"]))
                for line, row in rows:
                    if only_generated(row["source_id"]) and support[row["claim_id"]] == {True}:
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
                if row.get("source_id") and not only_generated(row["source_id"])
            }
            for line, row in rows:
                for field in fields:
                    if not only_generated(row.get(field)):
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
