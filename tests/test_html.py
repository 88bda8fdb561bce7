"""The built HTML, parsed: every page, every chart spec, no CDN, captions, hidden code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import altair as alt
import pytest
from bs4 import BeautifulSoup

from report import charts, data, toc

ROOT = Path(__file__).resolve().parents[1]
CDN = re.compile(r"cdn\.|jsdelivr|unpkg", re.I)


def pages(book: Path) -> dict[str, BeautifulSoup]:
    return {
        entry: BeautifulSoup((book / f"{entry}.html").read_text(encoding="utf-8"), "html.parser")
        for entry in toc.entries(ROOT)
    }


def chart_specs(soup: BeautifulSoup) -> list[tuple[BeautifulSoup, dict]]:
    found = []
    for div in soup.select("div.report-chart"):
        script = soup.find("script", id=div["data-spec"])
        assert script is not None, f"chart {div.get('id')} has no spec"
        found.append((div, json.loads(script.string)))
    return found


def test_every_toc_page_is_built(book):
    for entry in toc.entries(ROOT):
        assert (book / f"{entry}.html").is_file(), entry


def test_no_page_references_a_cdn(book):
    for html_file in book.rglob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        match = CDN.search(text)
        assert match is None, f"{html_file.relative_to(book)} mentions {match.group(0)!r}"


def test_the_vega_bundle_is_shipped_once_and_every_page_loads_it(book):
    bundle = book / "_static" / "vega-bundle.js"
    assert bundle.is_file() and bundle.stat().st_size > 100_000
    assert not CDN.search(bundle.read_text(encoding="utf-8"))
    for entry, soup in pages(book).items():
        srcs = [s.get("src", "") for s in soup.find_all("script")]
        assert sum("vega-bundle.js" in s for s in srcs) == 1, entry
        assert not any("thebe" in s for s in srcs), f"{entry} still loads sphinx-thebe"
        assert not any("fontawesome" in s for s in srcs), f"{entry} still loads fontawesome.js"
        assert sum("report-icons.js" in s for s in srcs) == 1, entry


def test_every_chart_has_a_valid_spec_title_description_tooltip_and_caption(book):
    sources = data.load("sources").set_index("source_id")
    total = 0
    for entry, soup in pages(book).items():
        for div, spec in chart_specs(soup):
            total += 1
            label = div.get("id")
            assert spec["$schema"].endswith(f"{alt.SCHEMA_VERSION}.json"), label
            assert spec.get("title"), f"{entry}:{label} has no title"
            assert spec.get("description"), f"{entry}:{label} has no description"
            assert div.get("aria-label") == spec["description"]
            assert charts.has_tooltip(spec), f"{entry}:{label} has no tooltip"
            ids = charts.spec_sources(spec)
            meta = spec["usermeta"]["report"]
            assert ids or (meta.get("about_the_data") and meta["tables"] and meta.get("note")), (
                f"{entry}:{label} lists no sources"
            )
            caption = div.find_parent("figure").find("figcaption")
            links = [a["href"] for a in caption.find_all("a")]
            assert links == [sources.loc[i, "url"] for i in ids], label
            assert "cdn" not in json.dumps(spec)
    assert total >= 1


def test_chart_ids_are_unique_and_stable(book):
    seen = set()
    for soup in pages(book).values():
        for div in soup.select("div.report-chart"):
            assert div["id"] not in seen
            assert not div["id"].startswith("altair-viz-")
            seen.add(div["id"])


def test_code_is_hidden_and_parameters_show_as_a_note(book):
    for entry in toc.entries(ROOT):
        if toc.document(entry, ROOT).suffix != ".ipynb":
            continue
        soup = BeautifulSoup((book / f"{entry}.html").read_text(encoding="utf-8"), "html.parser")
        for cell in soup.select("div.cell"):
            classes = cell.get("class", [])
            assert "tag_hide-input" in classes or cell.select_one("div.cell_input") is None, (
                entry,
                classes,
            )
        assert soup.select_one("aside.report-params") is not None, entry
        assert "injected-parameters" not in soup.decode()
        assert "data_dir:" not in soup.get_text(), f"{entry} shows the raw parameters cell"


@pytest.mark.parametrize("needle", ["{glue", "glue:text", "Glue reference"])
def test_no_unresolved_glue(book, needle):
    for html_file in book.rglob("*.html"):
        soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
        assert needle not in soup.get_text(), html_file
