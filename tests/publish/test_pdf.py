"""The print edition: ``python -m report pdf`` prints the built book with Debian's chromium."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import copy_built, run_report

from report.build import toc
from report.publish import pdf, takeaway

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.browser,
    # one worker makes this module's costly fixture once (see the Makefile: --dist loadgroup)
    pytest.mark.xdist_group("print-edition"),
    pytest.mark.skipif(not Path(pdf.CHROMIUM).exists(), reason="Debian chromium missing"),
]

#: PDF path-construction operators (line to, curve to, rectangle), as chromium writes them.
PATH_OPS = re.compile(rb"\s(?:l|c|re)\s")
#: PDF path-painting operators (stroke, fill).
PAINT_OPS = re.compile(rb"\s(?:S|s|f|f\*|B|b)\s")


@pytest.fixture(scope="session")
def printed(project, tmp_path_factory):
    """The print edition of a private copy of the shared book, printed twice.

    Returns the PDF and both page counts; the copy's book (``<pdf>/../../html``) offers it.
    """
    from pypdf import PdfReader

    root = copy_built(project, tmp_path_factory.mktemp("print"))
    counts = []
    for _ in range(2):
        proc = run_report(root, "pdf")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        counts.append(len(PdfReader(str(root / "_build/pdf/report.pdf")).pages))
    return root / "_build/pdf/report.pdf", counts


def page_texts(path: Path) -> list[str]:
    """Each page's text, spaces squeezed; extracted once per file and content (about 10 s)."""
    return list(_page_texts(path, path.stat().st_mtime_ns, path.stat().st_size))


@functools.lru_cache(maxsize=4)
def _page_texts(path: Path, mtime_ns: int, size: int) -> tuple[str, ...]:
    from pypdf import PdfReader

    return tuple(re.sub(r"\s+", " ", p.extract_text() or "") for p in PdfReader(str(path)).pages)


def titles(book: Path) -> dict[str, str]:
    found = {}
    for entry in toc.entries(ROOT):
        soup = BeautifulSoup((book / f"{entry}.html").read_text(encoding="utf-8"), "html.parser")
        found[entry] = soup.select_one("article h1").get_text(" ", strip=True).rstrip("#¶ ")
    return found


def squash(text: str) -> str:
    """Text compared without spaces and typographic variants (PDF text extraction splits words)."""
    return re.sub(r"[\s\u00ad]+", "", text).replace("’", "'").replace("‘", "'")


def test_the_pdf_has_every_page_title_in_order_and_the_landing_figures(printed, book):
    path, counts = printed
    assert path.is_file() and path.stat().st_size > 50_000
    assert counts[0] == counts[1], f"page count changed between two runs: {counts}"
    texts = page_texts(path)
    whole = squash(" ".join(texts))
    # cover and contents
    assert squash(takeaway.book_title(ROOT)) in squash(texts[0])
    assert "Edition" in texts[0] and "cut-off" in texts[0]
    assert "Contents" in texts[1]
    # every page's title, in the order of _toc.yml, after the contents
    position = len(squash(texts[0] + texts[1]))
    for entry, title in titles(book).items():
        found = whole.find(squash(title), position)
        assert found >= 0, f"{entry}: title {title!r} missing or out of order"
        position = found
    # the landing page's key figures (bold values of its list-table)
    index = BeautifulSoup((book / "index.html").read_text(encoding="utf-8"), "html.parser")
    figures = [
        s.get_text(" ", strip=True)
        for s in index.select(
            ".report-home-figures li > p:first-child strong, article table strong"
        )
    ]
    assert len(figures) >= 5
    for value in figures:
        assert squash(value) in whole, f"key figure {value!r} missing from the PDF"
    # page numbers in the footers and in the contents
    assert texts[5].strip().endswith("6")
    assert re.search(r"Labs.*?\d+", texts[1])


def test_each_chapter_prints_its_charts_as_vector_drawings(printed, book):
    from pypdf import PdfReader

    path, _ = printed
    reader = PdfReader(str(path))
    texts = [squash(t) for t in page_texts(path)]
    starts = pdf.start_pages(path, toc.entries(ROOT))  # 1-based page of each toc entry
    assert len(starts) == len(toc.entries(ROOT))
    checked = 0
    for entry in toc.entries(ROOT):
        doc = toc.document(entry, ROOT)
        if doc.suffix != ".ipynb":
            continue
        soup = BeautifulSoup((book / f"{entry}.html").read_text(encoding="utf-8"), "html.parser")
        for div in soup.select("div.report-chart"):
            spec = json.loads(soup.find("script", id=div["data-spec"]).string)
            title = takeaway.spec_title(spec)
            pages = [
                n for n, t in enumerate(texts) if n + 1 >= starts[entry] and squash(title) in t
            ]
            assert pages, f"{entry}: chart {title!r} not in its chapter of the PDF"
            content = reader.pages[pages[0]].get_contents().get_data()
            assert len(PATH_OPS.findall(content)) >= 10 and PAINT_OPS.search(content), (
                f"{entry}: chart {title!r} drawn as no paths"
            )
            resources = reader.pages[pages[0]].get("/Resources") or {}
            xobjects = resources.get("/XObject") or {}
            images = [x for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image"]
            assert not images, f"{entry}: chart {title!r} printed as a bitmap"
            checked += 1
    assert checked >= 20


def test_code_and_navigation_are_left_out_and_links_kept(printed):
    from pypdf import PdfReader

    path, _ = printed
    reader = PdfReader(str(path))
    whole = " ".join(page_texts(path))
    for needle in (
        "ch = setup(",
        "import pandas",
        "glue_text(",
        "Skip to main content",
        "Download this page",
        "Take it with you",
        "Data (CSV)",
        "Copy citation",
    ):
        assert needle not in whole, f"{needle!r} printed"
    uris, internal = set(), 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A") or {}
            if action.get("/URI"):
                uris.add(str(action["/URI"]))
            elif annot.get_object().get("/Dest") is not None or action.get("/D") is not None:
                internal += 1
    assert any(u.startswith("https://www.sec.gov/") for u in uris), "source links lost"
    assert not any(u.startswith("file:") for u in uris), "links into the build folder"
    assert internal >= len(toc.entries(ROOT)), "contents and cross-references not linked"


def test_the_book_offers_the_pdf(printed):
    book = printed[0].parent.parent / "html"
    assert (book / "report.pdf").read_bytes() == printed[0].read_bytes()
    assert '"report.pdf"' in (book / "_static" / "report-print.js").read_text(encoding="utf-8")


def test_a_book_of_other_parameters_does_not_offer_the_printed_pdf(printed, tmp_path):
    root = copy_built(printed[0].parents[2], tmp_path / "other")
    proc = run_report(root, "build", "--scenario", "slowdown")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    book = root / "_build" / "html"
    assert not (book / "report.pdf").exists(), "a PDF of the default edition was offered"
    assert "null" in (book / "_static" / "report-print.js").read_text(encoding="utf-8")
    assert (root / "_build" / "pdf" / "report.pdf").is_file(), "the printed file itself is kept"


def test_pdf_matches_compares_the_printed_and_the_staged_edition(tmp_path):
    from report.publish.sphinxext import EDITION_KEY, pdf_matches

    stage, pdf_file = tmp_path / "stage", tmp_path / "pdf" / "report.pdf"
    stage.mkdir()
    pdf_file.parent.mkdir()
    assert not pdf_matches(stage, pdf_file)  # nothing printed
    pdf_file.write_bytes(b"%PDF-1.7")
    (stage / EDITION_KEY).write_text("abc")
    assert not pdf_matches(stage, pdf_file)  # printed before editions were recorded
    pdf_file.with_name("report.pdf.key").write_text("abc")
    assert pdf_matches(stage, pdf_file)
    (stage / EDITION_KEY).write_text("abd")
    assert not pdf_matches(stage, pdf_file)


def test_sub_sections_shown_as_tabs_print_under_their_own_headings(printed, book):
    """The print edition drops the tabs' labels and shows every tab: each sub-section prints
    its own heading, in the notebook's order."""
    soup = BeautifulSoup(
        (book / "chapters" / "infrastructure.html").read_text(encoding="utf-8"), "html.parser"
    )
    labels = [
        label.get_text(" ", strip=True)
        for label in soup.select("div.report-section-tabs > label.sd-tab-label")
    ]
    assert len(labels) >= 8
    text = squash(" ".join(page_texts(printed[0])))
    at = text.index(squash("Infrastructure"))
    for label in labels:
        found = text.find(squash(label), at)
        assert found > 0, f"sub-section {label!r} has no heading in the print edition"
        at = found
