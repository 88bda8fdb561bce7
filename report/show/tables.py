"""HTML tables and links a chapter shows: accessible tables, escaped links, sources that disagree."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from report.data.sourcing import disagreements, split_ids
from report.show import figures


def link(url: str, text: str) -> str:
    """An escaped HTML link; a source that is not a web page shows its locator instead.

    A file of a public GitHub repository that the search tool named only by repository, commit
    and path is cited by the tool's own locator (``github:OWNER/REPO@COMMIT:PATH``), never by an
    address put together by hand. A browser cannot open it, so it is shown as text.
    """
    if not url.startswith(("http://", "https://")):
        return f"{html.escape(text)} <code>{html.escape(url)}</code>"
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(text)}</a>'


def table_html(
    frame: pd.DataFrame,
    columns: dict[str, str],
    formats: dict[str, Callable[[Any], str]] | None = None,
    caption: str | None = None,
    raw_html: Iterable[str] = (),
    css_class: str = "report-table",
    max_rows: int | None = None,
) -> str:
    """An accessible HTML table; every cell is escaped unless listed in ``raw_html``.

    With ``max_rows``, longer tables show their first rows and say how many were left out
    (all rows stay in the data package and its CSV downloads).
    """
    formats = formats or {}
    if max_rows is not None and len(frame) > max_rows:
        caption = (f"{caption}. " if caption else "") + (
            f"First {max_rows} of {len(frame)} rows; all are in the CSV downloads"
        )
        frame = frame.head(max_rows)
    raw = set(raw_html)
    head = "".join(f'<th scope="col">{html.escape(label)}</th>' for label in columns.values())
    body = []
    for _, row in frame.iterrows():
        cells = []
        for col in columns:
            value = row[col]
            if col in formats:
                text = formats[col](value)
            elif value is None or (not isinstance(value, (list, str)) and pd.isna(value)):
                text = ""
            else:
                text = str(value)
            cells.append(f"<td>{text if col in raw else html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    # A wide table scrolls inside its wrapper, so keyboard users must be able to focus it.
    label = html.escape(caption or "Table", quote=True)
    return (
        f'<div class="report-table-wrap" tabindex="0" role="region" aria-label="{label}">'
        f'<table class="{css_class}">{cap}'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


NO_DISAGREEMENT = '<p class="report-note">No two sources disagree on these figures.</p>'


def disagreements_tables_html(
    tables: Iterable[tuple[pd.DataFrame, list[str], str, dict[str, str]]],
    sources: pd.DataFrame,
) -> str:
    """The disagreements of several tables, one after another, as one block.

    Each item is ``(frame, keys, value, labels)`` as for ``disagreements_html``; tables on which
    no sources differ are left out, and if none differ a single note says so.
    """
    parts = [
        disagreements_html(frame, keys, value, sources, labels)
        for frame, keys, value, labels in tables
        if not disagreements(frame, keys, value).empty
    ]
    return "".join(parts) or NO_DISAGREEMENT


def disagreements_html(
    frame: pd.DataFrame,
    keys: list[str],
    value: str,
    sources: pd.DataFrame,
    labels: dict[str, str],
    tolerance: float = 0.005,
) -> str:
    """Figures on which sources disagree, side by side, each with its source linked.

    The table is folded in a ``<details>`` whose summary counts the figures and rows.
    """
    rows = disagreements(frame, keys, value, tolerance)
    if rows.empty:
        return NO_DISAGREEMENT
    by_id = sources.set_index("source_id")
    rows = rows.copy()
    rows["source"] = [
        "; ".join(link(by_id.loc[i, "url"], by_id.loc[i, "publisher"]) for i in split_ids(s))
        for s in rows["source_id"]
    ]
    columns = {**labels, "source": "Source"}
    if "note" in rows.columns:
        columns["note"] = "Note"
        # a note that names another source by its id names it by its publisher instead
        ids = re.compile(r"\b[a-z0-9]+(?:-[a-z0-9]+)+\b")
        rows["note"] = [
            ids.sub(
                lambda m: (
                    str(by_id.loc[m.group(0), "publisher"])
                    if m.group(0) in by_id.index
                    else m.group(0)
                ),
                n,
            )
            if isinstance(n, str)
            else n
            for n in rows["note"]
        ]
    dates = {
        name: figures.short_date
        for name in columns
        if name in rows.columns and pd.api.types.is_datetime64_any_dtype(rows[name])
    }
    codes = {  # a data code (wang_age, usd_bn, press_report) is shown in words
        name: figures.readable_code
        for name in columns
        if name in rows.columns
        and name not in ("source", "note")
        and rows[name].map(lambda v: isinstance(v, str) and bool(figures.CODE.match(v))).any()
    }
    table = table_html(
        rows,
        columns,
        raw_html=["source"],
        formats={**dates, **codes},
        caption="Where sources disagree (all rows kept in the data)",
        max_rows=40,
    )
    figures_count = len(rows.drop_duplicates(keys))
    noun = "figure" if figures_count == 1 else "figures"
    return (  # folded: the side-by-side rows open on demand
        '<details class="report-fold report-disagreements">'
        f"<summary>Where sources disagree: {figures_count} {noun}, {len(rows)} rows side by side"
        f"</summary>{table}</details>"
    )
