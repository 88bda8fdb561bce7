"""Names, addresses and the link row under each chart; the citation text."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from report.data import yamlio
from report.show.charts import slug
from report.show.figures import date as date_words

#: Where the files live in the staging copy (``STAGE_DIR/charts/...``) and in the book
#: (``_static/charts/...``).
STAGE_DIR = "_takeaway"


FOLDER = "charts"


#: The files of one chart, in the order of the link row.
EXTENSIONS = ("csv", "json", "svg", "png")


class TakeawayError(ValueError):
    """A chart's take-away files cannot be made (the message names the chart)."""


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
