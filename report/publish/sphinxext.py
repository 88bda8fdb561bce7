"""Sphinx extension of the report (listed in ``_config.yml`` under ``extra_extensions``).

Over 400 lines because every change the report makes to Sphinx's output (scripts and their
loading, folds, chart tabs, glue dependencies, take-away files) must be registered in the one
``setup`` Sphinx calls, and each is small.

- ships the Vega / Vega-Lite / Vega-Embed JavaScript once, as ``_static/vega-bundle.js``,
  made from vl-convert's bundle at the versions Altair expects, wrapped in a function
  scope (its top-level ``const`` names clash with Sphinx's ``doctools.js`` otherwise);
- adds the report's chart and table scripts and its stylesheet;
- gives every page one stylesheet, ``_static/report-book.css``: every sheet of the theme,
  Sphinx and the extensions in the pages' order, without the rules nothing in the book can
  match (:mod:`report.publish.css`; the theme's own is 397 KB, mostly unused), written when
  the build finishes: one small request before the first paint instead of twelve;
- drops sphinx-thebe's scripts, which Jupyter Book 1 adds to every page even with thebe
  off: they name an unpkg.com address and declare ``THEBE_JS_URL`` twice (a console error);
- makes a page that pastes glue from another notebook depend on that notebook, so an
  incremental build re-renders it when the notebook changes;
- ships every chart's take-away files (``_static/charts/``, made by ``report.publish.takeaway``)
  and the print edition (``report.publish.pdf``, made by ``python -m report pdf``) when it exists;
  ``_static/report-print.js`` tells the pages whether it does.
- shows a section's tagged sub-sections (cell tag ``report-tab``) as one set of tabs, each
  labelled with its sub-section's title and holding its prose and charts;
  ``_static/report-tabs.js`` opens the tab a link points into;
- puts the reader first: a chapter's collapsed "How this chapter was run" note moves below its
  key figures, its key figures link to the chapter's list of sources, and that list is
  labelled ``<chapter>-sources`` for links from other pages;
- gives the theme's search button an accessible name that contains its visible text
  (axe-core's ``label-content-name-mismatch``: the theme labels "Search Ctrl+K" as "Search").
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

STATIC = Path(__file__).parent / "static"
BUNDLE = "vega-bundle.js"


def vegalite_minor() -> str:
    """The Vega-Lite ``major.minor`` that Altair's schema targets, e.g. ``6.4``."""
    import altair as alt

    return ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])


def bundle_text() -> str:
    """The JavaScript bundle, wrapped so that only ``window.*`` names escape."""
    import vl_convert

    raw = vl_convert.javascript_bundle(vl_version=vegalite_minor())
    header = (
        f"/* Vega {vl_convert.get_vega_version()}, Vega-Lite {vegalite_minor()}, "
        f"Vega-Embed {vl_convert.get_vega_embed_version()}: bundled by vl-convert-python "
        f"{vl_convert.__version__}. Licences: BSD-3-Clause (Vega projects). */\n"
    )
    return header + "(function () {\n" + raw + "\n})();\n"


def bundle_path(cache_dir: Path) -> Path:
    """Write the bundle once per vl-convert and Vega-Lite version; return its folder."""
    import vl_convert

    key = hashlib.sha1(f"{vl_convert.__version__}-{vegalite_minor()}".encode()).hexdigest()[:12]
    folder = cache_dir / f"vega-{key}"
    target = folder / BUNDLE
    if not target.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(bundle_text(), encoding="utf-8")
        tmp.replace(target)
    return folder


#: Font Awesome icons the theme's pages use; everything else of its 1.5 MB script is dropped.
ICONS = [
    "magnifying-glass",
    "bars",
    "list",
    "sun",
    "moon",
    "circle-half-stroke",
    "expand",
    "arrow-up",
    "file-pdf",
    "file",
    "download",
    "angle-right",
    "angle-left",
    "outdent",
    "xmark",
    "pencil",
    "square-github",
    "house",
    "file-lines",
    "circle-check",
]


def _theme_static() -> Path:
    import pydata_sphinx_theme

    return Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"


def icons_script() -> str:
    """A small script that draws the theme's Font Awesome icons as inline SVG.

    The icon paths are read from the Font Awesome bundle the theme ships (Font Awesome
    Free, icons under CC BY 4.0), so they match the theme's version.
    """
    import json
    import re

    source = (_theme_static() / "scripts" / "fontawesome.js").read_text(encoding="utf-8")
    icons = {}
    for name in ICONS:
        key = re.escape(name)  # minified: plain names are unquoted keys, hyphenated ones quoted
        found = re.search(
            rf'(?:"{key}"|[{{,]{key}):\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]+","([^"]+)"\]', source
        )
        if found:
            icons[name] = [int(found.group(1)), int(found.group(2)), found.group(3)]
    missing = sorted(set(ICONS) - set(icons))
    if missing:
        raise RuntimeError(f"icons not found in the theme's Font Awesome bundle: {missing}")
    return (
        "/* Font Awesome Free icons (CC BY 4.0, https://fontawesome.com/license/free), as inline SVG. */\n"
        "(function () {\n"
        f"  var ICONS = {json.dumps(icons, sort_keys=True)};\n"
        + (STATIC / "report-icons.js").read_text(encoding="utf-8")
        + "})();\n"
    )


def _write_if_changed(path: Path, text: str) -> None:
    """Write only when the content differs.

    Sphinx re-renders every page whose templates are newer than its output, so a needless
    write would defeat incremental builds.
    """
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def search_button_template() -> str:
    """The theme's search button without its ``aria-label``.

    The button shows "Search" and the shortcut "Ctrl+K" but is labelled "Search" only, which
    axe-core reports as ``label-content-name-mismatch`` (serious). Without the label its name
    comes from what it shows, and the shortcut is announced through ``aria-keyshortcuts``.
    """
    import re

    path = _theme_static().parent / "components" / "search-button-field.html"
    text = path.read_text(encoding="utf-8")
    fixed = re.sub(r'\s+aria-label="[^"]*"', "", text, count=1)
    fixed = fixed.replace("<button ", '<button aria-keyshortcuts="Control+K" ', 1)
    if fixed == text or "aria-label" in fixed.split(">", 1)[0]:
        raise RuntimeError(f"the theme's search button changed; review {path}")
    return fixed


#: The search scripts the theme loads on every page (the index is about 110 KB).
SEARCH_SCRIPTS = ("_static/searchtools.js", "_static/language_data.js", "searchindex.js")


def layout_template() -> str:
    """The theme's page layout, with the search scripts loaded only when search opens.

    pydata-sphinx-theme loads Sphinx's search tools and the whole search index in every
    page's head, for an inline search this book does not turn on. The layout lists them in
    ``window.REPORT_SEARCH`` instead, and ``report-search.js`` loads them the first time the
    reader opens search (the search page itself still loads them as before).
    """
    import re

    path = _theme_static().parent / "layout.html"
    text = path.read_text(encoding="utf-8")
    tags = [
        rf"\s*<script src=\"\{{\{{ pathto\('{re.escape(name)}', 1\) \| e \}}\}}\"></script>"
        for name in SEARCH_SCRIPTS
    ]
    pattern = re.compile("".join(tags))
    urls = ", ".join(f"\"{{{{ pathto('{name}', 1) | e }}}}\"" for name in SEARCH_SCRIPTS)
    fixed, count = pattern.subn(f"\n    <script>window.REPORT_SEARCH = [{urls}];</script>", text)
    if count != 1:
        raise RuntimeError(f"the theme's layout changed (search scripts not found); review {path}")
    return fixed


def _templates(cache: Path) -> Path:
    """The theme's templates we override: asset macros, page layout and search button.

    The asset macros lose the Font Awesome script (replaced by inline icons) and their
    preloads; the layout loads the search index only when search opens; the search button
    loses its mismatched label.
    """
    folder = cache / "templates"
    macros = (_theme_static() / "webpack-macros.html").read_text(encoding="utf-8")
    # No icon script, and no preloads: the theme's two scripts load deferred at the end of
    # the page, and preloading them competed with the stylesheets for the first paint.
    lines = [
        line
        for line in macros.splitlines()
        if "fontawesome.js" not in line and 'rel="preload"' not in line
    ]
    text = "\n".join(lines) + "\n"
    # The theme's two stylesheets (theme.css only @imports basic.css: a request chain) give
    # way to the book's one combined stylesheet (written when the build finishes).
    sheets = re.compile(
        r'<link href="\{\{ pathto\(\'_static/styles/theme\.css\', 1\) \}\}[^"]*" rel="stylesheet" />\s*'
        r'<link href="\{\{ pathto\(\'_static/styles/pydata-sphinx-theme\.css\', 1\) \}\}[^"]*" rel="stylesheet" />'
    )
    text, count = sheets.subn(
        f"<link href=\"{{{{ pathto('_static/{BOOK_CSS}', 1) }}}}?v={{{{ report_css_version }}}}\" "
        'rel="stylesheet" />',
        text,
    )
    if count != 1:
        raise RuntimeError("the theme's stylesheet links changed; review webpack-macros.html")
    _write_if_changed(folder / "static" / "webpack-macros.html", text)
    # Same name, earlier folder: the book theme extends "pydata_sphinx_theme/layout.html".
    _write_if_changed(folder / "pydata_sphinx_theme" / "layout.html", layout_template())
    # The theme puts its components folder on the template path: same name, earlier folder.
    _write_if_changed(folder / "search-button-field.html", search_button_template())
    _write_if_changed(cache / "icons" / "report-icons.js", icons_script())
    _write_if_changed(cache / "icons" / PRINT_SCRIPT, print_script(False))
    return folder


#: The print edition in the book, and the script that says whether it is there.
PDF_NAME = "report.pdf"
#: What the staged book says (a hash of every glued value), written by the build into the
#: stage; the print edition records the key of the book it printed beside the PDF, and a
#: book whose key differs (other parameters, other data) does not offer that PDF.
EDITION_KEY = ".edition-key"


def pdf_matches(srcdir: Path, pdf: Path) -> bool:
    """Whether ``pdf`` was printed from a book with the same glued values as ``srcdir``'s."""
    stage_key, pdf_key = srcdir / EDITION_KEY, pdf.with_name(pdf.name + ".key")
    return (
        pdf.is_file()
        and stage_key.is_file()
        and pdf_key.is_file()
        and pdf_key.read_text(encoding="utf-8") == stage_key.read_text(encoding="utf-8")
    )


PRINT_SCRIPT = "report-print.js"


def print_script(available: bool) -> str:
    """``_static/report-print.js``: where the print edition is (relative to the book's root)."""
    value = f'"{PDF_NAME}"' if available else "null"
    return (
        f"/* The print edition (python -m report pdf), if built. */\nwindow.REPORT_PDF = {value};\n"
    )


def _config_inited(app: Any, config: Any) -> None:
    cache = Path(app.doctreedir).parent / "report-cache"
    config.templates_path = [str(_templates(cache)), *config.templates_path]
    config.html_static_path = list(config.html_static_path) + [
        str(STATIC),
        str(bundle_path(cache)),
        str(cache / "icons"),
    ]
    if not config.html_favicon:  # browsers ask for /favicon.ico otherwise: a 404 in the console
        config.html_favicon = str(STATIC / "favicon.svg")
    # Every section and sub-section in the right-hand contents from the start, not only
    # once the reader scrolls into it.
    config.html_theme_options = {"show_toc_level": 2, **config.html_theme_options}
    # pydata-sphinx-theme logs a console error for an empty mode; start in "auto".
    config.html_context = {"default_mode": "auto", **config.html_context}


def _builder_inited(app: Any) -> None:
    # The Vega bundle has no tag: report-charts.js loads it on pages with charts, when the
    # first chart comes near the screen.
    app.add_js_file("report-charts.js", priority=401, loading_method="defer")
    # Not deferred: it must replace the theme's icon elements before the first layout, or the
    # browser fetches Font Awesome's web font for them (a test checks no such request is made).
    app.add_js_file("report-icons.js", priority=402)
    app.add_js_file(PRINT_SCRIPT, priority=403, loading_method="defer")
    app.add_js_file("report-takeaway.js", priority=404, loading_method="defer")
    app.add_js_file("report-tables.js", priority=405, loading_method="defer")
    app.add_js_file("report-search.js", priority=406, loading_method="defer")
    app.add_js_file("report-tabs.js", priority=407, loading_method="defer")
    app.add_css_file("report.css")
    app.add_css_file("report-takeaway.css")


#: The book's one stylesheet: every stylesheet of the theme, Sphinx and the extensions, in
#: the order the pages listed them, without the rules nothing in the book can match
#: (:mod:`report.publish.css`). One small request instead of twelve before the first paint.
BOOK_CSS = "report-book.css"
#: The theme's stylesheets, first (``theme.css`` is only an ``@import`` of ``basic.css``).
THEME_CSS = ("_static/basic.css", "_static/styles/pydata-sphinx-theme.css")


def _priority(sheet: Any) -> int:
    return getattr(sheet, "priority", 500)


def _write_book_css(app: Any, exception: Exception | None) -> None:
    """Write ``_static/report-book.css`` from the built pages and the stylesheets they listed.

    A sheet's ``url()`` addresses stay right: every sheet lives in ``_static/`` or below, and
    the only relative one (``basic.css``'s ``file.png``) is in ``_static/`` itself.
    """
    from report.publish import css

    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    order = getattr(app.builder, "report_css_order", None) or [
        *THEME_CSS,
        *[c.filename for c in sorted(app.builder._css_files, key=_priority)],
    ]
    used = css.book_words(out)
    parts = []
    for name in order:
        path = out / name.split("?")[0]
        if not path.is_file():
            raise RuntimeError(f"stylesheet {name} listed by the pages is missing from {out}")
        parts.append(f"/* {name} */\n" + css.purge(path.read_text(encoding="utf-8"), used))
    (out / "_static" / BOOK_CSS).write_text("".join(parts), encoding="utf-8")


#: Scripts that stay synchronous: inline scripts of the page read what they define.
SYNC_SCRIPTS = ("documentation_options.js", "report-icons.js")


def deferred(script: Any) -> Any:
    """The same script, deferred, unless it is inline or must run before the page's own scripts.

    A deferred script runs after the page is parsed, in order, so the first paint does not
    wait for it; the themes' and extensions' scripts all wait for the page to be ready anyway.
    """
    from sphinx.builders.html._assets import _JavaScript

    filename = getattr(script, "filename", None)
    attributes = dict(getattr(script, "attributes", {}) or {})
    if (
        not filename
        or "body" in attributes
        or any(str(filename).endswith(name) for name in SYNC_SCRIPTS)
        or "async" in attributes
        or "defer" in attributes
    ):
        return script
    attributes["defer"] = "defer"
    return _JavaScript(filename, priority=script.priority, **attributes)


def _is_thebe(script: Any) -> bool:
    filename = getattr(script, "filename", None) or ""
    body = (getattr(script, "attributes", {}) or {}).get("body", "")
    return "thebe" in filename or "THEBE_JS_URL" in body or "unpkg.com" in filename


#: A link to a chart's take-away file, however deep the page that made it was.
_TAKEAWAY_HREF = re.compile(r'href="(?:\.\./)*_static/charts/')


def _html_page_context(app: Any, pagename: str, templatename: str, context: dict, doctree) -> None:
    sheets = context.get("css_files")
    if sheets is not None:
        names = [str(getattr(c, "filename", c)) for c in sorted(sheets, key=_priority)]
        order = getattr(app.builder, "report_css_order", None)
        if order is None:
            order = app.builder.report_css_order = [*THEME_CSS, *names]
        elif order[len(THEME_CSS) :] != names:
            raise RuntimeError(f"{pagename} has stylesheets of its own ({names}); combine them too")
        context["css_files"] = []
        # the sheets' own versions (Sphinx's ?v= digests) name the combined one's
        digest = hashlib.sha1("|".join(order).encode()).hexdigest()[:8]
        context["report_css_version"] = digest
    scripts = context.get("script_files")
    if scripts:
        context["script_files"] = [deferred(s) for s in scripts if not _is_thebe(s)]
    # A chart glued into another page (the landing page shows the conclusion's chart) keeps
    # the links its own page computed; make them relative to the page that shows them.
    body = context.get("body")
    if body and "_static/charts/" in body:
        up = "../" * pagename.count("/")
        body = context["body"] = _TAKEAWAY_HREF.sub(f'href="{up}_static/charts/', body)
    if body and 'class="report-chart"' in body:
        context["body"] = reserve_charts(body)


_CHART_DIV = re.compile(r'<div class="report-chart" id="(?P<id>[^"]+)"(?P<rest>[^>]*)></div>')
_SPEC = re.compile(
    r'<script type="application/json" id="(?P<id>[^"]+)-spec">(?P<json>.*?)</script>', re.S
)
_SVG_LINK = re.compile(r'<a class="report-takeaway-svg" href="(?P<href>[^"]+)"')


def reserve_charts(body: str) -> str:
    """Reserve each chart's height, and show its static render where JavaScript is off.

    Charts draw after the first paint, when they come near the screen; the height each will
    take at a desktop width is known from its spec (:func:`report.show.lint.drawn_height`),
    so its box is that tall from the start and nothing below it moves when it draws. The
    chart's SVG take-away render (made at build time) sits in a ``<noscript>`` beside it, so a
    reader without JavaScript still sees the chart.
    """
    import json

    from report.show.lint import drawn_height

    specs = {m["id"]: m["json"] for m in _SPEC.finditer(body)}

    def one(match: re.Match) -> str:
        chart_id, rest = match["id"], match["rest"]
        text = specs.get(chart_id)
        if text is None:
            return match[0]
        height = drawn_height(json.loads(text))
        figure_end = body.find("</figure>", match.end())
        svg = _SVG_LINK.search(body, match.end(), figure_end if figure_end > 0 else None)
        still = ""
        if svg:
            label = re.search(r'aria-label="([^"]*)"', rest)
            alt = label[1] if label else "Chart"
            still = (
                f'<noscript><img class="report-chart-still" src="{svg["href"]}" '
                f'alt="{alt}" loading="lazy"></noscript>'
            )
        return (
            f'<div class="report-chart pst-js-only" id="{chart_id}"{rest} '
            f'style="min-height: {height}px"></div>{still}'
        )

    return _CHART_DIV.sub(one, body)


def _doctree_read(app: Any, doctree: Any) -> None:
    from myst_nb.ext.glue.utils import PendingGlueReference

    env = app.env
    for node in doctree.findall(PendingGlueReference):
        source = env.doc2path(node.refdoc)
        env.note_dependency(str(source))
    reader_first(doctree)
    chart_tabs(doctree)
    phone_contents(doctree)
    section_tabs(doctree)
    _label_sources(app, doctree)


def _label_sources(app: Any, doctree: Any) -> None:
    """Name a chapter's "Sources" section ``<chapter>-sources`` for ``{ref}`` links.

    The landing page links each key figure to the sources of its chapter; MyST's heading
    anchors are not registered for notebooks, so the label is added here.
    """
    from docutils import nodes

    docname = app.env.docname
    for section in doctree.findall(nodes.section):
        if "sources" in section.get("ids", []) and docname.startswith("chapters/"):
            name = f"{docname.split('/', 1)[1]}-sources"
            std = app.env.get_domain("std")
            std.anonlabels[name] = (docname, "sources")
            std.labels[name] = (docname, "sources", section[0].astext())
            break


def _raw_html(node: Any) -> str:
    from docutils import nodes

    return "".join(n.astext() for n in node.findall(nodes.raw) if "html" in n.get("format", ""))


def _cells(doctree: Any) -> list[Any]:
    from docutils import nodes

    return [n for n in doctree.findall(nodes.container) if "cell" in n.get("classes", [])]


#: What a key-figures block gets: a link to the chapter's list of sources.
KF_SOURCES = (
    '<p class="report-kf-sources"><a href="#sources">Sources of these figures</a>: every page '
    "the chapter's rows cite, graded; each chart's caption lists the sources of its rows.</p>"
)


def reader_first(doctree: Any) -> None:
    """Put a chapter's opening in the reader's order, and link its key figures to sources.

    The order: question, short answer, key figures, then the collapsed parameters note.

    The notebook shows the parameters note first (its ``setup`` cell runs first); only the
    built page is reordered, so the notebook and its outputs stay as papermill wrote them.
    """
    from docutils import nodes

    cells = _cells(doctree)
    params = next((c for c in cells if 'class="report-params"' in _raw_html(c)), None)
    figures = next((c for c in cells if 'class="report-key-figures"' in _raw_html(c)), None)
    if figures is not None and any(
        "sources" in s.get("ids", []) for s in doctree.findall(nodes.section)
    ):
        for raw in figures.findall(nodes.raw):
            if (
                'class="report-key-figures"' in raw.astext()
                and "report-kf-sources" not in raw.astext()
            ):
                text = raw.astext().replace("</section>", KF_SOURCES + "</section>", 1)
                raw.replace_self(nodes.raw(text, text, format="html"))
                break
    if params is None or figures is None or params is figures:
        return
    params.parent.remove(params)
    figures.parent.insert(figures.parent.index(figures) + 1, params)


def phone_contents(doctree: Any) -> None:
    """A chapter's contents at its top, for narrow screens (folded; hidden on a desktop).

    On a phone the theme puts the page's contents behind an icon; a chapter instead gets a
    folded "Contents of this chapter" list of its sections and sub-sections right after its
    key figures (and parameters note), one tap from the top. On a desktop the right-hand
    contents show the same list (``show_toc_level: 2``) and this one is hidden.
    """
    import html

    from docutils import nodes

    cells = _cells(doctree)
    anchor = next((c for c in cells if 'class="report-params"' in _raw_html(c)), None)
    anchor = anchor or next(
        (c for c in cells if 'class="report-key-figures"' in _raw_html(c)), None
    )
    top = next(iter(doctree.findall(nodes.section)), None)
    if anchor is None or top is None:
        return
    items = []
    for section in top.children:
        if not isinstance(section, nodes.section) or not section.get("ids"):
            continue
        subs = [
            f'<li><a href="#{html.escape(sub["ids"][0])}">{html.escape(sub[0].astext())}</a></li>'
            for sub in section.children
            if isinstance(sub, nodes.section) and sub.get("ids")
        ]
        inner = f"<ul>{''.join(subs)}</ul>" if subs else ""
        items.append(
            f'<li><a href="#{html.escape(section["ids"][0])}">{html.escape(section[0].astext())}</a>{inner}</li>'
        )
    if len(items) < 2:
        return
    text = (
        '<nav class="report-phone-contents" aria-label="Contents of this chapter">'
        "<details><summary>Contents of this chapter</summary>"
        f"<ul>{''.join(items)}</ul></details></nav>"
    )
    anchor.parent.insert(anchor.parent.index(anchor) + 1, nodes.raw(text, text, format="html"))


def _figure_title(cell: Any) -> str | None:
    """The title of the chart a cell shows, if that chart is all the cell shows.

    None unless the cell shows exactly one chart and nothing else a reader sees (glued
    values are not shown where they are made).
    """
    import json

    from docutils import nodes

    html_text = _raw_html(cell)
    if html_text.count('class="report-figure"') != 1:
        return None

    def shown(node: Any) -> bool:  # of a MIME bundle, the book shows the HTML only
        while node is not None and node is not cell:
            if node.get("mime_type") not in (None, "text/html"):
                return False
            node = node.parent
        return True

    visible = [
        n
        for n in cell.findall(nodes.Element)
        if isinstance(n, nodes.TextElement | nodes.image | nodes.table)
        and not isinstance(n, nodes.raw)
        and shown(n)
    ]
    if visible:
        return None
    found = _SPEC.search(html_text)
    if not found:
        return None
    title = json.loads(found["json"]).get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(title)
    return str(title) if title else None


def chart_tabs(doctree: Any) -> None:
    """Put charts that answer one question into one set of tabs.

    Charts in consecutive cells, with no prose between them, answer one question (the peers'
    capex, intensity and guidance; gigawatts and accelerators): they become the tabs of one
    sphinx-design tab set, each tab named by its chart's title. The tabs are radio buttons
    and labels styled by CSS, so they work without JavaScript; every chart keeps its own
    caption and take-away links inside its tab.
    """
    from docutils import nodes
    from sphinx_design.shared import create_component

    for parent in list(doctree.findall(nodes.Element)):
        run: list[tuple[Any, str]] = []
        groups: list[list[tuple[Any, str]]] = []
        for child in list(parent.children):
            title = (
                _figure_title(child)
                if isinstance(child, nodes.container) and "cell" in child.get("classes", [])
                else None
            )
            if title:
                run.append((child, title))
                continue
            if len(run) > 1:
                groups.append(run)
            run = []
        if len(run) > 1:
            groups.append(run)
        for group in groups:
            tab_set = create_component("tab-set", classes=["sd-tab-set", "report-chart-tabs"])
            parent.insert(parent.index(group[0][0]), tab_set)
            for cell, title in group:
                parent.remove(cell)
                label = nodes.rubric(title, nodes.Text(title), classes=["sd-tab-label"])
                content = create_component("tab-content", classes=["sd-tab-content"])
                content.append(cell)
                item = create_component(
                    "tab-item", classes=["sd-tab-item"], children=[label, content]
                )
                tab_set.append(item)


#: The cell tag that makes a sub-section one tab of its section's tab set.
TAB_TAG = "report-tab"


def _tabbed(node: Any) -> bool:
    """Whether ``node`` is a sub-section one of whose own cells carries :data:`TAB_TAG`."""
    from docutils import nodes

    def own(cell: Any) -> bool:  # the cell's nearest section is ``node`` (tabs may wrap it)
        parent = cell.parent
        while parent is not None and not isinstance(parent, nodes.section):
            parent = parent.parent
        return parent is node

    return isinstance(node, nodes.section) and any(
        f"tag_{TAB_TAG}" in c.get("classes", []) and own(c) for c in node.findall(nodes.container)
    )


def section_tabs(doctree: Any) -> None:
    """Show consecutive tagged sub-sections of a section as one set of tabs.

    A sub-section one of whose cells is tagged ``report-tab`` in the notebook becomes a tab:
    its label is the sub-section's title and its body is the whole sub-section (its prose,
    charts, tables and captions), so every chart stays under the words that describe it.
    Two or more such sub-sections in a row form one tab set, in the notebook's order; a lone
    one stays a plain sub-section. The sub-section keeps its heading (visually hidden, for
    screen readers and the print edition, which shows every tab); its anchor moves to the
    tab's label, which is always on screen, so the contents (collected before this runs, so
    they still list every sub-section) and links land on it and ``report-tabs.js`` opens it.
    """
    from docutils import nodes
    from sphinx_design.shared import create_component

    for parent in list(doctree.findall(nodes.section)):
        groups: list[list[Any]] = []
        run: list[Any] = []
        for child in list(parent.children):
            if _tabbed(child):
                run.append(child)
                continue
            if run:
                groups.append(run)
            run = []
        if run:
            groups.append(run)
        for group in groups:
            if len(group) < 2:
                continue
            tab_set = create_component("tab-set", classes=["sd-tab-set", "report-section-tabs"])
            parent.insert(parent.index(group[0]), tab_set)
            for section in group:
                parent.remove(section)
                title = section[0].astext()
                label = nodes.rubric(title, nodes.Text(title), classes=["sd-tab-label"])
                # Sphinx numbers sections by their first id: the section keeps one.
                label["ids"] = list(section["ids"])
                section["ids"] = [f"{section['ids'][0]}-tab"]
                section["classes"].append("report-tab-section")
                content = create_component(
                    "tab-content", classes=["sd-tab-content"], children=[section]
                )
                tab_set.append(
                    create_component("tab-item", classes=["sd-tab-item"], children=[label, content])
                )


class VegaLiteInBook:
    """myst-nb plugin: the Vega-Lite MIME bundle is for JupyterLab; the book draws text/html.

    Registered as a ``myst_nb.mime_renderers`` entry point, so the book neither warns about
    the MIME type nor renders the chart twice.
    """

    mime_priority_overrides: tuple = ()

    @staticmethod
    def handle_mime(renderer: Any, data: Any, inline: bool) -> list | None:
        """Render nothing for Vega-Lite bundles; decline every other type."""
        if data.mime_type.startswith("application/vnd.vegalite."):
            return []
        return None


def _copy_data(app: Any, exception: Exception | None) -> None:
    """Ship the data package with the book, so every table can be downloaded as CSV."""
    import shutil

    source = Path(app.srcdir) / "data"
    if exception is not None or app.builder.format != "html" or not source.is_dir():
        return
    target = Path(app.outdir) / "data"
    target.mkdir(parents=True, exist_ok=True)
    from report.publish.csvsafe import neutralise_csv

    for path in source.iterdir():
        if path.suffix == ".csv":  # offered to spreadsheets: formula-like cells neutralised
            text = path.read_text(encoding="utf-8-sig")
            (target / path.name).write_text(neutralise_csv(text), encoding="utf-8")
        elif path.suffix == ".yaml":
            shutil.copy2(path, target / path.name)


def _copy_takeaway(app: Any, exception: Exception | None) -> None:
    """Ship the charts' take-away files and, if it was printed, the print edition."""
    import shutil

    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    source = Path(app.srcdir) / "_takeaway" / "charts"
    target = out / "_static" / "charts"
    shutil.rmtree(target, ignore_errors=True)
    if source.is_dir():
        shutil.copytree(source, target)
    pdf = Path(app.srcdir).parent / "pdf" / PDF_NAME  # _build/pdf/report.pdf
    offered = pdf_matches(Path(app.srcdir), pdf)
    if offered:
        shutil.copy2(pdf, out / PDF_NAME)
    else:  # never offer a print edition of other parameters or data
        (out / PDF_NAME).unlink(missing_ok=True)
    (out / "_static" / PRINT_SCRIPT).write_text(print_script(offered), encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    """Register the extension's hooks."""
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _builder_inited)
    app.connect("html-page-context", _html_page_context)
    app.connect("doctree-read", _doctree_read)
    app.connect("build-finished", _copy_data)
    app.connect("build-finished", _copy_takeaway)
    # after every other handler: the theme rewrites pygments.css (light and dark) when the
    # build finishes, and this reads the sheets as they are finally shipped
    app.connect("build-finished", _write_book_css, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
