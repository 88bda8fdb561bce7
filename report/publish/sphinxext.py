"""Sphinx extension of the report (listed in ``_config.yml`` under ``extra_extensions``).

- ships the Vega / Vega-Lite / Vega-Embed JavaScript once, as ``_static/vega-bundle.js``,
  made from vl-convert's bundle at the versions Altair expects, wrapped in a function
  scope (its top-level ``const`` names clash with Sphinx's ``doctools.js`` otherwise);
- adds the report's chart and table scripts and its stylesheet;
- drops sphinx-thebe's scripts, which Jupyter Book 1 adds to every page even with thebe
  off: they name an unpkg.com address and declare ``THEBE_JS_URL`` twice (a console error);
- makes a page that pastes glue from another notebook depend on that notebook, so an
  incremental build re-renders it when the notebook changes;
- ships every chart's take-away files (``_static/charts/``, made by ``report.publish.takeaway``)
  and the print edition (``report.publish.pdf``, made by ``python -m report pdf``) when it exists;
  ``_static/report-print.js`` tells the pages whether it does.
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


def _templates(cache: Path) -> Path:
    """The theme's templates we override: asset macros and search button.

    The asset macros lose the Font Awesome script (replaced by inline icons); the search
    button loses its mismatched label.
    """
    folder = cache / "templates"
    macros = (_theme_static() / "webpack-macros.html").read_text(encoding="utf-8")
    lines = [line for line in macros.splitlines() if "fontawesome.js" not in line]
    _write_if_changed(folder / "static" / "webpack-macros.html", "\n".join(lines) + "\n")
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
    # pydata-sphinx-theme logs a console error for an empty mode; start in "auto".
    config.html_context = {"default_mode": "auto", **config.html_context}


def _builder_inited(app: Any) -> None:
    app.add_js_file(BUNDLE, priority=400)
    app.add_js_file("report-charts.js", priority=401)
    app.add_js_file("report-icons.js", priority=402)
    app.add_js_file(PRINT_SCRIPT, priority=403)
    app.add_js_file("report-takeaway.js", priority=404)
    app.add_js_file("report-tables.js", priority=405)
    app.add_css_file("report.css")
    app.add_css_file("report-takeaway.css")


def _is_thebe(script: Any) -> bool:
    filename = getattr(script, "filename", None) or ""
    body = (getattr(script, "attributes", {}) or {}).get("body", "")
    return "thebe" in filename or "THEBE_JS_URL" in body or "unpkg.com" in filename


#: A link to a chart's take-away file, however deep the page that made it was.
_TAKEAWAY_HREF = re.compile(r'href="(?:\.\./)*_static/charts/')


def _html_page_context(app: Any, pagename: str, templatename: str, context: dict, doctree) -> None:
    scripts = context.get("script_files")
    if scripts:
        context["script_files"] = [s for s in scripts if not _is_thebe(s)]
    # A chart glued into another page (the landing page shows the conclusion's chart) keeps
    # the links its own page computed; make them relative to the page that shows them.
    body = context.get("body")
    if body and "_static/charts/" in body:
        up = "../" * pagename.count("/")
        context["body"] = _TAKEAWAY_HREF.sub(f'href="{up}_static/charts/', body)


def _doctree_read(app: Any, doctree: Any) -> None:
    from myst_nb.ext.glue.utils import PendingGlueReference

    env = app.env
    for node in doctree.findall(PendingGlueReference):
        source = env.doc2path(node.refdoc)
        env.note_dependency(str(source))
    reader_first(doctree)
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
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
