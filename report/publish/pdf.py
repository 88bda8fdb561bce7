"""The print edition: the whole built book as one PDF, printed by Debian's chromium.

``python -m report pdf`` (``make pdf``) reads the pages already built in ``_build/html``
(it never builds), assembles one print-styled HTML file from them in ``_toc.yml`` order
(a cover with the title, edition date and data cut-off; a table of contents; every page,
its code cells, navigation and take-away links left out; each chart replaced by its static
SVG render, so charts print as vector drawings) and prints it with chromium through
Playwright's ``executable_path`` into ``_build/pdf/report.pdf``. Links between pages become
links inside the PDF; links to sources stay as they are.

The table of contents carries page numbers: the file is printed once, the page on which
each part starts is read back from the PDF's own link targets, and it is printed again with
the numbers filled in (they take the same room, so no page moves).

The finished PDF is also placed in the published book (``_build/html/report.pdf``), where
the download menu of every page offers it.

Over 400 lines because the print edition is one job (assemble, style, print, offer) whose steps share the page model.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, Tag

from report import paths
from report.build import toc
from report.data import yamlio
from report.publish import takeaway

#: Debian's chromium (never a browser downloaded by Playwright).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PDF_NAME = "report.pdf"

PRINT_CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
html { font-family: "Liberation Sans", "DejaVu Sans", Arial, sans-serif; font-size: 10pt;
       color: #111; background: #fff; }
body { margin: 0; }
a { color: #0b4f8a; text-decoration: none; }
a[href^="http"] { text-decoration: underline; text-decoration-color: #9bb8d3; }
h1 { font-size: 19pt; margin: 0 0 0.6em; line-height: 1.2; }
h2 { font-size: 14pt; margin: 1.2em 0 0.4em; }
h3 { font-size: 11.5pt; margin: 1em 0 0.3em; }
h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
p, li { orphans: 3; widows: 3; line-height: 1.4; }
section.report-page { break-before: page; page-break-before: always; }
.cover { height: 245mm; display: flex; flex-direction: column; justify-content: center; }
.cover h1 { font-size: 28pt; margin-bottom: 0.4em; }
.cover .lede { font-size: 12pt; color: #333; max-width: 36em; }
.cover dl { margin-top: 2.5em; font-size: 11pt; }
.cover dt { font-weight: 700; margin-top: 0.6em; }
.cover dd { margin: 0; }
.cover .small { margin-top: 3em; font-size: 9pt; color: #555; }
nav.print-toc { break-before: page; page-break-before: always; }
nav.print-toc ol { list-style: none; padding: 0; margin: 0; }
nav.print-toc li { display: flex; align-items: baseline; margin: 0.35em 0; }
nav.print-toc li .fill { flex: 1; border-bottom: 1px dotted #999; margin: 0 0.4em; }
nav.print-toc li .num { font-variant-numeric: tabular-nums; min-width: 2.2em; text-align: right; }
nav.print-toc .part { font-weight: 700; margin-top: 1em; }
figure { margin: 1em 0 1.4em; break-inside: avoid; page-break-inside: avoid; }
figure .print-chart svg { width: 100%; height: auto; max-height: 205mm; display: block; }
figcaption { font-size: 8.5pt; color: #444; margin-top: 0.3em; }
.report-takeaway, .headerlink, .cell_input, button, script, .prev-next-area,
.report-cite, .toggle-details, nav.bd-links { display: none !important; }
.report-table-wrap { overflow: visible !important; margin: 0.8em 0; }
table { border-collapse: collapse; width: 100%; font-size: 8.3pt; page-break-inside: auto; }
thead { display: table-header-group; }
tfoot { display: table-footer-group; }
tr, th, td { break-inside: avoid; page-break-inside: avoid; }
th, td { border-bottom: 1px solid #ccc; padding: 2px 4px; vertical-align: top; text-align: left;
         overflow-wrap: anywhere; }
caption { caption-side: top; text-align: left; font-weight: 700; padding-bottom: 0.3em; }
.report-key-figures { display: grid; grid-template-columns: repeat(3, 1fr); gap: 0.5em;
                      break-inside: avoid; }
.report-kf { border-left: 3px solid #0072B2; padding: 0.3em 0.6em; background: #f3f5f7; }
pre, code { font-family: "DejaVu Sans Mono", monospace; font-size: 8.5pt; }
pre { white-space: pre-wrap; }
.admonition { border-left: 3px solid #888; padding: 0.2em 0.8em; margin: 0.8em 0; background: #f7f7f7;
              break-inside: avoid; }
img { max-width: 100%; }
"""


class PdfError(RuntimeError):
    """The print edition cannot be made (the message says why and what to do)."""


@dataclass
class PdfReport:
    """What the print step did."""

    path: Path
    pages: int
    seconds: float


@dataclass
class Page:
    """One page of the book, ready to print."""

    entry: str
    title: str
    part: str | None
    body: str


def prefix(entry: str) -> str:
    """The id prefix of a page in the print edition (``chapters/labs`` -> ``chapters-labs``)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", entry).strip("-")


def parts(root: Path) -> dict[str, str | None]:
    """Each toc entry's part caption (``None`` for the landing page)."""
    data = yamlio.load(root / "_toc.yml") or {}
    found: dict[str, str | None] = {data.get("root", "index"): None}
    for part in data.get("parts", []) or []:
        for chapter in part.get("chapters", []) or []:
            if "file" in chapter:
                found[chapter["file"]] = part.get("caption")
    return found


def _resolve(entry: str, href: str, entries: set[str]) -> str | None:
    """Where a relative link of ``entry`` points in the print edition, or None if outside it."""
    split = urlsplit(href)
    if split.scheme or split.netloc:
        return href
    if not split.path:
        return f"#{prefix(entry)}--{split.fragment}" if split.fragment else None
    base = Path(entry).parent
    target = os.path.normpath((base / unquote(split.path)).as_posix())
    target = re.sub(r"\.html$", "", target)
    if target not in entries:
        return None
    if split.fragment:
        return f"#{prefix(target)}--{split.fragment}"
    return f"#page-{prefix(target)}"


_SVG_ID = re.compile(r'\bid="([^"]+)"')


def inline_svg(svg: str, key: str) -> str:
    """An SVG file's markup for inlining: no XML prolog, ids made unique to ``key``."""
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    ids = set(_SVG_ID.findall(svg))
    for old in sorted(ids, key=len, reverse=True):
        new = f"{key}-{old}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"')
        svg = svg.replace(f"url(#{old})", f"url(#{new})").replace(
            f'href="#{old}"', f'href="#{new}"'
        )
    return svg


def page_body(book: Path, entry: str, entries: set[str], notebook: str | None) -> Page:
    """The printable content of one built page.

    Args:
        book: the built book (``_build/html``).
        entry: the page's toc entry.
        entries: every toc entry (to keep links between pages).
        notebook: the page's notebook name (whose charts' renders to use), if any.

    Returns:
        The page's title and its article as print-ready HTML.

    Raises:
        PdfError: the page or a chart's static render is missing.
    """
    path = book / f"{entry}.html"
    if not path.is_file():
        raise PdfError(f"{path} is missing: build the book first (python -m report build)")
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.bd-article") or soup.select_one("main")
    if article is None:
        raise PdfError(f"{path}: no article found")
    for node in article.select(
        "script, style, button, a.headerlink, div.cell_input, .prev-next-area, "
        ".report-takeaway, nav, .d-print-none, details.hide-input, noscript, "
        ".sd-tab-set > input, .sd-tab-set > label"
    ):
        if node.name == "script" and node.get("type") == "application/json":
            continue
        node.decompose()
    for fold in article.select("details.report-fold"):
        fold["open"] = ""  # the print edition lists every source
    key = prefix(entry)
    for figure in article.select("figure.report-figure"):
        chart = figure.select_one("div.report-chart")
        label = (figure.get("id") or "").removeprefix("fig-")
        if chart is None or not label or notebook is None:
            continue
        svg_file = book / "_static" / takeaway.FOLDER / f"{takeaway.stem(notebook, label)}.svg"
        if not svg_file.is_file():
            raise PdfError(f"{svg_file} is missing: rebuild the book (python -m report build)")
        holder = soup.new_tag("div", attrs={"class": "print-chart"})
        holder.append(
            BeautifulSoup(
                inline_svg(svg_file.read_text(encoding="utf-8"), f"{key}-{label}"), "html.parser"
            )
        )
        chart.replace_with(holder)
        for spec in figure.select("script"):
            spec.decompose()
    for node in article.select("script"):
        node.decompose()
    for node in article.find_all(True):
        if isinstance(node, Tag) and node.get("id"):
            node["id"] = f"{key}--{node['id']}"
    for link in article.find_all("a"):
        href = link.get("href")
        if href is None:
            continue
        target = _resolve(entry, href, entries)
        if target is None:
            link.unwrap()
        else:
            link["href"] = target
    for img in article.find_all("img"):
        src = img.get("src", "")
        if src and not urlsplit(src).scheme:
            img["src"] = (path.parent / src).resolve().as_uri()
    heading = article.find("h1")
    title = heading.get_text(" ", strip=True) if heading else entry
    return Page(entry=entry, title=title, part=None, body=article.decode_contents())


def cover_facts(root: Path) -> dict[str, str]:
    """Edition date and data cut-offs for the cover: the values the landing page glues.

    The landing page (``index.md``) names the notebook each comes from; their values are read
    from the last build's glued figures (``_build/figures.json``).
    """
    from report import data
    from report.show import figures

    facts = {"edition": figures.date(data.edition(root / "data"))}
    try:
        glued = json.loads((root / "_build" / "figures.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        glued = {}
    landing = toc.document(toc.entries(root)[0], root).read_text(encoding="utf-8")
    for path, name in re.findall(
        r"([\w./-]+)\.ipynb::(edition_date|data_cutoff|results_cutoff)", landing
    ):
        value = glued.get(Path(path).name, {}).get(name)
        if value:
            facts["edition" if name == "edition_date" else name] = value
    return facts


def assemble(root: Path, book: Path, numbers: dict[str, int] | None = None) -> str:
    """The print edition as one HTML document.

    Args:
        root: the repository root (``_toc.yml``, ``_config.yml``).
        book: the built book.
        numbers: page number of each toc entry, for the table of contents (blank if None).

    Returns:
        The HTML text.
    """
    entries = toc.entries(root)
    notebooks = {
        toc.document(e, root).relative_to(root).with_suffix("").as_posix(): p.stem
        for e in entries
        for p in [toc.document(e, root)]
        if p.suffix == ".ipynb"
    }
    captions = parts(root)
    pages = []
    for entry in entries:
        page = page_body(book, entry, set(entries), notebooks.get(entry))
        page.part = captions.get(entry)
        pages.append(page)
    facts = cover_facts(root)
    title = takeaway.book_title(root)
    lede = ""
    landing = BeautifulSoup(pages[0].body, "html.parser").find("p")
    if landing is not None:
        lede = landing.get_text(" ", strip=True)
    toc_items = []
    last_part = None
    for page in pages:
        if page.part and page.part != last_part:
            toc_items.append(f'<li class="part">{html.escape(page.part)}</li>')
            last_part = page.part
        num = str(numbers.get(page.entry, "")) if numbers else ""
        toc_items.append(
            f'<li><a href="#page-{prefix(page.entry)}">{html.escape(page.title)}</a>'
            f'<span class="fill"></span><span class="num">{num or "&#8199;&#8199;"}</span></li>'
        )
    cutoff = []
    if facts.get("data_cutoff"):
        cutoff.append(
            f"<dt>Data cut-off</dt><dd>newest dated fact: {html.escape(facts['data_cutoff'])}"
        )
        if facts.get("results_cutoff"):
            cutoff.append(f"; Meta's latest results: {html.escape(facts['results_cutoff'])}")
        cutoff.append("</dd>")
    css = PRINT_CSS
    book_css = (Path(__file__).parent / "static" / "report.css").read_text(encoding="utf-8")
    body = "".join(
        f'<section class="report-page" id="page-{prefix(p.entry)}">{p.body}</section>'
        for p in pages
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{book_css}</style><style>{css}</style></head><body>"
        f'<section class="cover"><h1>{html.escape(title)}</h1>'
        f'<p class="lede">{html.escape(lede)}</p>'
        f"<dl><dt>Edition</dt><dd>{html.escape(facts['edition'])}</dd>{''.join(cutoff)}</dl>"
        '<p class="small">Print edition of the HTML book, made from the same build. Every chart '
        "lists its sources; the book offers each chart's data as CSV.</p></section>"
        f'<nav class="print-toc" aria-label="Contents"><h1>Contents</h1><ol>{"".join(toc_items)}</ol></nav>'
        f"{body}</body></html>\n"
    )


FOOTER = (
    '<div style="font-size:8px;width:100%;text-align:center;color:#555;'
    'font-family:Liberation Sans,Arial,sans-serif;"><span class="pageNumber"></span></div>'
)


def print_html(source: Path, target: Path) -> None:
    """Print an HTML file to PDF with Debian's chromium (no request leaves the machine)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise PdfError(f"chromium not found at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(("file:", "data:"))
                    else route.abort()
                ),
            )
            page.goto(source.resolve().as_uri(), wait_until="load")
            page.emulate_media(media="print")
            page.pdf(
                path=str(target),
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER,
                margin={"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"},
                outline=True,
                tagged=True,
            )
        finally:
            browser.close()


def start_pages(pdf: Path, entries: list[str]) -> dict[str, int]:
    """The page (1-based) on which each toc entry starts, read from the PDF's TOC links."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    index = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages, 1)}
    wanted = {f"page-{prefix(e)}": e for e in entries}
    found: dict[str, int] = {}
    named = reader.named_destinations
    for name, dest in named.items():
        key = str(name).lstrip("/")
        if key in wanted and dest.page is not None:
            found[wanted[key]] = index.get(dest.page.idnum, 0)
    return {e: n for e, n in found.items() if n}


def build_pdf(root: Path = paths.ROOT, progress: Any = print) -> PdfReport:
    """Make ``_build/pdf/report.pdf`` from the built book and offer it in the book.

    Args:
        root: the repository root.
        progress: called with one line per step.

    Returns:
        Where the PDF is, its page count and the time it took.

    Raises:
        PdfError: the book is not built, a chart's render is missing, or chromium is.
    """
    from pypdf import PdfReader

    started = time.perf_counter()
    book = root / "_build" / "html"
    if not (book / "index.html").is_file():
        raise PdfError(f"no built book in {book}: run python -m report build first")
    out_dir = root / "_build" / "pdf"
    out_dir.mkdir(parents=True, exist_ok=True)
    source = out_dir / "print.html"
    draft = out_dir / ".draft.pdf"
    entries = toc.entries(root)
    progress("[1/3] assembling the print edition from the built pages")
    source.write_text(assemble(root, book), encoding="utf-8")
    progress("[2/3] printing with chromium (first pass, to number the contents)")
    print_html(source, draft)
    numbers = start_pages(draft, entries)
    progress("[3/3] printing with the page numbers filled in")
    source.write_text(assemble(root, book, numbers), encoding="utf-8")
    target = out_dir / PDF_NAME
    print_html(source, draft)
    os.replace(draft, target)
    # Record which edition was printed: a later build with other parameters or data will not
    # offer this PDF (report.sphinxext.pdf_matches).
    from report.publish.sphinxext import EDITION_KEY

    stage_key = root / "_build" / "stage" / EDITION_KEY
    key_file = target.with_name(target.name + ".key")
    if stage_key.is_file():
        key_file.write_text(stage_key.read_text(encoding="utf-8"), encoding="utf-8")
    else:
        key_file.unlink(missing_ok=True)
    pages = len(PdfReader(str(target)).pages)
    _offer(book, target)
    return PdfReport(path=target, pages=pages, seconds=time.perf_counter() - started)


def _offer(book: Path, pdf: Path) -> None:
    """Put the PDF in the published book and tell its pages (``_static/report-print.js``)."""
    from report.publish.sphinxext import PRINT_SCRIPT, print_script

    tmp = book / f".{PDF_NAME}.tmp"
    shutil.copy2(pdf, tmp)
    os.replace(tmp, book / PDF_NAME)
    script = book / "_static" / PRINT_SCRIPT
    script.write_text(print_script(True), encoding="utf-8")
