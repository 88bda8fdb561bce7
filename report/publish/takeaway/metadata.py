"""Each chart's JSON sidecar: units, parameters, edition, cut-off, sources."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from report.data.sourcing import grade_label
from report.publish.takeaway.links import EXTENSIONS, anchor, citation_text, spec_title
from report.publish.takeaway.rows import SOURCE_COLUMNS, csv_rows
from report.show.charts import slug
from report.show.figures import date as date_words

#: Sidecar format version (bump when its layout changes).
SIDECAR_VERSION = 1


def _field_titles(node: Any, found: dict[str, str]) -> dict[str, str]:
    """Field name -> the title a chart shows for it (axes, legends, tooltips)."""
    if isinstance(node, dict):
        if isinstance(node.get("field"), str) and node.get("title"):
            found.setdefault(node["field"], str(node["title"]))
        for key, value in node.items():
            if key not in ("datasets", "usermeta", "data"):
                _field_titles(value, found)
    elif isinstance(node, list):
        for value in node:
            _field_titles(value, found)
    return found


def _units(titles: dict[str, str], declared: dict[str, str]) -> dict[str, str]:
    units = {}
    for name, title in titles.items():
        found = re.search(r"\(([^()]*)\)\s*$", title)
        if name in declared:
            units[name] = declared[name]
        elif found:
            units[name] = found.group(1)
    for name, unit in declared.items():
        units.setdefault(name, unit)
    return units


def _cutoff(header: list[str], rows: list[list[Any]]) -> str | None:
    newest = None
    for row in rows:
        for name, value in zip(header, row, strict=True):
            if name.startswith("source_") or not isinstance(value, str):
                continue
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) and (newest is None or value > newest):
                newest = value
    return newest


def sidecar(
    spec: dict[str, Any],
    *,
    notebook: str,
    page: str,
    edition: str,
    parameters: dict[str, Any],
    changed: list[str],
    sources: pd.DataFrame,
    declared_units: dict[str, str],
    title_of_book: str,
) -> dict[str, Any]:
    """The JSON sidecar of a chart (OWID ``.metadata.json`` in spirit).

    Args:
        spec: the rendered Vega-Lite spec.
        notebook: the notebook's name.
        page: the page's toc entry.
        edition: the edition date, ISO.
        parameters: the notebook's effective parameters (``data_dir`` left out).
        changed: names of parameters that differ from the notebook's defaults.
        sources: the sources table.
        declared_units: field name -> unit, from the data package.
        title_of_book: the report's title.

    Returns:
        A JSON-ready dictionary.
    """
    meta = spec.get("usermeta", {}).get("report", {})
    label = meta.get("label", "chart")
    header, rows = csv_rows(spec, sources)
    title = spec.get("title")
    subtitle = title.get("subtitle") if isinstance(title, dict) else None
    by_id = sources.set_index("source_id")
    cited = []
    for ref in meta.get("sources", []):
        row = by_id.loc[ref["id"]]
        cited.append(
            {
                "source_id": ref["id"],
                "title": row["title"],
                "publisher": row["publisher"],
                "url": row["url"],
                "published": None if pd.isna(row["published"]) else str(row["published"])[:10],
                "grade": row["kind"],
                "seen": row["seen"],
                "grade_label": grade_label(row["kind"], row["seen"]),
            }
        )
    titles = _field_titles(spec, {})
    columns = [c for c in header if c not in SOURCE_COLUMNS and c != "series"]
    url_path = f"{page}.html#{anchor(label)}"
    edition_words = date_words(pd.Timestamp(edition))
    return {
        "version": SIDECAR_VERSION,
        "title": spec_title(spec),
        "subtitle": " ".join(subtitle) if isinstance(subtitle, list) else subtitle,
        "description": spec.get("description"),
        "note": meta.get("note"),
        "chart": {
            "label": label,
            "notebook": notebook,
            "page": f"{page}.html",
            "anchor": anchor(label),
        },
        "report": title_of_book,
        "edition_date": edition,
        "data_cutoff": _cutoff(header, rows),
        "parameters": parameters,
        "parameters_changed": changed,
        "rows": len(rows),
        "computed_rows": sum(1 for r in rows if r[header.index("source_grade")] == "computed"),
        "computed_rows_note": "Rows graded 'computed' are the report's own arithmetic (counts, "
        "sums, projections, reference lines) on rows of the sources listed under 'sources'; "
        "they name no source of their own.",
        "columns": [
            {"name": c, "title": titles.get(c), "unit": _units(titles, declared_units).get(c)}
            for c in columns
        ],
        "units": {c: u for c, u in _units(titles, declared_units).items() if c in columns},
        "source_columns": {
            "source_id": "key into sources.csv (several joined by ';')",
            "source_url": "the source's address (several joined by a space)",
            "source_grade": "sources.kind: filing, company, news, syndicated, reference, note, "
            "generated; 'computed' for a row the report computed itself",
            "source_seen": "sources.seen: direct, or secondhand when quoted by two or more stored documents",
        },
        "tables": meta.get("tables", []),
        "sources": cited,
        "citation": citation_text(spec_title(spec), title_of_book, edition_words, url_path),
        "files": {ext: f"{slug(label)}.{ext}" for ext in EXTENSIONS},
    }


def declared_units(data_dir: Path) -> dict[str, str]:
    """Field name -> unit, for every field of the data package that declares one."""
    from report.data.validation import read_descriptor

    units = {}
    for res in read_descriptor(data_dir)["resources"]:
        for fld in res.get("schema", {}).get("fields", []):
            if fld.get("unit"):
                units.setdefault(fld["name"], str(fld["unit"]))
    return units
