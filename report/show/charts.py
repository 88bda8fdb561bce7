"""One Altair theme, source captions and an offline renderer for every chart.

The renderer writes each chart as a ``<figure>`` holding an empty container, the
Vega-Lite spec as inert JSON and a caption listing the sources of the rows drawn. The
book ships the Vega, Vega-Lite and Vega-Embed JavaScript once (``_static/vega-bundle.js``,
made from vl-convert's bundle) and ``_static/report-charts.js`` draws every container,
so a chart output references no CDN and draws with no network. In JupyterLab the
Vega-Lite MIME bundle in the same output draws the chart natively.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

import altair as alt
import pandas as pd

from report.data.sourcing import split_ids
from report.show.figures import short_date
from report.show.tables import link
from report.show.theme import THEME_NAME, theme

RENDERER_NAME = "report"


#: Vega-Lite MIME type of the Altair in use, e.g. application/vnd.vegalite.v6+json.
VEGALITE_MIME = f"application/vnd.vegalite.v{alt.SCHEMA_VERSION.lstrip('v').split('.')[0]}+json"


def slug(text: str) -> str:
    """A safe id fragment: lowercase letters, digits and dashes."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


def _no_nan(value: Any) -> Any:
    """Replace float NaN (not valid JSON) by None, recursively."""
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_nan(v) for v in value]
    return value


def _json_for_html(value: Any) -> str:
    """JSON that can sit inside a <script> element: '<', '>' and '&' are escaped."""
    text = json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


#: A caption lists up to this many sources inline; a longer list is folded behind its count.
CAPTION_SOURCES_INLINE = 3


def _caption_html(meta: dict[str, Any]) -> str:
    parts = []
    if meta.get("note"):
        parts.append(html.escape(meta["note"]))
    sources = meta.get("sources") or []
    if sources:
        links = [link(s["url"], s["label"]) for s in sources]  # a locator shows as text
        if len(links) <= CAPTION_SOURCES_INLINE:
            parts.append("Sources: " + "; ".join(links) + ".")
        else:  # dozens of links would take more room than the chart: open on demand
            parts.append(
                '<details class="report-fold report-caption-sources">'
                f"<summary>Sources: {len(links)} pages</summary>" + "; ".join(links) + ".</details>"
            )
    tables = meta.get("tables") or []
    if tables:
        parts.append("Data: " + ", ".join(html.escape(t) for t in tables) + ".")
    return " ".join(parts)


_DATUM = re.compile(r"datum\.([A-Za-z_][A-Za-z0-9_]*)|datum\[['\"]([^'\"]+)['\"]\]")


def _referenced(node: Any, found: set[str]) -> set[str]:
    """Every string a spec uses as a field name (or in a ``datum`` expression)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("datasets", "usermeta"):
                continue
            _referenced(value, found)
    elif isinstance(node, list):
        for value in node:
            _referenced(value, found)
    elif isinstance(node, str):
        found.add(node)
        for a, b in _DATUM.findall(node):
            found.add(a or b)
    return found


def prune_datasets(spec: dict[str, Any]) -> dict[str, Any]:
    """Drop columns of the inline datasets that no part of the spec refers to.

    Altair embeds whole DataFrames; a chart uses a few columns. Keeping only those keeps
    pages small. A column is kept if its name appears anywhere in the spec as a string
    (fields, tooltips, sorts, folds) or in a ``datum`` expression.
    """
    datasets = spec.get("datasets")
    if not datasets:
        return spec
    used = _referenced(spec, set())
    # Source ids stay: the chart's downloads list each row's source (report.takeaway).
    pruned = {
        name: [
            {k: v for k, v in row.items() if k in used or k.endswith("source_id")} for row in rows
        ]
        for name, rows in datasets.items()
    }
    return {**spec, "datasets": pruned}


#: What a tooltip line and a mark's screen-reader label say where a value is missing.
NOT_STATED = "not stated"


#: Vega-Lite's own format for a date in a tooltip that gives none (``config.timeFormat``).
DEFAULT_TIME_FORMAT = "%b %d, %Y"


#: The calendar unit each strftime directive shows (a format may restate a time-unit field
#: only with directives of the units the time unit keeps).
_DIRECTIVE_UNITS = {
    "Y": "year", "y": "year", "G": "year",
    "q": "quarter",
    "B": "month", "b": "month", "m": "month",
    "d": "date", "e": "date",
}  # fmt: skip

#: A date format for a time unit that gives none, as the book words dates ("Jun 2025").
_TIME_UNIT_FORMATS = {
    "year": "%Y",
    "yearquarter": "Q%q %Y",
    "yearmonth": "%b %Y",
    "yearmonthdate": "%d %b %Y",
}


def _time_unit_format(unit: Any, fmt: str | None) -> str | None:
    """The format that shows a ``unit``-truncated date the same as the untruncated one.

    ``fmt`` itself when it uses only directives of the calendar units ``unit`` keeps
    (``%B %Y`` for ``yearmonth``), the book's format for the unit when ``fmt`` is None,
    otherwise None (the entry cannot be restated from the raw field).
    """
    if not isinstance(unit, str):
        return None
    plain = unit.removeprefix("utc")
    if fmt is None:
        return _TIME_UNIT_FORMATS.get(plain)
    kept = {u for u in ("year", "quarter", "month", "date") if u in plain}
    directives = re.findall(r"%[-_0]?(.)", fmt)
    if all(_DIRECTIVE_UNITS.get(d) in kept for d in directives if d != "%"):
        return fmt
    return None


def _stated(entry: dict[str, Any]) -> str | None:
    """A Vega expression for a tooltip field as Vega-Lite would show it, or "not stated".

    None for what this cannot restate exactly (aggregates, bins, nested fields, custom
    formats, a time unit whose format shows a unit the time unit drops): such entries are
    left as they are. A date with a time unit (``yearmonth``) is restated with its format,
    so the mark's accessible label reads "Month: June 2025", never an epoch number
    (vega/vega-lite#6398).
    """
    name = entry.get("field")
    if (
        not isinstance(name, str)
        or any(key in entry for key in ("aggregate", "bin"))
        or re.search(r"[.\[\]\\]", name)
        or entry.get("formatType") not in (None, "number", "time", "utc")
    ):
        return None
    ref = f"datum[{json.dumps(name)}]"
    fmt = entry.get("format")
    kind = entry.get("type")
    unit = entry.get("timeUnit")
    if unit is not None:
        fmt = _time_unit_format(unit, fmt) if kind == "temporal" else None
        if fmt is None:
            return None
    if kind == "quantitative":
        shown = f"format({ref}, {json.dumps(fmt or '')})"
    elif kind == "temporal":
        utc = (
            entry.get("formatType") == "utc"
            or (entry.get("scale") or {}).get("type") == "utc"
            or (isinstance(unit, str) and unit.startswith("utc"))
        )
        function = "utcFormat" if utc else "timeFormat"
        shown = f"{function}(toDate({ref}), {json.dumps(fmt or DEFAULT_TIME_FORMAT)})"
    elif kind in ("nominal", "ordinal"):
        shown = f"isArray({ref}) ? join({ref}, ', ') : '' + {ref}"
    else:
        return None
    return f"isValid({ref}) && {ref} !== '' ? ({shown}) : {json.dumps(NOT_STATED)}"


def state_missing(spec: dict[str, Any]) -> dict[str, Any]:
    """Make every tooltip line and mark label say "not stated" where a value is missing.

    Vega-Lite shows a missing value as "null" in a tooltip and in the label a screen
    reader reads for each mark ("Reported: null"). For each tooltip field this adds a
    ``calculate`` transform giving the value as the tooltip would show it, or
    ``NOT_STATED``, and shows that instead. The mark's label (the ``description``
    channel) becomes the same lines, "Title: value; ...", unless the spec sets one or a
    tooltip field cannot be restated (an aggregate, say). Works on ``spec`` in place and
    returns it; the output is the same wherever the spec is drawn (book, JupyterLab,
    vl-convert).
    """
    counter = 0

    def visit(node: Any) -> None:
        nonlocal counter
        if isinstance(node, list):
            for item in node:
                visit(item)
            return
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            if key not in ("datasets", "data", "usermeta", "config"):
                visit(value)
        encoding = node.get("encoding")
        tooltip = encoding.get("tooltip") if isinstance(encoding, dict) else None
        if not tooltip:
            return
        entries = tooltip if isinstance(tooltip, list) else [tooltip]
        shown, parts, complete = [], [], True
        for entry in entries:
            expr = _stated(entry) if isinstance(entry, dict) else None
            if expr is None:
                shown.append(entry)
                complete = False
                continue
            counter += 1
            field = f"_stated_{counter}"
            title = entry.get("title", entry["field"])
            node.setdefault("transform", []).append({"calculate": expr, "as": field})
            shown.append({"field": field, "type": "nominal", "title": title})
            value = f"datum[{json.dumps(field)}]"
            parts.append(f"{json.dumps(f'{title}: ')} + {value}" if title else value)
        encoding["tooltip"] = shown if isinstance(tooltip, list) else shown[0]
        if complete and parts and "description" not in encoding:
            counter += 1
            field = f"_stated_{counter}"
            node["transform"].append({"calculate": ' + "; " + '.join(parts), "as": field})
            encoding["description"] = {"field": field, "type": "nominal"}

    visit(spec)
    return spec


def render(
    spec: dict[str, Any], after_caption: Callable[[dict], str] | None = None, **_: Any
) -> dict[str, Any]:
    """Altair renderer: a figure with an inert spec, drawn by the book's own script.

    Missing values read "not stated" in tooltips and mark labels (``state_missing``).

    Args:
        spec: the Vega-Lite spec Altair hands over.
        after_caption: HTML placed under the caption, given the final spec (the chart's
            take-away links, see ``report.takeaway.link_row``); none when not given.

    Returns:
        The output's MIME bundle: the figure as HTML, the Vega-Lite spec, a text line.
    """
    spec = prune_datasets(state_missing(_no_nan(dict(spec))))
    meta = dict(spec.get("usermeta", {}).get("report", {}))
    digest = hashlib.sha1(_json_for_html(spec).encode()).hexdigest()[:10]
    chart_id = f"chart-{slug(meta.get('label', 'chart'))}-{digest}"
    description = spec.get("description") or meta.get("label", "chart")
    caption = _caption_html(meta)
    extra = after_caption(spec) if after_caption else ""
    figure = (
        f'<figure class="report-figure" id="fig-{slug(meta.get("label", chart_id))}">\n'
        f'<div class="report-chart" id="{chart_id}" data-spec="{chart_id}-spec" '
        f'role="img" aria-label="{html.escape(description, quote=True)}"></div>\n'
        f'<script type="application/json" id="{chart_id}-spec">{_json_for_html(spec)}</script>\n'
        + (f"<figcaption>{caption}</figcaption>\n" if caption else "")
        + (f"{extra}\n" if extra else "")
        + "</figure>"
    )
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(title)
    return {
        "text/html": figure,
        VEGALITE_MIME: spec,
        "text/plain": f"<Chart: {title or description}>",
    }


def enable(**options: Any) -> None:
    """Register and enable the report's theme and renderer (idempotent).

    Args:
        **options: passed to ``render`` for every chart (``after_caption``).
    """
    alt.theme.register(THEME_NAME, enable=True)(theme)
    alt.renderers.register(RENDERER_NAME, render)
    alt.renderers.enable(RENDERER_NAME, **options)
    alt.data_transformers.disable_max_rows()  # we aggregate before charting; size is tested


def source_refs(source_ids: Iterable[str], sources: pd.DataFrame) -> list[dict[str, str]]:
    """Caption entries (label and URL) for the given source ids, in first-seen order."""
    wanted = list(dict.fromkeys(s for s in source_ids if isinstance(s, str) and s))
    table = sources.set_index("source_id")
    missing = [s for s in wanted if s not in table.index]
    if missing:
        raise KeyError(f"source_id(s) not in sources: {', '.join(missing)}")
    refs = []
    for sid in wanted:
        row = table.loc[sid]
        date = row["published"]
        when = f", {short_date(date)}" if pd.notna(date) else ""
        refs.append({"id": sid, "label": f"{row['publisher']}{when}", "url": row["url"]})
    return refs


def figure(
    chart: alt.TopLevelMixin,
    *,
    label: str,
    drawn: pd.DataFrame | Iterable[pd.DataFrame] | None,
    sources: pd.DataFrame,
    tables: Iterable[str] = (),
    note: str | None = None,
) -> alt.TopLevelMixin:
    """Attach the caption of a chart: the sources of exactly the rows it draws.

    ``drawn`` is the frame (or frames) whose rows the chart shows; each needs a
    ``source_id`` column. A chart about the data package itself (row counts, sources by
    kind) passes ``drawn=None`` and must then name its tables and say what it shows in
    ``note``. The chart must already have a title and a description.
    """
    if drawn is None:
        if not tables or not note:
            raise ValueError(
                f"chart {label!r} draws no sourced rows: name its tables and add a note"
            )
        frames = []
    else:
        frames = [drawn] if isinstance(drawn, pd.DataFrame) else list(drawn)
    ids: list[str] = []
    for frame in frames:
        citing = [c for c in frame.columns if str(c).endswith("source_id")]
        if "source_id" not in citing:
            raise KeyError(f"chart {label!r}: the data drawn has no source_id column")
        for _, row in frame[citing].iterrows():
            for value in row.dropna():
                ids.extend(split_ids(str(value)))
    spec_title = getattr(chart, "title", alt.Undefined)
    spec_desc = getattr(chart, "description", alt.Undefined)
    if spec_title is alt.Undefined or spec_desc is alt.Undefined:
        raise ValueError(f"chart {label!r} needs a title and a description (for screen readers)")
    meta = {
        "label": label,
        "sources": source_refs([i.strip() for i in ids], sources),
        "tables": [f"{t}.csv" for t in tables],
    }
    if drawn is None:
        meta["about_the_data"] = True
    if note:
        meta["note"] = note
    return chart.properties(usermeta={"report": meta})


def spec_sources(spec: dict[str, Any]) -> list[str]:
    """The source ids a rendered spec's caption lists (for tests and audits)."""
    return [s["id"] for s in spec.get("usermeta", {}).get("report", {}).get("sources", [])]


def has_tooltip(spec: dict[str, Any]) -> bool:
    """Whether any mark of the spec shows a tooltip."""

    def walk(node: Any) -> bool:
        if isinstance(node, dict):
            if "tooltip" in node.get("encoding", {}):
                return True
            mark = node.get("mark")
            if isinstance(mark, dict) and mark.get("tooltip"):
                return True
            return any(
                walk(v)
                for k, v in node.items()
                if k in ("layer", "concat", "hconcat", "vconcat", "spec")
            )
        if isinstance(node, list):
            return any(walk(v) for v in node)
        return False

    return walk(spec)
