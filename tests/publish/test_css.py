"""The book's one stylesheet: every sheet the pages listed, combined, without unused rules."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

from report.build import toc
from report.publish import css, sphinxext

ROOT = Path(__file__).resolve().parents[2]


def test_purge_keeps_rules_whose_classes_are_used_and_drops_the_rest():
    sheet = (
        "/*! licence */\n"
        ".used { color: red }\n"
        ".unused { color: blue }\n"
        ".used .unused, .used > p { margin: 0 }\n"
        "html[data-theme=dark] { --x: 1 }\n"
        "a:hover { color: green }\n"
        ".used:not(.never) { padding: 0 }\n"
        "@media (min-width: 10px) { .unused { top: 0 } .used { top: 1px } }\n"
        "@media print { .unused { top: 0 } }\n"
        "@font-face { font-family: X; src: local(X) }\n"
        "@keyframes spin { from { opacity: 0 } }\n"
        "#main-id, #nowhere { left: 0 }\n"
    )
    used = css.words(['<div class="used" id="main-id"><p>text</p></div>'])
    out = css.purge(sheet, used)
    assert "/*! licence */" in out
    assert ".used { color: red }" in out and ".unused { color: blue }" not in out
    assert ".used .unused, .used > p { margin: 0 }" in out  # one selector of the list matches
    assert "html[data-theme=dark] { --x: 1 }" in out and "a:hover" in out
    assert ".used:not(.never)" in out
    assert "@media (min-width: 10px)" in out and ".used { top: 1px }" in out
    assert "@media print" not in out  # nothing left inside: the block goes
    assert "@font-face" in out and "@keyframes spin" in out
    assert "#main-id, #nowhere" in out
    assert out.count(".unused {") == 0


def test_words_of_scripts_count_as_used():
    # a class a script adds as the reader clicks ("show") keeps its rules
    used = css.words(["el.classList.add('show'); x.className = \"bd-sidebar-primary\""])
    assert {"show", "bd-sidebar-primary"} <= used
    assert ".show { display: block }" in css.purge(".show { display: block }", used)


def test_every_page_blocks_its_first_paint_on_one_small_stylesheet(book):
    combined = book / "_static" / sphinxext.BOOK_CSS
    text = combined.read_text(encoding="utf-8")
    theme = book / "_static" / "styles" / "pydata-sphinx-theme.css"
    assert len(text) < 0.5 * theme.stat().st_size, "the theme's unused rules were not dropped"
    # every sheet the pages listed is in it, in order, the theme first
    listed = re.findall(r"^/\* (_static/\S+) \*/$", text, re.M)
    assert listed[:2] == list(sphinxext.THEME_CSS)
    assert any("sphinx-design" in n for n in listed) and listed[-2:] == [
        "_static/report.css",
        "_static/report-takeaway.css",
    ]
    # each sheet as finally shipped (the theme rewrites pygments.css as the build finishes)
    used = css.book_words(book)
    for name in listed:
        shipped = (book / name.split("?")[0]).read_text(encoding="utf-8")
        assert css.purge(shipped, used) in text, f"{name} changed after it was combined"
    for entry in toc.entries(ROOT):
        soup = BeautifulSoup((book / f"{entry}.html").read_text("utf-8"), "html.parser")
        sheets = [link["href"] for link in soup.select("link[rel=stylesheet]")]
        assert len(sheets) == 1 and sheets[0].split("?")[0].endswith(
            f"_static/{sphinxext.BOOK_CSS}"
        ), (entry, sheets)
        # what the page shows is styled: its header, article and (on chapters) tabs
        for cls in ("bd-header", "bd-article", "report-figure", "sd-tab-set", "report-chart"):
            if soup.select_one(f".{cls}"):
                assert re.search(rf"\.{cls}\b", text), (entry, cls)
    # dark mode's variables and the theme's own JavaScript states stay
    assert 'html[data-theme="dark"]' in text or "html[data-theme=dark]" in text
    # Bootstrap components the book never shows (nor any of its scripts names) are gone
    for unused in (".accordion", ".pagination", ".progress-bar", ".spinner-border"):
        assert unused not in text and unused in theme.read_text(encoding="utf-8"), unused
