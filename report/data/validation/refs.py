"""References to sources: a ``*source_id`` cell may list several ids (``"a; b"``), each a key of sources."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from report.data.sourcing import ID_SEPARATOR, split_ids
from report.data.validation.descriptor import _display
from report.data.validation.problems import Problem

#: What one source id looks like (the ``source_id`` pattern of ``sources``).
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")


def is_source_reference(fk: dict[str, Any]) -> bool:
    """Whether a foreign key points at the ``source_id`` of ``sources`` (checked here, per id)."""
    ref = fk.get("reference") or {}
    return ref.get("resource") == "sources" and list(ref.get("fields") or []) == ["source_id"]


def source_reference_fields(resource: dict[str, Any]) -> list[str]:
    """The fields of a data-package resource that cite sources (its foreign keys to them)."""
    return [
        fk["fields"][0] if isinstance(fk["fields"], list) else fk["fields"]
        for fk in resource["schema"].get("foreignKeys", [])
        if is_source_reference(fk)
    ]


def check_source_refs(
    data_dir: Path, descriptor: dict[str, Any], skip: set[str], rows_of: Any
) -> list[Problem]:
    """Every id in every source reference is a key of ``sources``.

    A cell holds one id or several separated by ``;`` (spaces around it ignored); an empty
    part (``"a;;b"``), an id that is not a key of sources, or one not of the id pattern is a
    problem naming the file, row, field and the offending id. ``rows_of(data_dir, resource)``
    yields ``(line, row)`` as the other rules read them. Resources in ``skip`` are not read;
    nothing is checked when ``sources`` itself is in ``skip``.
    """
    by_name = {r["name"]: r for r in descriptor["resources"]}
    if "sources" not in by_name or "sources" in skip:
        return []
    known = {row["source_id"] for _, row in rows_of(data_dir, by_name["sources"])}
    problems: list[Problem] = []
    for res in descriptor["resources"]:
        if res["name"] in skip:
            continue
        fields = source_reference_fields(res)
        if not fields:
            continue
        file = _display(data_dir, res["path"])
        for line, row in rows_of(data_dir, res):
            for field in fields:
                cell = row.get(field) or ""
                if not cell.strip():
                    continue  # a required cell left empty is the content pass's problem
                parts = [p.strip() for p in cell.split(ID_SEPARATOR)]
                if any(not p for p in parts):
                    problems.append(
                        Problem(
                            file,
                            f"empty source id in a list (ids are separated by '{ID_SEPARATOR}')",
                            line,
                            field,
                            cell,
                        )
                    )
                for sid in split_ids(cell):
                    if not ID_PATTERN.fullmatch(sid):
                        rule = f"not a source id: {sid!r} (lower-case letters, digits and '-')"
                    elif sid not in known:
                        rule = f"unknown reference: {sid!r} is not a source_id of sources"
                    else:
                        continue
                    problems.append(Problem(file, rule, line, field, cell))
    return problems
