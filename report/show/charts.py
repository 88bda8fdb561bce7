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

from report.show.figures import date as date_words
from report.show.figures import period_of, short_date

#: Okabe-Ito, the colour-blind-safe palette (Okabe & Ito 2008), black moved last, by the
#: name chart wording uses for each colour. Subtitles that name a colour take the word from
#: here (``colour_name``), so the words match the marks. Okabe and Ito's "vermillion" is
#: called red-orange: readers see it as orange beside red, not as red.
COLOURS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",  # Okabe-Ito's bluish green
    "pink": "#CC79A7",  # Okabe-Ito's reddish purple
    "sky blue": "#56B4E9",
    "red-orange": "#D55E00",  # Okabe-Ito's vermillion
    "yellow": "#F0E442",
    "black": "#000000",
}
PALETTE = list(COLOURS.values())
#: The greys of rules and reference marks (lightened, not renamed, in dark mode).
GREYS = ["#5f6368", "#777777", "#888888", "#999999"]


def colour_name(colour: str) -> str:
    """The word chart wording uses for one of the theme's colours: ``"#D55E00"`` -> ``red-orange``."""
    wanted = colour.lower()
    for name, value in COLOURS.items():
        if value.lower() == wanted:
            return name
    if wanted in GREYS:
        return "grey"
    raise KeyError(f"{colour} is not a colour of the report's theme")


#: The book's font stack (pydata-sphinx-theme's system font stack).
FONT = '-apple-system, BlinkMacSystemFont, "Segoe UI", "Helvetica Neue", Arial, sans-serif'
THEME_NAME = "report"
RENDERER_NAME = "report"
#: Vega-Lite MIME type of the Altair in use, e.g. application/vnd.vegalite.v6+json.
VEGALITE_MIME = f"application/vnd.vegalite.v{alt.SCHEMA_VERSION.lstrip('v').split('.')[0]}+json"

_GREY = "#5f6368"

#: A date axis labelled once per year (a plain "%Y" format repeats a year when Vega
#: places a tick every six months).
YEAR_AXIS = alt.Axis(format="%Y", tickCount={"interval": "year", "step": 1})


def theme() -> alt.theme.ThemeConfig:
    """The report's Altair theme: palette, font, quiet axes, transparent background."""
    return {
        "config": {
            "background": None,
            "font": FONT,
            "view": {"continuousWidth": 640, "continuousHeight": 320, "stroke": None},
            "range": {"category": PALETTE},
            "title": {
                "anchor": "start",
                "fontSize": 15,
                "fontWeight": 600,
                "offset": 12,
                "subtitleFontSize": 12,
                "subtitleColor": _GREY,
                "color": "#222222",
            },
            "axis": {
                "labelFontSize": 12,
                "titleFontSize": 12,
                "titleFontWeight": 500,
                "gridColor": "#d9d9d9",
                "domainColor": "#888888",
                "tickColor": "#888888",
                "labelColor": "#333333",
                "titleColor": "#333333",
                # Thin out labels that would touch ("7,0008,000"), on every scale type.
                "labelOverlap": "greedy",
                "labelSeparation": 6,
            },
            # Hide an x label that would run past the end of the axis (and off the chart).
            "axisX": {"labelBound": True},
            "legend": {
                "labelFontSize": 12,
                "titleFontSize": 12,
                "orient": "bottom",
                "labelColor": "#333333",
                "titleColor": "#333333",
                "labelLimit": 260,
                # Symbols of a shape legend with no colour of their own (Vega's default is
                # black, invisible in dark mode; the book's script lightens this grey there).
                "symbolBaseFillColor": "#666666",
                "symbolBaseStrokeColor": "#666666",
            },
            "header": {"labelFontSize": 12, "titleFontSize": 12},
            "line": {"strokeWidth": 2.5},
            "point": {"size": 60, "filled": True},
            "text": {"fontSize": 12, "color": "#333333"},
        }
    }


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


def _caption_html(meta: dict[str, Any]) -> str:
    parts = []
    if meta.get("note"):
        parts.append(html.escape(meta["note"]))
    sources = meta.get("sources") or []
    if sources:
        links = [
            f'<a href="{html.escape(s["url"], quote=True)}">{html.escape(s["label"])}</a>'
            for s in sources
        ]
        parts.append("Sources: " + "; ".join(links) + ".")
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


def _stated(entry: dict[str, Any]) -> str | None:
    """A Vega expression for a tooltip field as Vega-Lite would show it, or "not stated".

    None for what this cannot restate exactly (aggregates, bins, time units, nested
    fields, custom formats): such entries are left as they are.
    """
    name = entry.get("field")
    if (
        not isinstance(name, str)
        or any(key in entry for key in ("aggregate", "bin", "timeUnit"))
        or re.search(r"[.\[\]\\]", name)
        or entry.get("formatType") not in (None, "number", "time", "utc")
    ):
        return None
    ref = f"datum[{json.dumps(name)}]"
    fmt = entry.get("format")
    kind = entry.get("type")
    if kind == "quantitative":
        shown = f"format({ref}, {json.dumps(fmt or '')})"
    elif kind == "temporal":
        utc = entry.get("formatType") == "utc" or (entry.get("scale") or {}).get("type") == "utc"
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
                ids.extend(str(value).split(";"))
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


#: Most marks a record-level chart draws before it aggregates (keeps pages small as data grows).
MAX_MARKS = 150
#: Most example titles a tooltip lists for an aggregated mark.
MAX_EXAMPLES = 3


def event_marks(
    rows: pd.DataFrame,
    date: str,
    category: str | list[str],
    text: str,
    max_marks: int = MAX_MARKS,
) -> pd.DataFrame:
    """Records for a timeline, aggregated by month and category once there are too many.

    Below ``max_marks`` rows every record is a mark (``count`` 1, ``what`` its text). Above
    it, records are grouped by calendar month and ``category``: ``count`` says how many,
    ``what`` gives a few examples, and ``source_id`` keeps every source so the caption still
    lists exactly the sources of the rows drawn.
    """
    out = rows.copy()
    if len(out) <= max_marks:
        out["count"] = 1
        out["what"] = out[text]
        out["aggregated"] = False
        return out
    out["_month"] = out[date].dt.to_period("M").dt.to_timestamp()
    categories = [category] if isinstance(category, str) else list(category)
    grouped = out.groupby(["_month", *categories], sort=True)
    agg = grouped.agg(
        count=(text, "size"),
        examples=(text, lambda s: "; ".join(list(s)[:MAX_EXAMPLES])),
        source_id=(
            "source_id",
            lambda s: ";".join(sorted({i for v in s.dropna() for i in str(v).split(";")})),
        ),
    ).reset_index()
    agg["what"] = [
        f"{n} records, e.g. {ex}" if n > MAX_EXAMPLES else ex
        for n, ex in zip(agg["count"], agg["examples"], strict=True)
    ]
    agg = agg.rename(columns={"_month": date}).drop(columns="examples")
    agg["aggregated"] = True
    return agg


def top_rows(
    rows: pd.DataFrame, by: str, n: int = 40, ascending: bool = False
) -> tuple[pd.DataFrame, str | None]:
    """At most ``n`` rows, the largest (or smallest) by ``by``; a note when rows were left out."""
    if len(rows) <= n:
        return rows, None
    kept = rows.sort_values(by, ascending=ascending).head(n)
    return (
        kept,
        f"Showing the {n} {'smallest' if ascending else 'largest'} of {len(rows)} by {by.replace('_', ' ')}.",
    )


def edition_rule(edition: pd.Timestamp) -> alt.Chart:
    """A dashed vertical rule at the edition date, for timelines."""
    return (
        alt.Chart(pd.DataFrame({"edition": [edition]}))
        .mark_rule(strokeDash=[3, 3], color="#888888")
        .encode(
            x="edition:T",
            tooltip=[alt.Tooltip("edition:T", title="Edition date", format="%d %b %Y")],
        )
    )


def level_rule(value: float, label: str, title: str = "USD bn") -> alt.Chart:
    """A dashed horizontal rule at ``value`` (a threshold or a previous level), with a tooltip."""
    return (
        alt.Chart(pd.DataFrame([{"level": value, "label": label}]))
        .mark_rule(strokeDash=[4, 3], color="#777777")
        .encode(
            y="level:Q",
            tooltip=[
                alt.Tooltip("label:N", title=""),
                alt.Tooltip("level:Q", title=title, format=",.1f"),
            ],
        )
    )


# ---------------------------------------------------------------- dates known to a month or a year

#: What a row's ``date_precision`` means on a chart, in the words of the legend and tooltip.
DATE_KNOWN = {
    "day": "exact day",
    "month": "month only",
    "quarter": "quarter only",
    "year": "year only",
}
#: Opacity of a mark by how precisely its date is known (an approximate date is drawn paler).
DATE_KNOWN_OPACITY = [0.95, 0.55, 0.55, 0.55]


def with_date_spans(
    rows: pd.DataFrame, date: str = "date", precision: str | None = "date_precision"
) -> pd.DataFrame:
    """A copy of ``rows`` with what a chart needs to draw vague dates honestly.

    Adds ``when_from`` and ``when_to`` (the first and last day of the period the date stands
    for: the day itself, its month, quarter or year), ``when_at`` (where a point is placed: the
    day itself, else the middle of the period, so a month- or year-only date never sits on the
    1st), ``when_text`` (the date in words at its precision, ``August 2025``) and
    ``date_known`` (``exact day`` | ``month only`` | ``quarter only`` | ``year only``). A row
    with no precision is taken to be exact to the day; a row with no date keeps empty values.
    Raises ``ValueError`` for a precision outside :data:`DATE_KNOWN`.
    """
    out = rows.copy()
    when = pd.to_datetime(out[date], errors="coerce")
    given = (
        out[precision].fillna("day").astype(str)
        if precision is not None and precision in out.columns
        else pd.Series("day", index=out.index)
    )
    unknown = sorted(set(given) - set(DATE_KNOWN))
    if unknown:
        raise ValueError(f"unknown date precision(s) {unknown}; expected one of {list(DATE_KNOWN)}")
    starts, ends = [], []
    for stamp, level in zip(when, given, strict=True):
        first, last = period_of(stamp, level) if pd.notna(stamp) else (pd.NaT, pd.NaT)
        starts.append(first)
        ends.append(last)
    out["when_from"] = pd.to_datetime(pd.Series(starts, index=out.index, dtype="object"))
    out["when_to"] = pd.to_datetime(pd.Series(ends, index=out.index, dtype="object"))
    middle = out["when_from"] + (out["when_to"] - out["when_from"]) / 2
    out["when_at"] = when.where(given == "day", middle.dt.normalize())
    out["when_text"] = [
        date_words(s, p) if pd.notna(s) else "undated" for s, p in zip(when, given, strict=True)
    ]
    out["date_known"] = given.map(DATE_KNOWN).where(when.notna(), None)
    return out


def date_known_opacity(title: str = "Date known to") -> alt.Opacity:
    """Opacity keyed on ``date_known`` (from :func:`with_date_spans`), with a legend."""
    return alt.Opacity(
        "date_known:N",
        title=title,
        scale=alt.Scale(domain=list(DATE_KNOWN.values()), range=DATE_KNOWN_OPACITY),
        legend=alt.Legend(orient="bottom"),
    )


def date_tooltips(title: str = "Date") -> list[alt.Tooltip]:
    """Tooltips for a vague date: the date in words and how precisely it is known."""
    return [
        alt.Tooltip("when_text:N", title=title),
        alt.Tooltip("date_known:N", title="Date known to"),
    ]


def date_spans(rows: pd.DataFrame, x_title: str, y: Any = None, color: Any = None) -> alt.Chart:
    """A thin bar over the whole month, quarter or year of every row not dated to the day.

    ``rows`` come from :func:`with_date_spans`; ``x_title`` is the title of the points' time
    axis (the layers share it); ``y`` and ``color`` are the encodings of the points they sit behind (a channel or a value), so each span lies on its point's row. Drawn
    under the points, the span shows where in time the event may fall.
    """
    vague = rows[rows["date_known"].notna() & (rows["date_known"] != DATE_KNOWN["day"])]
    encoding: dict[str, Any] = {
        "x": alt.X("when_from:T", title=x_title),
        "x2": "when_to:T",
        "tooltip": [*date_tooltips(), alt.Tooltip("source_id:N", title="Source")]
        if "source_id" in vague.columns
        else date_tooltips(),
    }
    if y is not None:
        encoding["y"] = y
    if color is not None:
        encoding["color"] = color
    return (
        alt.Chart(vague)
        .mark_rule(strokeWidth=4, opacity=0.35, strokeCap="round")
        .encode(**encoding)
    )
