"""The built HTML, parsed: every page, every chart spec, no CDN, captions, hidden code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from report import data
from report.build import toc
from report.show import charts

ROOT = Path(__file__).resolve().parents[2]
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


def test_the_vega_bundle_is_shipped_once_and_no_page_blocks_on_it(book):
    """The bundle ships once and no page names it in a tag: report-charts.js (deferred) loads
    it on pages with charts, after the first paint. Only documentation_options.js (which
    the page's inline scripts read) and the small report-icons.js (which must replace the
    theme's icon elements before the first layout, or the icon font is fetched) stay
    synchronous; the search index has no tag either."""
    bundle = book / "_static" / "vega-bundle.js"
    assert bundle.is_file() and bundle.stat().st_size > 100_000
    assert not CDN.search(bundle.read_text(encoding="utf-8"))
    for entry, soup in pages(book).items():
        srcs = [s.get("src", "") for s in soup.find_all("script")]
        assert not any("vega-bundle.js" in s for s in srcs), entry
        assert not any("searchindex.js" in s for s in srcs), entry
        blocking = [
            s["src"]
            for s in soup.head.find_all("script", src=True)
            if not s.has_attr("defer") and not s.has_attr("async")
        ]
        allowed = ("documentation_options.js", "report-icons.js")
        assert all(any(a in s for a in allowed) for s in blocking), (entry, blocking)
        assert soup.find("script", src=re.compile(r"report-charts\.js")).has_attr("defer")
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
            # a web page is a link; a repository locator (not a web address) is shown as text
            links = [
                t["href"] if t.name == "a" else t.get_text()
                for t in caption.find_all(["a", "code"])
            ]
            assert links == [sources.loc[i, "url"] for i in ids], label
            assert not any(a["href"].startswith("github:") for a in caption.find_all("a")), label
            assert "cdn" not in json.dumps(spec)
    assert total >= 1


def test_chart_ids_are_unique_and_stable(book):
    """Unique on each page; a chart shown on two pages (a glued copy) is the same chart."""
    seen: dict[str, str] = {}
    for entry, soup in pages(book).items():
        on_page = set()
        for div, spec in chart_specs(soup):
            assert div["id"] not in on_page, f"{entry}: {div['id']} twice"
            assert not div["id"].startswith("altair-viz-")
            on_page.add(div["id"])
            text = json.dumps(spec, sort_keys=True)
            assert seen.setdefault(div["id"], text) == text, f"{div['id']} differs between pages"


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


def _views(spec: dict):
    """Every single view of a spec (layers, concatenations), with the datasets it can read."""
    stack = [spec]
    while stack:
        node = stack.pop()
        for key in ("layer", "hconcat", "vconcat", "concat"):
            stack.extend(node.get(key, []))
        if "encoding" in node:
            yield node


TIME_FIELDS = {"fiscal_year", "year", "quarter", "label"}


def test_time_on_an_ordinal_axis_never_skips_a_year(book):
    """A year axis drawn as ordinal (equal spacing) lists every year in its range."""
    checked = 0
    for entry, soup in pages(book).items():
        for div, spec in chart_specs(soup):
            for view in _views(spec):
                x = view["encoding"].get("x", {})
                if x.get("type") != "ordinal" or x.get("field") not in {"fiscal_year", "year"}:
                    continue
                domain = (x.get("scale") or {}).get("domain")
                values = domain or sorted(
                    {
                        int(r[x["field"]])
                        for rows in spec.get("datasets", {}).values()
                        for r in rows
                        if r.get(x["field"]) is not None
                    }
                )
                checked += 1
                ints = [int(v) for v in values]
                assert ints == list(range(min(ints), max(ints) + 1)), (
                    f"{entry}:{div.get('id')} skips years on an ordinal axis: {ints}"
                )
    assert checked >= 3


def test_no_chart_puts_a_cumulative_and_a_flow_measure_on_one_axis(book):
    for entry, soup in pages(book).items():
        for div, spec in chart_specs(soup):
            for view in _views(spec):
                names = set()
                data_name = (view.get("data") or spec.get("data") or {}).get("name")
                rows = spec.get("datasets", {}).get(data_name, []) if data_name else []
                for row in rows:
                    for key in ("metric", "measure"):
                        if isinstance(row.get(key), str):
                            names.add(row[key].lower())
                cumulative = {n for n in names if "cumulative" in n}
                assert not cumulative or names == cumulative, (
                    f"{entry}:{div.get('id')} mixes cumulative and flow measures on one axis: {names}"
                )


def test_every_relative_link_resolves_without_leaving_the_book(book):
    """A browser clamps ``..`` at a server's root; hosted under a sub-path it would 404."""
    from urllib.parse import unquote, urlsplit

    broken = []
    for page in sorted(book.rglob("*.html")):
        if "_static" in page.relative_to(book).parts:  # the theme's template fragments
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(["a", "link", "script", "img"]):
            ref = tag.get("href") or tag.get("src")
            if not ref or urlsplit(ref).scheme or ref.startswith(("#", "//", "mailto:")):
                continue
            path = unquote(urlsplit(ref).path)
            if not path:
                continue
            target = (page.parent / path).resolve()
            if book.resolve() not in target.parents or not target.exists():
                broken.append(f"{page.relative_to(book)} -> {ref}")
    assert broken == []


def test_every_key_figure_card_says_as_of_when(book):
    """Each chapter key-figure card and each landing-page figure carries a non-empty "as of"."""
    cards = 0
    for entry, soup in pages(book).items():
        for card in soup.select(".report-kf"):
            cards += 1
            label = card.select_one(".report-kf-label").get_text(strip=True)
            asof = card.select_one(".report-kf-asof")
            assert asof is not None, f"{entry}: card {label!r} has no 'as of'"
            text = asof.get_text(strip=True)
            assert re.fullmatch(r"as of (\d{1,2} \w+ \d{4}|\w+ \d{4}|Q\d \d{4}|\d{4})", text), (
                f"{entry}: card {label!r} reads {text!r}"
            )
    assert cards >= 25
    landing = pages(book)["index"].select(".report-home-figures li")
    assert len(landing) >= 6
    for item in landing:
        text = item.get_text(" ", strip=True)
        assert re.search(r"(as of|newest check) (\d|[A-Z][a-z]+ \d{4})", text), (
            f"landing figure without a date: {text}"
        )


def _card(soup: BeautifulSoup, label: str) -> BeautifulSoup:
    found = [
        c
        for c in soup.select(".report-kf")
        if c.select_one(".report-kf-label").get_text(strip=True) == label
    ]
    assert len(found) == 1, label
    return found[0]


def _words(when: pd.Timestamp, precision: str) -> str:
    return {"day": f"{when.day} {when:%B %Y}", "month": f"{when:%B %Y}", "year": f"{when.year}"}[
        precision
    ]


def test_a_card_is_dated_by_the_newest_row_it_rests_on(book):
    """Computed here from data/ directly: the hires card's date is the newest reported hire (at
    that row's precision) and the claims card's the newest date a claim was checked."""
    hires = pd.read_csv(ROOT / "data" / "hires.csv", parse_dates=["date_reported"])
    newest = hires.date_reported.max()
    levels = set(hires.loc[hires.date_reported == newest, "date_precision"])
    level = "day" if levels == {"day"} else ("year" if "year" in levels else "month")
    talent = pages(book)["chapters/talent"]
    shown = (
        _card(talent, "People named as hired").select_one(".report-kf-asof").get_text(strip=True)
    )
    assert shown == f"as of {_words(newest, level)}"
    claims = pd.read_csv(ROOT / "data" / "claims.csv", parse_dates=["as_of"])
    conclusion = pages(book)["chapters/conclusion"]
    shown = (
        _card(conclusion, "Article claims supported now")
        .select_one(".report-kf-asof")
        .get_text(strip=True)
    )
    assert shown == f"as of {_words(claims.as_of.max(), 'day')}"


POINT_MARKS = {"point", "circle", "square"}


def test_a_date_known_only_to_a_month_or_year_never_sits_on_the_first(book):
    """No point of a row dated to a month, quarter or year sits on day 1 unless the view marks
    it approximate (opacity or shape keyed on date_known); every such view names the precision
    in its tooltip. (That every chart of vague dates carries date_known at all is checked on the
    chart functions with the real data, tests/show/test_dates.py: the built spec keeps only drawn fields.)"""
    checked = 0
    for entry, soup in pages(book).items():
        for div, spec in chart_specs(soup):
            views = []
            for view in _views(spec):
                mark = view.get("mark")
                kind = mark if isinstance(mark, str) else (mark or {}).get("type")
                points = kind in POINT_MARKS or (
                    kind == "line" and isinstance(mark, dict) and mark.get("point")
                )
                x = view["encoding"].get("x", {})
                if points and x.get("type") == "temporal" and "field" in x:
                    views.append(view)
            if not views:
                continue
            for view in views:
                name = (view.get("data") or spec.get("data") or {}).get("name")
                rows = spec.get("datasets", {}).get(name, []) if name else []
                vague = [r for r in rows if r.get("date_known") not in (None, "exact day")]
                if not vague:
                    continue
                enc = view["encoding"]
                approximate = any(
                    (enc.get(ch) or {}).get("field") == "date_known" for ch in ("opacity", "shape")
                )
                tips = enc.get("tooltip") or []
                tips = tips if isinstance(tips, list) else [tips]
                # the renderer may rename a tooltip field (state_missing): match field or title
                assert any(
                    t.get("field") == "date_known" or t.get("title") == "Date known to"
                    for t in tips
                ), f"{entry}:{div.get('id')} does not say a date is approximate in its tooltip"
                for row in vague:
                    value = row.get(view["encoding"]["x"]["field"])
                    if not value:
                        continue
                    checked += 1
                    assert pd.Timestamp(value).day != 1 or approximate, (
                        f"{entry}:{div.get('id')}: a {row['date_known']} date drawn on the 1st: {row}"
                    )
    assert checked >= 50
