"""Chart lint: what a reader of a chart must always get, checked on the Vega-Lite spec.

Each check takes a chart's spec (as the book embeds it: top-level ``datasets``, layers) and
returns a list of problems in words (empty when the chart passes):

- :func:`invisible_marks`: a data mark drawn with no fill and no outline, or fully transparent;
- :func:`mismatched_legends`: colour, fill and stroke of one field on different scales, so the
  legend (drawn for one of them) does not describe the marks;
- :func:`raw_codes`: a data code (``in_service``) shown in a legend, label or tooltip;
- :func:`unformatted_dates`: a date in a tooltip without a format, or a date a mark's accessible
  label would read out as an epoch number (an ordinal time unit with no ``description``);
- :func:`too_tall`: a chart drawn taller than one screen (``MAX_HEIGHT`` px), judged on
  :func:`drawn_height`, the whole chart's estimated height.

:func:`lint` runs them all. The test suite runs it on every chart of the built book.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from report.show import figures

#: A chart taller than this (px) does not fit on one screen at 1280×800.
MAX_HEIGHT = 800

#: A value shaped like a data code (``figures.CODE``: lower-case words joined by underscores).
CODE = figures.CODE

#: Fields whose values are identifiers by design, shown only in tooltips as such.
ID_FIELDS = re.compile(r"(source_id|_id|url|id)$")

CHANNELS_WITH_LEGEND = ("color", "fill", "stroke", "shape", "strokeDash", "size", "opacity")


def views(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every single view (a node with a mark) of a spec, with what it inherits.

    Layers and concatenations are opened; a layer's shared ``encoding`` and ``data`` pass to
    its children (a child's own channels win), as Vega-Lite resolves them.
    """
    stack: list[tuple[dict[str, Any], dict[str, Any], Any]] = [(spec, {}, None)]
    while stack:
        node, inherited, data = stack.pop()
        encoding = {**inherited, **(node.get("encoding") or {})}
        data = node.get("data") or data
        for key in ("layer", "hconcat", "vconcat", "concat"):
            stack.extend(
                (child, encoding if key == "layer" else {}, data) for child in node.get(key, [])
            )
        if "mark" in node:
            yield {**node, "encoding": encoding, **({"data": data} if data else {})}


def _mark(view: dict[str, Any]) -> dict[str, Any]:
    mark = view["mark"]
    return {"type": mark} if isinstance(mark, str) else dict(mark)


def _values(channel: Any) -> list[Any]:
    """The constant values a channel can take (``value`` and the branches of ``condition``)."""
    if not isinstance(channel, dict):
        return []
    found = [channel["value"]] if "value" in channel else []
    conditions = channel.get("condition", [])
    for cond in conditions if isinstance(conditions, list) else [conditions]:
        if isinstance(cond, dict) and "value" in cond:
            found.append(cond["value"])
    return found


def _rows(spec: dict[str, Any], view: dict[str, Any]) -> list[dict[str, Any]]:
    name = (view.get("data") or spec.get("data") or {}).get("name")
    return spec.get("datasets", {}).get(name, []) if name else []


def invisible_marks(spec: dict[str, Any]) -> list[str]:
    """Data marks a reader cannot see: fully transparent, or with neither fill nor outline.

    Whether a mark is filled comes from the mark, else from the spec's theme ``config`` (the
    book's theme fills points), else Vega-Lite's default (points hollow, areas and bars filled).
    """
    problems = []
    for view in views(spec):
        mark, enc = _mark(view), view.get("encoding", {})
        kind = mark.get("type")
        if kind in ("text", "rule", "line", "trail") or not enc:
            continue  # text and strokes are their own outline
        if mark.get("opacity") == 0 or 0 in _values(enc.get("opacity")):
            problems.append(f"{kind} mark with opacity 0")
            continue
        config = spec.get("config") or {}
        default = (config.get(kind) or {}).get("filled", (config.get("mark") or {}).get("filled"))
        filled = mark.get("filled", kind not in ("point",) if default is None else default)
        no_fill = (
            not filled
            or mark.get("fillOpacity") == 0
            or 0 in _values(enc.get("fillOpacity"))
            or mark.get("fill") in ("transparent", "none")
        )
        has_stroke = (
            (
                "stroke" in enc
                or mark.get("stroke") not in (None, "transparent", "none")
                or (not filled and ("color" in enc or "color" in mark))
            )
            and mark.get("strokeWidth", 1) != 0
            and 0 not in _values(enc.get("strokeWidth"))
        )
        if no_fill and not has_stroke:
            problems.append(f"{kind} marks with no fill and no outline (invisible)")
    return problems


def _scale(channel: dict[str, Any]) -> dict[str, Any]:
    scale = channel.get("scale") or {}
    return {k: scale.get(k) for k in ("domain", "range", "scheme")}


def mismatched_legends(spec: dict[str, Any]) -> list[str]:
    """Colour, fill and stroke encoding one field must share one explicit scale, or the legend lies."""
    problems = []
    for view in views(spec):
        enc = view.get("encoding", {})
        by_field: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for name in ("color", "fill", "stroke"):
            channel = enc.get(name)
            if isinstance(channel, dict) and channel.get("field"):
                by_field.setdefault(channel["field"], []).append((name, _scale(channel)))
        for field, used in by_field.items():
            # Vega-Lite gives each channel its own scale: only an explicit, shared domain and
            # range make colour, fill and stroke agree (implicit domains follow each layer's data)
            explicit = all(s["domain"] is not None and s["range"] is not None for _, s in used)
            if len(used) > 1 and (not explicit or any(s != used[0][1] for _, s in used[1:])):
                names = ", ".join(n for n, _ in used)
                problems.append(f"{names} of {field!r} on different scales: the legend misleads")
    return problems


def raw_codes(spec: dict[str, Any]) -> list[str]:
    """Values shaped like data codes in a legend or tooltip field (ids and URLs excepted)."""
    problems = set()
    for view in views(spec):
        enc = view.get("encoding", {})
        fields = []
        for name in CHANNELS_WITH_LEGEND:
            channel = enc.get(name)
            if (
                isinstance(channel, dict)
                and channel.get("field")
                and channel.get("type") == "nominal"
            ):
                fields.append(channel["field"])
        tips = enc.get("tooltip") or []
        for tip in tips if isinstance(tips, list) else [tips]:
            if isinstance(tip, dict) and tip.get("field") and tip.get("type") == "nominal":
                fields.append(tip["field"])
        rows = _rows(spec, view)
        for field in fields:
            if ID_FIELDS.search(field):
                continue
            for row in rows:
                value = row.get(field)
                if isinstance(value, str) and CODE.match(value):
                    problems.add(f"raw code {value!r} shown for {field!r}")
    return sorted(problems)


def unformatted_dates(spec: dict[str, Any]) -> list[str]:
    """Dates a reader or a screen reader would get as epoch numbers (``1748736000000``).

    Two kinds: a temporal tooltip field without a format or time unit; and, in a view whose
    marks have no ``description`` channel (so Vega-Lite composes each mark's accessible label
    from its encodings), a channel with a time unit whose type is not temporal (an ordinal
    month axis): Vega-Lite reads such a value out as milliseconds (vega/vega-lite#6398).
    """
    problems = []
    for view in views(spec):
        encoding = view.get("encoding", {})
        tips = encoding.get("tooltip") or []
        for tip in tips if isinstance(tips, list) else [tips]:
            if (
                isinstance(tip, dict)
                and tip.get("type") == "temporal"
                and not tip.get("format")
                and not tip.get("timeUnit")
            ):
                problems.append(f"date {tip.get('field')!r} in a tooltip has no format")
        if "description" in encoding:
            continue
        for name, channel in encoding.items():
            entries = channel if isinstance(channel, list) else [channel]
            for entry in entries:
                if (
                    isinstance(entry, dict)
                    and entry.get("timeUnit")
                    and entry.get("type") != "temporal"
                ):
                    problems.append(
                        f"date {entry.get('field')!r} ({name}, {entry.get('type')} with a time "
                        "unit) reads as an epoch number in the marks' accessible labels"
                    )
    return problems


#: Vega-Lite's defaults where a spec leaves them out: a continuous plot's height, a discrete
#: band's step, the gap between concatenated views.
CONTINUOUS_HEIGHT = 300
DEFAULT_STEP = 20
SPACING = 20
#: What surrounds a plot when drawn, in px: one title line, one subtitle line, an x axis
#: (labels and title), one row of legend entries and a legend's title.
TITLE_LINE, SUBTITLE_LINE, X_AXIS, LEGEND_ROW, LEGEND_TITLE = 20, 16, 44, 18, 22
#: Characters per title line at the widest column of the book (about 800 px).
TITLE_CHARS = 95
#: Legend entries per row at that width (the book's script stacks them in columns).
LEGEND_COLUMNS = 3


def _distinct(spec: dict[str, Any], view: dict[str, Any], channel: dict[str, Any]) -> int:
    """How many values a discrete channel takes: its explicit domain or sort, else the data."""
    scale = channel.get("scale") or {}
    for listed in (scale.get("domain"), channel.get("sort")):
        if isinstance(listed, list):
            return len(listed)
    field = channel.get("field")
    rows = _rows(spec, view)
    return len({str(r.get(field)) for r in rows}) if field and rows else 1


def _plot_height(spec: dict[str, Any], node: dict[str, Any]) -> float:
    """The plotting area's height of one (possibly layered) view."""
    height = node.get("height", spec.get("height"))
    if isinstance(height, int | float):
        return float(height)
    step = height.get("step") if isinstance(height, dict) else None
    tallest = 0.0
    for view in views(node):
        y = view.get("encoding", {}).get("y")
        if not isinstance(y, dict) or y.get("type") not in ("nominal", "ordinal"):
            tallest = max(tallest, float(CONTINUOUS_HEIGHT))
            continue
        bands = _distinct(spec, view, y)
        offset = view.get("encoding", {}).get("yOffset")
        inner = _distinct(spec, view, offset) if isinstance(offset, dict) else 1
        tallest = max(tallest, float((step or DEFAULT_STEP) * bands * inner))
    return tallest or float(CONTINUOUS_HEIGHT)


def _text_lines(text: Any, chars: int = TITLE_CHARS) -> int:
    parts = text if isinstance(text, list) else [text] if text else []
    return sum(max(1, -(-len(str(p)) // chars)) for p in parts)


def drawn_height(spec: dict[str, Any]) -> int:
    """About how tall (px) the chart is drawn in the book's column at a desktop width.

    The plot's height (a fixed height, or a step times the bands and offsets of a discrete
    y axis; concatenations stacked), plus its title and subtitle lines, an x axis and its
    legends' rows. An estimate from the spec alone, within a few lines of what the browser
    draws: the book reserves this much room for a chart before it draws, and chart lint
    refuses a chart whose estimate is above one screen.
    """
    if "vconcat" in spec:
        plot = sum(_plot_height(spec, v) + X_AXIS for v in spec["vconcat"]) + SPACING * (
            len(spec["vconcat"]) - 1
        )
    elif "hconcat" in spec or "concat" in spec:
        plot = max(_plot_height(spec, v) for v in spec.get("hconcat", spec.get("concat"))) + X_AXIS
    else:
        plot = _plot_height(spec, spec) + X_AXIS
    title = spec.get("title")
    if isinstance(title, dict):
        lines = _text_lines(title.get("text")) * TITLE_LINE
        lines += _text_lines(title.get("subtitle"), int(TITLE_CHARS * 1.2)) * SUBTITLE_LINE
        lines += 12 if title.get("text") else 0
    else:
        lines = (_text_lines(title) * TITLE_LINE + 12) if title else 0
    legends = 0
    seen: set[tuple[str, str]] = set()
    for view in views(spec):
        for name in CHANNELS_WITH_LEGEND:
            channel = view.get("encoding", {}).get(name)
            if not isinstance(channel, dict) or not channel.get("field"):
                continue
            if channel.get("legend", {}) is None or (name, channel["field"]) in seen:
                continue
            seen.add((name, channel["field"]))
            if channel.get("type") in ("nominal", "ordinal"):
                entries = _distinct(spec, view, channel)
                legends += LEGEND_TITLE + LEGEND_ROW * -(-entries // LEGEND_COLUMNS)
            else:
                legends += LEGEND_TITLE + 2 * LEGEND_ROW
    return int(round(plot + lines + legends))


def too_tall(spec: dict[str, Any], limit: int = MAX_HEIGHT) -> list[str]:
    """A chart that would be drawn taller than ``limit`` px (more than one screen).

    Judged on the whole drawn chart (:func:`drawn_height`): a fixed height, a step per band
    of a discrete axis, concatenated views, titles and legends all count.
    """
    height = drawn_height(spec)
    if height > limit:
        return [f"about {height} px tall when drawn (more than {limit})"]
    return []


def lint(spec: dict[str, Any]) -> list[str]:
    """Every problem of one chart spec, by check."""
    return [
        *invisible_marks(spec),
        *mismatched_legends(spec),
        *raw_codes(spec),
        *unformatted_dates(spec),
        *too_tall(spec),
    ]
