"""Take it with you: every chart's data, static images and citation.

Under each chart's caption the book offers a small row of links:

- **Data (CSV)**: exactly the rows the chart draws (after the chart's own filters), in the
  units shown, each with its ``source_id``, the source's URL, its grade (``sources.kind``)
  and its second-hand mark (``sources.seen``); rows the report computed itself (a
  projection, a reference line) say so and name no source.
- **Metadata (JSON)**: a sidecar in the spirit of Our World in Data's ``.metadata.json``:
  title, description, units, the parameters the chart was built with, the edition date,
  the data cut-off of the rows drawn, the sources and the citation.
- **Image (SVG, PNG)**: rendered at build time with vl-convert (no browser), in the light
  theme, with the title inside the image and a source line under the chart.
- **Cite**: a short citation to copy (chart title, report title, edition date, the URL of
  the chart's anchor).

The kernel draws the link row (``links_html``, passed to the chart renderer by
``report.notebook.setup``); the build writes the files (``build``) into the staging copy
under ``_takeaway/charts/<notebook>/<label>.<ext>``, and the Sphinx extension ships them
as ``_static/charts/<notebook>/<label>.<ext>``: names come from the chart's label, so
they stay the same from one edition to the next and outside links keep working.

Static renders are cached twice: per notebook (an unchanged staged notebook, with
unchanged sources and code, costs one hash on rebuild) and per chart, by the content of
what is drawn (a re-executed chapter whose chart did not change renders nothing).
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from report.data import yamlio
from report.data.sourcing import grade_label
from report.publish import static_render
from report.show.charts import FONT, VEGALITE_MIME, slug
from report.show.figures import date as date_words

#: Where the files live in the staging copy (``STAGE_DIR/charts/...``) and in the book
#: (``_static/charts/...``).
STAGE_DIR = "_takeaway"
FOLDER = "charts"
#: The files of one chart, in the order of the link row.
EXTENSIONS = ("csv", "json", "svg", "png")
STATIC_WIDTH = static_render.STATIC_WIDTH
PNG_SCALE = static_render.PNG_SCALE
#: Most sources a static render names in its source line (the CSV lists them all).
MAX_SOURCES_IN_IMAGE = 6
#: Columns the CSV adds to the rows drawn.
SOURCE_COLUMNS = ["source_id", "source_url", "source_grade", "source_seen"]
#: Sidecar format version (bump when its layout changes).
SIDECAR_VERSION = 1


class TakeawayError(ValueError):
    """A chart's take-away files cannot be made (the message names the chart)."""


# --------------------------------------------------------------------------- names, links


def stem(notebook: str, label: str) -> str:
    """The stable file stem of a chart: ``<notebook>/<label>``, e.g. ``labs/lab-timeline``."""
    return f"{slug(notebook)}/{slug(label)}"


def href(page: str, notebook: str, label: str, ext: str) -> str:
    """The link from ``page`` (a toc entry such as ``chapters/labs``) to one file of a chart."""
    up = "../" * page.count("/")
    return f"{up}_static/{FOLDER}/{stem(notebook, label)}.{ext}"


def anchor(label: str) -> str:
    """The id of a chart's figure in its page (the target of citations)."""
    return f"fig-{slug(label)}"


def spec_title(spec: dict[str, Any]) -> str:
    """A chart's title as one line of text."""
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(str(t) for t in title)
    return str(title or spec.get("description") or "Chart")


def citation_text(title: str, book_title: str, edition: str, url: str) -> str:
    """The short citation of a chart, as plain text.

    Args:
        title: the chart's title.
        book_title: the report's title.
        edition: the edition date in words (``29 November 2026``).
        url: the address of the chart's anchor.

    Returns:
        ``“Title”. In Report title, edition of 29 November 2026. URL``
    """
    return f"“{title}”. In {book_title}, edition of {edition}. {url}"


def links_html(
    spec: dict[str, Any], *, notebook: str, page: str, edition: str, book_title: str
) -> str:
    """The row of take-away links under a chart's caption (empty for an unlabelled chart).

    Args:
        spec: the rendered Vega-Lite spec (its ``usermeta.report.label`` names the files).
        notebook: the notebook's name (``labs``).
        page: the page's toc entry (``chapters/labs``), for relative links.
        edition: the edition date in words.
        book_title: the report's title, for the citation.

    Returns:
        An HTML fragment: links to the CSV, JSON, SVG and PNG, and a "Cite" disclosure.
    """
    label = spec.get("usermeta", {}).get("report", {}).get("label")
    if not label:
        return ""
    title = spec_title(spec)
    esc_title = html.escape(title, quote=True)
    names = {
        "csv": ("Data (CSV)", "the rows drawn, with their sources"),
        "json": ("Metadata (JSON)", "title, units, parameters, edition and cut-off"),
        "svg": ("Image (SVG)", "vector image"),
        "png": ("Image (PNG)", "bitmap image"),
    }
    links = []
    for ext, (text, what) in names.items():
        links.append(
            f'<a class="report-takeaway-{ext}" href="{href(page, notebook, label, ext)}" download '
            f'aria-label="{text} of the chart “{esc_title}”: {what}">{text}</a>'
        )
    target = f"#{anchor(label)}"
    cite = (
        f"“{html.escape(title)}”. In {html.escape(book_title)}, edition of "
        f'{html.escape(edition)}. <a class="report-cite-url" href="{target}">'
        f"{html.escape(page)}.html{target}</a>"
    )
    return (
        f'<div class="report-takeaway" role="group" aria-label="Take this chart with you: {esc_title}">'
        '<span class="report-takeaway-title">Take it with you:</span> '
        + " · ".join(links)
        + ' · <details class="report-cite"><summary>Cite</summary>'
        f'<p><span class="report-cite-text">{cite}</span> '
        '<button type="button" class="report-cite-copy" hidden>Copy citation</button></p>'
        "</details></div>"
    )


def book_title(root: Path) -> str:
    """The report's title, from ``_config.yml``."""
    config = yamlio.load(root / "_config.yml") or {}
    return str(config.get("title") or "The report")


def link_row(root: Path, notebook: Path, name: str, edition: Any) -> Callable[[dict], str]:
    """The renderer option that adds the take-away links of one notebook's charts.

    Args:
        root: the repository root (holds ``_config.yml``).
        notebook: the notebook's source path.
        name: the notebook's name.
        edition: the edition date.

    Returns:
        A function of a rendered spec returning its link row.
    """
    page = notebook.resolve().relative_to(root.resolve()).with_suffix("").as_posix()
    title = book_title(root)
    when = date_words(edition)

    def row(spec: dict[str, Any]) -> str:
        return links_html(spec, notebook=name, page=page, edition=when, book_title=title)

    return row


# --------------------------------------------------------------------------- rows drawn

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
    """A CSV cell: ISO dates without a midnight time, floats without binary noise."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(value, ".12g")
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00(\.0+)?", value):
        return value[:10]
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _source_ids(row: dict[str, Any]) -> list[str]:
    ids: list[str] = []
    for key, value in row.items():
        if str(key).endswith("source_id") and isinstance(value, str) and value:
            ids += [s.strip() for s in value.split(";") if s.strip()]
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


# --------------------------------------------------------------------------- sidecar


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


# --------------------------------------------------------------------------- static images


def source_line(spec: dict[str, Any], book: str, edition: str) -> list[str]:
    """The lines printed under a static render: its sources, the report and the edition."""
    meta = spec.get("usermeta", {}).get("report", {})
    labels = list(dict.fromkeys(s["label"] for s in meta.get("sources", [])))
    lines = []
    if len(labels) > MAX_SOURCES_IN_IMAGE:
        more = len(labels) - MAX_SOURCES_IN_IMAGE
        shown = "; ".join(labels[:MAX_SOURCES_IN_IMAGE])
        lines.append(f"Sources: {shown}; and {more} more, listed in the chart's CSV.")
    elif labels:
        lines.append(("Source: " if len(labels) == 1 else "Sources: ") + "; ".join(labels) + ".")
    elif meta.get("tables"):
        lines.append("Data: " + ", ".join(meta["tables"]) + ".")
    lines.append(f"{book}, edition of {edition}.")
    return lines


def compose_svg(chart_svg: str, lines: list[str]) -> str:
    """Add the source lines under a vl-convert SVG, on a white page (in the report's font)."""
    try:
        return static_render.compose_svg(chart_svg, lines, FONT)
    except static_render.RenderError as exc:
        raise TakeawayError(str(exc)) from exc


def render_images(spec: dict[str, Any], lines: list[str]) -> tuple[bytes, bytes]:
    """The SVG and PNG of a chart, light theme, title and source line inside."""
    return static_render.render_images(spec, lines, FONT)


def _static_spec(spec: dict[str, Any]) -> dict[str, Any]:
    return static_render.static_spec(spec)


# --------------------------------------------------------------------------- the build step


def notebook_charts(path: Path) -> list[dict[str, Any]]:
    """The labelled chart specs of an executed notebook, in order."""
    nb = nbformat.read(str(path), as_version=4)
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            spec = out.get("data", {}).get(VEGALITE_MIME)
            if isinstance(spec, dict) and spec.get("usermeta", {}).get("report", {}).get("label"):
                found.append(spec)
    return found


def _sha(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def _write(path: Path, content: bytes) -> bool:
    """Write only when the bytes differ (keeps mtimes, so Sphinx and the build skip work)."""
    if path.is_file() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(content)
    tmp.replace(path)
    return True


@dataclass
class TakeawayReport:
    """What the take-away step did."""

    charts: int = 0
    rendered: int = 0
    reused_notebooks: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _parameters(source: Path, staged: Path) -> tuple[dict[str, Any], list[str]]:
    from report.build import params

    declared = params.declared(source)
    nb = nbformat.read(str(staged), as_version=4)
    injected = nb.metadata.get("papermill", {}).get("parameters", {}) or {}
    values = {name: injected.get(name, spec.default) for name, spec in declared.items()}
    changed = [n for n, spec in declared.items() if values[n] != spec.default and n != "data_dir"]
    values.pop("data_dir", None)
    return values, changed


def declared_units(data_dir: Path) -> dict[str, str]:
    """Field name -> unit, for every field of the data package that declares one."""
    from report.data.validation import read_descriptor

    units = {}
    for res in read_descriptor(data_dir)["resources"]:
        for fld in res.get("schema", {}).get("fields", []):
            if fld.get("unit"):
                units.setdefault(fld["name"], str(fld["unit"]))
    return units


def build(
    stage: Path,
    root: Path,
    notebooks: dict[str, Path],
    data_dir: Path,
    cache_dir: Path,
    jobs: int | None = None,
) -> Renders:
    """Write every chart's take-away files into ``stage/_takeaway/charts``; start the images.

    Args:
        stage: the staging copy of the book (executed notebooks inside).
        root: the repository root.
        notebooks: name -> source notebook, in book order.
        data_dir: the data folder in use (for sources, units and the edition).
        cache_dir: where rendered images and per-notebook manifests are kept.
        jobs: at most this many render processes (default: the number of cores).

    Returns:
        The running renders: call ``finish(html_dir)`` once the book is compiled; it returns
        how many charts there are and how many images were rendered.

    Raises:
        TakeawayError: a chart's files cannot be made (unknown source, unsupported filter).
    """
    import time

    from report import data
    from report.build import cache

    started = time.perf_counter()
    report = TakeawayReport()
    out_dir = stage / STAGE_DIR / FOLDER
    images = cache_dir / "images"
    sources_file = data_dir / "sources.csv"
    package = data.Package(data_dir)
    edition = package.edition.isoformat()
    edition_words = date_words(pd.Timestamp(edition))
    context = _sha(
        cache.code_hash(),
        sources_file.read_bytes(),
        (data_dir / "datapackage.yaml").read_bytes(),
        (root / "_config.yml").read_bytes(),
    )
    # Images depend only on what is drawn and on the renderer (this module, vl-convert),
    # so a change elsewhere in the package re-renders nothing.
    import vl_convert

    renderer = _sha(Path(__file__).read_bytes(), vl_convert.__version__)
    sources = None
    units = None
    title_of_book = book_title(root)
    keep: set[Path] = set()
    todo: list[tuple[dict[str, Any], list[str], Path, str]] = []
    manifests: dict[str, tuple[Path, str, list[str]]] = {}
    for name, source in notebooks.items():
        rel = source.relative_to(root)
        staged = stage / rel
        page = rel.with_suffix("").as_posix()
        key = _sha(context, staged.read_bytes(), page)
        manifest = cache_dir / f"{name}.json"
        try:
            entry = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entry = {}
        if entry.get("key") == key and all((out_dir / f).is_file() for f in entry.get("files", [])):
            keep.update(out_dir / f for f in entry["files"])
            report.charts += len(entry["files"]) // len(EXTENSIONS)
            report.reused_notebooks.append(name)
            continue
        if sources is None:
            sources = data.load("sources", data_dir)
            units = declared_units(data_dir)
        parameters, changed = _parameters(source, staged)
        files = []
        for spec in notebook_charts(staged):
            label = spec["usermeta"]["report"]["label"]
            base = stem(name, label)
            report.charts += 1
            csv_bytes = csv_text(spec, sources).encode("utf-8")
            side = sidecar(
                spec,
                notebook=name,
                page=page,
                edition=edition,
                parameters=parameters,
                changed=changed,
                sources=sources,
                declared_units=units or {},
                title_of_book=title_of_book,
            )
            json_bytes = (
                json.dumps(side, indent=1, ensure_ascii=False, default=str) + "\n"
            ).encode()
            _write(out_dir / f"{base}.csv", csv_bytes)
            _write(out_dir / f"{base}.json", json_bytes)
            lines = source_line(spec, title_of_book, edition_words)
            image_key = _sha(json.dumps(_static_spec(spec), sort_keys=True), *lines, renderer)
            todo.append((spec, lines, images / image_key, base))
            files += [f"{base}.{ext}" for ext in EXTENSIONS]
            keep.update(out_dir / f"{base}.{ext}" for ext in EXTENSIONS)
        manifests[name] = (manifest, key, files)
        seen = set()
        for f in files:
            if f in seen:
                raise TakeawayError(f"two charts of {name!r} share the label of {f}")
            seen.add(f)

    # Delete what no chart of this edition links to before the book is compiled, so the
    # compiled book never ships a stale file.
    if out_dir.exists():
        for path in out_dir.rglob("*"):
            if path.is_file() and path not in keep:
                path.unlink()
    missing = [job for job in todo if not _rendered(job[2])]
    report.rendered = len(missing)
    return Renders(out_dir, todo, missing, manifests, report, started, jobs)


def _rendered(cached: Path) -> bool:
    return cached.with_suffix(".svg").is_file() and cached.with_suffix(".png").is_file()


class Renders:
    """The static images of a build, rendered in worker processes while the book compiles.

    ``build`` returns at once with the CSV and JSON files written and the renders started;
    ``finish`` waits for them, then writes every image into the staged folder (for the next
    build's compile) and into each compiled HTML folder given, and records the manifests.
    vl-convert runs one JavaScript engine per process, so a pool of processes (not threads)
    is what renders charts side by side.
    """

    def __init__(
        self,
        out_dir: Path,
        todo: list[tuple[dict[str, Any], list[str], Path, str]],
        missing: list[tuple[dict[str, Any], list[str], Path, str]],
        manifests: dict[str, tuple[Path, str, list[str]]],
        report: TakeawayReport,
        started: float,
        jobs: int | None,
    ) -> None:
        self.out_dir, self.todo, self.manifests = out_dir, todo, manifests
        self.report, self.started = report, started
        self._futures: list[tuple[Path, Any]] = []
        self._pool = None
        if missing:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            workers = max(1, min(jobs or os.cpu_count() or 1, len(missing)))
            self._pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("spawn")
            )
            self._futures = [
                (cached, self._pool.submit(static_render.render_images, spec, lines, FONT))
                for spec, lines, cached, _ in missing
            ]

    @property
    def charts(self) -> int:
        """How many charts the book has."""
        return self.report.charts

    @property
    def rendered(self) -> int:
        """How many images are rendered afresh (the rest come from the cache)."""
        return self.report.rendered

    def finish(self, *html_dirs: Path) -> TakeawayReport:
        """Wait for the renders; write the images to the stage and into ``html_dirs``.

        Raises:
            TakeawayError: a chart could not be rendered (vl-convert's message included).
        """
        import time

        try:
            for cached, future in self._futures:
                try:
                    svg, png = future.result()
                except Exception as exc:  # vl-convert raises plain ValueError/RuntimeError
                    raise TakeawayError(f"rendering {cached.name} failed: {exc}") from exc
                _write(cached.with_suffix(".png"), png)
                _write(cached.with_suffix(".svg"), svg)
        finally:
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)
                self._pool = None
        targets = [self.out_dir, *(Path(d) / "_static" / FOLDER for d in html_dirs)]
        for _, _, cached, base in self.todo:
            for target in targets:
                _write(target / f"{base}.svg", cached.with_suffix(".svg").read_bytes())
                _write(target / f"{base}.png", cached.with_suffix(".png").read_bytes())
        for manifest, key, files in self.manifests.values():
            manifest.parent.mkdir(parents=True, exist_ok=True)
            manifest.write_text(json.dumps({"key": key, "files": files}), encoding="utf-8")
        self.report.seconds = time.perf_counter() - self.started
        return self.report

    def cancel(self) -> None:
        """Stop the renders (the build failed before ``finish``)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def files_of(book: Path) -> Iterable[Path]:
    """Every take-away file of a built book."""
    return sorted((book / "_static" / FOLDER).rglob("*.*"))
