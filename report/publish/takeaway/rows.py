"""The rows a chart draws (after its own filters), as the CSV the book offers."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from report.data.sourcing import split_ids
from report.publish.csvsafe import neutralise
from report.publish.takeaway.links import TakeawayError

#: Columns the CSV adds to the rows drawn.
SOURCE_COLUMNS = ["source_id", "source_url", "source_grade", "source_seen"]


_COMPARISONS = {
    "equal": lambda v, x: v == x,
    "lt": lambda v, x: v is not None and v < x,
    "lte": lambda v, x: v is not None and v <= x,
    "gt": lambda v, x: v is not None and v > x,
    "gte": lambda v, x: v is not None and v >= x,
}


def _predicate(pred: Any, row: dict[str, Any], label: str) -> bool:
    """Evaluate a Vega-Lite field predicate on one row (a subset: what Altair writes)."""
    if isinstance(pred, dict) and "and" in pred:
        return all(_predicate(p, row, label) for p in pred["and"])
    if isinstance(pred, dict) and "or" in pred:
        return any(_predicate(p, row, label) for p in pred["or"])
    if isinstance(pred, dict) and "not" in pred:
        return not _predicate(pred["not"], row, label)
    if isinstance(pred, dict) and "field" in pred and "timeUnit" not in pred:
        name = pred["field"]
        if name not in row:
            raise TakeawayError(
                f"chart {label!r} filters on {name!r}, which its data does not hold; "
                "filter the rows in pandas before charting"
            )
        value = row[name]
        if "oneOf" in pred:
            return value in pred["oneOf"]
        if "range" in pred:
            low, high = pred["range"]
            return (
                value is not None
                and (low is None or value >= low)
                and (high is None or value <= high)
            )
        if "valid" in pred:
            valid = value is not None and not (isinstance(value, float) and value != value)
            return valid == bool(pred["valid"])
        for key, test in _COMPARISONS.items():
            if key in pred:
                return test(value, pred[key])
    raise TakeawayError(
        f"chart {label!r} has a filter the take-away cannot evaluate ({json.dumps(pred)[:120]}); "
        "filter the rows in pandas before charting, or use a field predicate "
        "(equal, oneOf, range, lt, lte, gt, gte, valid)"
    )


@dataclass
class Drawn:
    """One dataset a chart draws: its rows after the chart's filters, and what shows it."""

    name: str
    rows: list[dict[str, Any]]
    series: str


def _channel_title(encoding: dict[str, Any]) -> str | None:
    for channel in ("y", "x", "theta", "text", "color", "x2", "y2"):
        enc = encoding.get(channel)
        if isinstance(enc, dict) and enc.get("title"):
            return str(enc["title"])
    for channel in ("y", "x", "theta", "text", "color"):
        enc = encoding.get(channel)
        if isinstance(enc, dict) and enc.get("field"):
            return str(enc["field"])
    return None


def drawn_datasets(spec: dict[str, Any]) -> list[Drawn]:
    """Every dataset a chart draws, each with the rows that pass the chart's own filters.

    Views inherit data and transforms from the layers, concatenations and facets that hold
    them. A dataset drawn by several views keeps a row that any of them keeps. Interactive
    filters (``{"param": ...}``) are the reader's, not the chart's, and keep every row.

    Raises:
        TakeawayError: a filter is an expression (filter in pandas instead).
    """
    label = spec.get("usermeta", {}).get("report", {}).get("label", "chart")
    datasets = spec.get("datasets", {})
    uses: dict[str, dict[str, Any]] = {}

    def walk(node: Any, data: Any, filters: list[Any]) -> None:
        if not isinstance(node, dict):
            return
        data = node.get("data", data)
        filters = filters + [
            t["filter"]
            for t in node.get("transform", []) or []
            if "filter" in t and not (isinstance(t["filter"], dict) and "param" in t["filter"])
        ]
        if "mark" in node and isinstance(data, dict):
            if "name" in data:
                name, rows = data["name"], datasets.get(data["name"], [])
            elif "values" in data:
                name, rows = f"inline-{len(uses)}", data["values"]
            else:
                name, rows = None, []
            if name is not None:
                use = uses.setdefault(name, {"rows": rows, "filters": [], "series": []})
                use["filters"].append(filters)
                mark = node["mark"]["type"] if isinstance(node["mark"], dict) else node["mark"]
                title = _channel_title(node.get("encoding", {}) or {})
                use["series"].append(f"{mark}: {title}" if title else str(mark))
        for key in ("layer", "hconcat", "vconcat", "concat"):
            for child in node.get(key, []) or []:
                walk(child, data, filters)
        if isinstance(node.get("spec"), dict):
            walk(node["spec"], data, filters)

    walk(spec, None, [])
    found = []
    for name, use in uses.items():
        kept = []
        for row in use["rows"]:
            for chain in use["filters"]:
                if all(_predicate(pred, row, label) for pred in chain):
                    kept.append(row)
                    break
        series = "; ".join(dict.fromkeys(use["series"]))
        found.append(Drawn(name=name, rows=kept, series=series))
    return found


def _cell(value: Any) -> Any:
    """A CSV cell: ISO dates kept short, floats without noise, formulas neutralised.

    Text a spreadsheet would run as a formula gets a leading apostrophe
    (``report.publish.csvsafe``); numbers stay numbers.
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(value, ".12g")
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00(\.0+)?", value):
        return value[:10]
    if isinstance(value, (list, dict)):
        return neutralise(json.dumps(value, ensure_ascii=False))
    return neutralise(value)


def _source_ids(row: dict[str, Any]) -> list[str]:
    ids: list[str] = []
    for key, value in row.items():
        if str(key).endswith("source_id"):
            ids += split_ids(value)
    return list(dict.fromkeys(ids))


def csv_rows(spec: dict[str, Any], sources: pd.DataFrame) -> tuple[list[str], list[list[Any]]]:
    """The CSV of a chart: header and rows, exactly the rows drawn, with their sources.

    Rows that carry no ``source_id`` (what the report computed: a projection, a reference
    line, counts about the data package) get the grade ``computed`` and no source.

    Raises:
        TakeawayError: a row names a source that ``sources`` does not hold.
    """
    label = spec.get("usermeta", {}).get("report", {}).get("label", "chart")
    by_id = sources.set_index("source_id")
    drawn = drawn_datasets(spec)
    columns: list[str] = []
    for part in drawn:
        for row in part.rows:
            for key in row:
                if key not in columns and not str(key).endswith("source_id"):
                    columns.append(key)
    several = len(drawn) > 1
    header = (["series"] if several else []) + columns + SOURCE_COLUMNS
    out = []
    for part in drawn:
        for row in part.rows:
            ids = _source_ids(row)
            missing = [i for i in ids if i not in by_id.index]
            if missing:
                raise TakeawayError(f"chart {label!r}: unknown source(s) {', '.join(missing)}")
            if ids:
                extra = [
                    ";".join(ids),
                    " ".join(str(by_id.loc[i, "url"]) for i in ids),
                    ";".join(str(by_id.loc[i, "kind"]) for i in ids),
                    ";".join(str(by_id.loc[i, "seen"]) for i in ids),
                ]
            else:
                extra = ["", "", "computed", ""]
            values = [_cell(row.get(c)) for c in columns]
            out.append(([part.series] if several else []) + values + extra)
    return header, out


def csv_text(spec: dict[str, Any], sources: pd.DataFrame) -> str:
    """The CSV file of a chart (UTF-8, Unix line ends)."""
    header, rows = csv_rows(spec, sources)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
