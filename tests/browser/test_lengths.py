"""A chapter is a page a reader can hold, and the first screen paints before anything heavy.

In Debian's chromium: every chapter at most 20 screens tall at 1280×800 and 30 at 390×844
(every chart drawn, folds closed, tabs as they open); no chart taller than one screen (800 px)
at 1280 wide, in any tab; the Vega bundle loaded only when a chart nears the screen and never
on a page without charts; the search index only when search opens; with JavaScript off, each
chart's static render instead. Lighthouse itself runs in ``bench/lighthouse.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import CHROMIUM

from report.build import toc
from report.show.lint import MAX_HEIGHT

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = [e for e in toc.entries(ROOT) if e.startswith("chapters/")]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium missing"),
]

#: Screens a chapter may take: (width, height, screens).
SCREENS = [(1280, 800, 20), (390, 844, 30)]

DRAWN = (
    "() => [...document.querySelectorAll('div.report-chart')]"
    ".every(e => e.dataset.drawn === 'yes' || e.dataset.drawn === 'error')"
)


def _open(browser, url: str, width: int, height: int, **options):
    page = browser.new_page(viewport={"width": width, "height": height}, **options)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url, wait_until="load")
    return page, requests


def _draw_all(page) -> None:
    page.evaluate("() => window.reportCharts ? window.reportCharts.drawAll() : 0")
    page.wait_for_function(DRAWN, timeout=30_000)
    page.wait_for_timeout(200)


@pytest.mark.parametrize("entry", CHAPTERS)
@pytest.mark.parametrize("width,height,screens", SCREENS)
def test_a_chapter_is_a_page_a_reader_can_hold(browser, served, entry, width, height, screens):
    page, _ = _open(browser, f"{served}/{entry}.html", width, height)
    _draw_all(page)
    tall = page.evaluate("document.documentElement.scrollHeight")
    page.close()
    assert tall <= screens * height, (
        f"{entry} is {tall / height:.1f} screens tall at {width}×{height} (at most {screens})"
    )


@pytest.mark.parametrize("entry", ["index", *CHAPTERS])
def test_no_chart_is_taller_than_a_screen(browser, served, entry):
    page, _ = _open(browser, f"{served}/{entry}.html", 1280, 800)
    # every tab shown at once, so charts in tabs are measured too
    page.add_style_tag(content=".sd-tab-set > .sd-tab-content { display: block !important; }")
    _draw_all(page)
    heights = page.eval_on_selector_all(
        "div.report-chart", "els => els.map(e => [e.id, e.getBoundingClientRect().height])"
    )
    page.close()
    assert heights or entry == "index"
    tall = [(i, h) for i, h in heights if h > MAX_HEIGHT]
    assert tall == [], f"{entry}: charts taller than {MAX_HEIGHT} px at 1280 wide: {tall}"
    assert all(h > 0 for _, h in heights), heights


def test_charts_draw_as_they_near_the_screen_and_the_bundle_loads_then(browser, served):
    page, requests = _open(browser, f"{served}/chapters/infrastructure.html", 390, 844)
    page.wait_for_timeout(500)
    states = page.eval_on_selector_all("div.report-chart", "els => els.map(e => e.dataset.drawn)")
    assert not any("vega-bundle.js" in u for u in requests), (
        "bundle loaded before any chart was near"
    )
    assert states and all(s is None for s in states), states
    last = page.locator("div.report-chart:visible").last  # not one in a hidden tab
    chart_id = last.get_attribute("id")
    last.scroll_into_view_if_needed()
    page.wait_for_function(
        f"() => document.getElementById('{chart_id}').dataset.drawn === 'yes'", timeout=30_000
    )
    assert sum("vega-bundle.js" in u for u in requests) == 1
    drawn = page.eval_on_selector_all("div.report-chart", "els => els.map(e => e.dataset.drawn)")
    assert drawn.count("yes") < len(drawn), "every chart drew, not only those near the screen"
    page.close()


def test_each_chart_has_its_height_reserved_before_it_draws(book):
    soup = BeautifulSoup(
        (book / "chapters" / "infrastructure.html").read_text("utf-8"), "html.parser"
    )
    charts = soup.select("div.report-chart")
    assert charts
    for chart in charts:
        style = chart.get("style", "")
        assert "min-height:" in style, chart.get("id")
        assert 150 <= int(style.split("min-height:")[1].split("px")[0]) <= MAX_HEIGHT


def test_a_page_without_charts_never_loads_the_bundle(browser, served, book):
    plain = next(
        e
        for e in toc.entries(ROOT)
        if 'class="report-chart' not in (book / f"{e}.html").read_text(encoding="utf-8")
    )
    page, requests = _open(browser, f"{served}/{plain}.html", 1280, 800)
    page.mouse.wheel(0, 20_000)
    page.wait_for_timeout(500)
    page.close()
    assert not any("vega-bundle.js" in u for u in requests), plain


def test_the_search_index_loads_when_search_opens(browser, served):
    page, requests = _open(browser, f"{served}/index.html", 1280, 800)
    page.wait_for_timeout(300)
    assert not any("searchindex.js" in u for u in requests)
    page.keyboard.press("Control+k")
    page.wait_for_function("() => typeof Search !== 'undefined'", timeout=10_000)
    page.wait_for_timeout(300)
    assert any("searchindex.js" in u for u in requests)
    page.close()


def test_with_javascript_off_each_chart_shows_its_static_render(browser, served):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    page.goto(f"{served}/chapters/infrastructure.html", wait_until="load")
    stills = page.eval_on_selector_all(
        "img.report-chart-still",
        "els => els.map(e => [e.getAttribute('src'), e.naturalWidth, e.alt])",
    )
    charts = page.eval_on_selector_all(
        "div.report-chart", "els => els.map(e => getComputedStyle(e).display)"
    )
    context.close()
    assert stills and len(stills) == len(charts)
    assert all(src.endswith(".svg") and alt for src, _, alt in stills), stills
    assert set(charts) == {"none"}, "empty chart boxes shown without JavaScript"


def test_a_link_into_the_folded_sources_opens_them(browser, served, book):
    soup = BeautifulSoup((book / "chapters" / "labs.html").read_text("utf-8"), "html.parser")
    fold = soup.select_one("details.report-sources-fold")
    assert fold is not None and not fold.has_attr("open")
    count = int(fold.select_one(".report-sources-count").get_text())
    assert count == len(fold.select("ol.report-sources > li")) > 0
    first = fold.select_one("ol.report-sources > li")["id"]
    page, _ = _open(browser, f"{served}/chapters/labs.html#{first}", 1280, 800)
    assert page.evaluate("document.querySelector('details.report-sources-fold').open")
    page.close()


#: The infrastructure chapter's story, in order: its sections' titles as the page shows them.
STORY = [
    "The capex curve",
    "Beside the other hyperscalers",
    "Return on the spend",
    "Financing and compute deals",
    "The gigawatt campuses",
]


def _text(node) -> str:
    return " ".join(node.get_text(" ", strip=True).replace("#", "").split())


def test_sub_sections_shown_as_tabs_keep_their_words_charts_and_contents_entry(book):
    """Each tab is one sub-section: its title as the label, its own prose and charts inside,
    its anchor on the label and listed in the right-hand contents; the story keeps its order."""
    soup = BeautifulSoup(
        (book / "chapters" / "infrastructure.html").read_text("utf-8"), "html.parser"
    )
    article = soup.select_one("article.bd-article")
    sections = [_text(h) for h in article.select("section > h2")]
    assert [t for t in sections if t in STORY] == STORY, sections
    contents = [a["href"] for a in soup.select("nav.page-toc a")]
    phone = [a["href"] for a in soup.select("nav.report-phone-contents a")]
    sets = article.select("div.report-section-tabs")
    assert len(sets) >= 3, "the capex, return and capacity sub-sections are tabs"
    labels = []
    for tab_set in sets:
        for label in tab_set.find_all("label", recursive=False):
            panel = label.find_next_sibling("div", class_="sd-tab-content")
            section = panel.find("section", recursive=False)
            heading = section.find(["h3", "h4"], recursive=False)
            assert _text(heading) == _text(label), (_text(label), _text(heading))
            assert label.get("id") and f"#{label['id']}" in contents and f"#{label['id']}" in phone
            assert section.find("p"), f"tab {_text(label)!r} has no prose of its own"
            labels.append(_text(label))
            # every chart of the tab sits in the sub-section its label names
            for chart in panel.select("div.report-chart"):
                assert section in chart.parents
    assert {"Who pays", "Year by year", "The latest quarters", "Depreciation and margins"} <= set(
        labels
    ), labels
    # the tabs keep the notebook's order, under the section they belong to
    order = [_text(n) for n in article.select("section > h2, div.report-section-tabs > label")]
    return_at, financing_at = (
        order.index("Return on the spend"),
        order.index("Financing and compute deals"),
    )
    assert order[return_at + 1 : financing_at] == [
        "Who pays",
        "Year by year",
        "The latest quarters",
        "The year so far, against its guidance",
        "Depreciation and margins",
    ], order


def test_a_link_to_a_sub_section_opens_its_tab(browser, served):
    page, _ = _open(browser, f"{served}/chapters/infrastructure.html", 1280, 800)
    assert not page.evaluate(
        "() => !!document.querySelector('label#the-latest-quarters + .sd-tab-content').offsetParent"
    )
    page.click("nav.page-toc a[href='#the-latest-quarters']")
    page.wait_for_function(
        "() => !!document.querySelector('label#the-latest-quarters + .sd-tab-content').offsetParent"
    )
    top = page.evaluate(
        "document.getElementById('the-latest-quarters').getBoundingClientRect().top"
    )
    assert 0 <= top < 400, top
    page.wait_for_function(
        "() => document.querySelector('label#the-latest-quarters + .sd-tab-content"
        " div.report-chart').dataset.drawn === 'yes'",
        timeout=30_000,
    )
    page.close()
    # arriving with the sub-section in the address opens it too
    page, _ = _open(browser, f"{served}/chapters/infrastructure.html#year-by-year", 390, 844)
    page.wait_for_function(
        "() => !!document.querySelector('label#year-by-year + .sd-tab-content').offsetParent"
    )
    page.close()


def test_the_cash_bridge_shows_one_step_alone_in_wide_bars(browser, served):
    """Eight steps a year draw bars a few pixels wide; the chart's menu shows one step alone."""
    page, _ = _open(browser, f"{served}/chapters/infrastructure.html#year-by-year", 390, 844)
    page.evaluate("() => window.reportCharts.drawAll()")
    page.wait_for_function(DRAWN, timeout=30_000)
    figure = page.locator("label#year-by-year + .sd-tab-content figure.report-figure").first
    bars = "f => [...f.querySelectorAll('.mark-rect path')].map(p => p.getBBox().width)"
    every = figure.evaluate(bars)
    figure.locator("select").select_option(label="Free cash flow")
    page.wait_for_function(
        "() => document.querySelector('label#year-by-year + .sd-tab-content .mark-rect')"
        ".querySelectorAll('path').length < 10"
    )
    one = figure.evaluate(bars)
    box = figure.evaluate(
        "f => [f.getBoundingClientRect().right, f.querySelector('select')"
        ".getBoundingClientRect().right]"
    )
    page.close()
    assert len(every) > 4 * len(one) > 0, (len(every), len(one))
    assert min(one) > 3 * max(every), (one, every)
    assert box[1] <= box[0] + 1, "the menu runs past its chart"


def test_pay_chart_labels_wrap_on_a_phone_and_stay_distinct(browser, served):
    """At 390 px the pay chart's long labels wrap (up to three lines) instead of being cut to
    identical stubs: every report keeps a label of its own, and none overlaps the next."""
    page, _ = _open(browser, f"{served}/chapters/talent.html", 390, 844)
    _draw_all(page)
    labels = page.eval_on_selector_all(
        "div.report-chart[id^='chart-reported-pay'] .role-axis[aria-label^='Y-axis']"
        " .role-axis-label text",
        "els => els.map(e => [e.textContent, e.querySelectorAll('tspan').length,"
        " e.getBoundingClientRect().top, e.getBoundingClientRect().bottom])",
    )
    page.close()
    assert len(labels) > 10
    texts = [t for t, *_ in labels]
    assert len(set(texts)) == len(texts), texts
    assert any(lines > 1 for _, lines, *_ in labels), "no label wrapped"
    boxes = sorted((top, bottom) for *_, top, bottom in labels)
    assert all(b[0] >= a[1] - 1 for a, b in zip(boxes, boxes[1:], strict=False)), boxes
