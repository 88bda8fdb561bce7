"""Reader first: the landing page and chapter openings lead with the answer, tables fit or
scroll with a cue, charts survive resizes and dark mode, colour words match the marks, key
figures link to their sources; and screenshots of the result under ``_build/screenshots``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import visit

from report.build import toc
from report.build.params import Param
from report.notebook import Chapter, params_note_html
from report.show import theme

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = [e for e in toc.entries(ROOT) if e.startswith("chapters/")]
SCREENSHOTS = ROOT / "_build" / "screenshots"


def soup_of(book: Path, entry: str) -> BeautifulSoup:
    return BeautifulSoup((book / f"{entry}.html").read_text(encoding="utf-8"), "html.parser")


# ---------------------------------------------------------------- the built HTML


def _chapter(values: dict) -> Chapter:
    defaults = {
        "data_dir": Param("data_dir", "str", "../data", "folder of the data package"),
        "first_year": Param("first_year", "int", 2017, "first fiscal year shown"),
    }
    return Chapter(name="infrastructure", values=values, defaults=defaults, data_dir=ROOT / "data")


def test_parameters_note_is_collapsed_and_names_changed_values_in_its_summary():
    plain = BeautifulSoup(
        params_note_html(_chapter({"data_dir": "../data", "first_year": 2017})), "html.parser"
    )
    details = plain.select_one("aside.report-params details")
    assert details is not None and not details.has_attr("open")
    summary = " ".join(details.summary.get_text(" ").split())
    assert "How this chapter was run" in summary and "default parameters" in summary
    assert "first_year = 2017" in " ".join(plain.get_text(" ").split())

    changed = BeautifulSoup(
        params_note_html(_chapter({"data_dir": "../data", "first_year": 2024})), "html.parser"
    )
    summary = " ".join(changed.select_one("details summary").get_text(" ").split())
    assert "not the defaults" in summary and "first_year = 2024" in summary
    assert "changed; default 2017" in " ".join(changed.get_text(" ").split())


@pytest.mark.parametrize("entry", CHAPTERS)
def test_chapter_opens_with_title_question_answer_key_figures_then_how_it_was_run(book, entry):
    soup = soup_of(book, entry)
    main = soup.select_one("article.bd-article")
    title = main.select_one("h1")
    assert len(title.get_text(strip=True).split()) <= 4, f"{entry}: title {title.get_text()!r}"
    subtitle = main.select_one(".report-subtitle")
    assert subtitle is not None and subtitle.get_text(strip=True).endswith("?"), entry
    order = []
    for el in main.find_all(True):
        text = el.get_text(" ", strip=True)
        classes = el.get("class", [])
        if el.name == "h1":
            order.append("title")
        elif "report-subtitle" in classes:
            order.append("subtitle")
        elif el.name == "p" and text.startswith("Question."):
            order.append("question")
        elif el.name == "p" and text.startswith("Short answer."):
            order.append("answer")
        elif "report-key-figures" in classes:
            order.append("figures")
        elif el.name == "aside" and "report-params" in classes:
            order.append("params")
    expected = ["title", "subtitle", "question", "answer", "figures", "params"]
    assert [o for o in order if o in expected][:6] == expected, f"{entry}: {order}"
    details = main.select_one("aside.report-params details")
    assert details is not None and not details.has_attr("open"), f"{entry}: note not collapsed"


@pytest.mark.parametrize("entry", CHAPTERS)
def test_chapter_key_figures_link_to_the_chapters_sources(book, entry):
    soup = soup_of(book, entry)
    block = soup.select_one(".report-key-figures")
    assert block is not None, entry
    assert block.select_one("a[href='#sources']") is not None, f"{entry}: no link to sources"
    sources = soup.find(id="sources")
    assert sources is not None and sources.select("ol.report-sources li a[href^='http']"), entry


def test_landing_page_leads_with_the_bottom_line_then_linked_key_figures_and_two_bets(book):
    soup = soup_of(book, "index")
    main = soup.select_one("article.bd-article")
    first = main.select_one("h1").find_next(lambda t: t.name in ("p", "div", "section", "h2"))
    assert "report-bottom-line" in first.get("class", []), first
    text = first.get_text(" ", strip=True)
    assert "{glue" not in text and re.search(r"\$\d", text), text
    items = main.select(".report-home-figures li")
    assert len(items) >= 4
    for item in items:
        hrefs = [a["href"] for a in item.select("a[href]")]
        assert any(h.endswith("#sources") for h in hrefs), f"key figure without sources: {hrefs}"
    bets = [spec for _, spec in _specs(soup) if spec["usermeta"]["report"]["label"] == "two-bets"]
    assert len(bets) == 1, "the two bets are not drawn on the landing page"
    footer = soup.select_one("footer").get_text(" ", strip=True)
    assert "Every number links to its source" not in footer


def _specs(soup: BeautifulSoup) -> list[tuple[str, dict]]:
    return [
        (div["id"], json.loads(soup.find("script", id=div["data-spec"]).string))
        for div in soup.select("div.report-chart")
    ]


COLOUR_WORD = re.compile(
    r"\b(red-orange|sky blue|blue|orange|green|pink|yellow|black|white|grey|gray|red|purple|brown|violet)\b",
    re.I,
)


def _title_text(spec: dict) -> str:
    title = spec.get("title") or {}
    if isinstance(title, str | list):
        title = {"text": title}
    parts = []
    for key in ("text", "subtitle"):
        value = title.get(key) or ""
        parts += value if isinstance(value, list) else [value]
    return " ".join(parts)


def test_colour_words_in_chart_titles_are_the_themes_names_for_colours_drawn(book):
    named = 0
    for entry in toc.entries(ROOT):
        for chart_id, spec in _specs(soup_of(book, entry)):
            drawn = json.dumps({k: v for k, v in spec.items() if k != "datasets"}).lower()
            for word in COLOUR_WORD.findall(_title_text(spec)):
                word = word.lower()
                named += 1
                if word == "grey":
                    assert any(g in drawn for g in theme.GREYS), (entry, chart_id, word)
                    continue
                assert word in theme.COLOURS, f"{entry}: {chart_id} says {word!r}"
                assert theme.COLOURS[word].lower() in drawn, (entry, chart_id, word)
    assert named > 0


def test_colour_names_are_the_palette():
    assert list(theme.COLOURS.values()) == theme.PALETTE
    for name, value in theme.COLOURS.items():
        assert theme.colour_name(value) == name
    with pytest.raises(KeyError):
        theme.colour_name("#123456")


# ---------------------------------------------------------------- in the browser


#: True once the page has settled at its width for two animation frames in a row: every chart
#: drawn (or failed) for its column's current width, and the tables' scroll cues set for the
#: page's width (report-tables.js records it). Two frames, because a redraw that changes the
#: layout is seen by the ResizeObserver only in the frame after it.
SETTLED = """() => {
  const w = document.documentElement.clientWidth;
  const charts = [...document.querySelectorAll('div.report-chart')].every(e =>
    e.dataset.drawn === 'error' ||
    (e.dataset.drawn === 'yes' && Math.abs(e.clientWidth - Number(e.dataset.width)) <= 2));
  const tables = !document.querySelector('.bd-article table')
    || document.documentElement.dataset.tablesWidth === String(w);
  const now = charts && tables;
  const settled = now && window.__reportSettled === w;
  window.__reportSettled = now ? w : null;
  return settled;
}"""


#: What keeps a page from settling: charts not drawn for their column, tables' cues not set.
UNSETTLED = """() => ({
  charts: [...document.querySelectorAll('div.report-chart')]
    .filter(e => e.dataset.drawn !== 'error' &&
      (e.dataset.drawn !== 'yes' || Math.abs(e.clientWidth - Number(e.dataset.width)) > 2))
    .map(e => `${e.id}: ${e.dataset.drawn}, drawn for ${e.dataset.width}px in ${e.clientWidth}px`),
  tables: `cues set for ${document.documentElement.dataset.tablesWidth}px, ` +
    `page ${document.documentElement.clientWidth}px`,
})"""


def settle(page, timeout: int = 30_000) -> None:
    """Wait (no fixed sleep) until the page has settled at its width: see ``SETTLED``.

    Charts now draw as they near the screen, so a long page (labs) can take over 10 s to settle
    on two loaded cores; a run in CI settled just after a 10 s limit, hence 30 s.

    Raises:
        AssertionError: not settled within ``timeout`` ms; names the charts and tables waited on.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.evaluate("window.__reportSettled = null")
    try:
        page.wait_for_function(SETTLED, timeout=timeout)
    except PlaywrightTimeout:
        raise AssertionError(f"page never settled: {page.evaluate(UNSETTLED)}") from None


def resize(page, width: int, height: int = 900) -> None:
    page.set_viewport_size({"width": width, "height": height})
    settle(page)


#: For each chart: its id, the width of its column, the drawn svg's left and right edges
#: relative to the column, the width it was drawn for, and whether the spec fills its container.
CHART_BOXES = """els => els.map(el => {
  const box = el.getBoundingClientRect();
  const svg = el.querySelector('svg');
  const r = svg ? svg.getBoundingClientRect() : {left: 0, right: 0, width: 0};
  const spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
  return {id: el.id, column: box.width, left: r.left - box.left, right: r.right - box.right,
          svg: r.width, drawnFor: Number(el.dataset.width), container: spec.width === 'container',
          drawn: el.dataset.drawn};
})"""


@pytest.mark.browser
@pytest.mark.parametrize("entry", [e for e in toc.entries(ROOT) if e != "appendix/methodology"])
def test_charts_redraw_to_their_column_on_every_resize(browser, served, entry):
    page, log = visit(browser, f"{served}/{entry}.html", width=1280)
    for width in (800, 1280):
        resize(page, width)
        boxes = page.eval_on_selector_all("div.report-chart", CHART_BOXES)
        for b in boxes:
            where = f"{entry} at {width}px: {b['id']}"
            assert b["drawn"] == "yes", f"{where} not drawn ({b['drawn']})"
            assert abs(b["drawnFor"] - b["column"]) <= 2, f"{where} drawn for {b['drawnFor']}"
            assert b["left"] >= -1 and b["right"] <= 1, f"{where} runs out of its column: {b}"
            if b["container"]:
                assert b["svg"] >= b["column"] - 4, f"{where} does not fill its column: {b}"
    assert log["errors"] == [], log["errors"]
    page.close()


#: Every table cell that is cut off: outside its scroll box without a scroll cue, outside the
#: viewport, or with content wider than itself. Also the scroll boxes and whether they cue.
TABLE_CHECK = """() => {
  const problems = [];
  const vw = document.documentElement.clientWidth;
  for (const table of document.querySelectorAll('.bd-article table')) {
    if (!table.offsetParent) continue;  // hidden (a closed <details>)
    let box = table.parentElement;
    while (box && box !== document.body) {
      const o = getComputedStyle(box).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') break;
      box = box.parentElement;
    }
    const overflowX = box && box !== document.body ? getComputedStyle(box).overflowX : 'visible';
    const scrollable = (overflowX === 'auto' || overflowX === 'scroll');
    const scrolls = scrollable && box.scrollWidth > box.clientWidth;
    const name = (table.querySelector('caption') || table).textContent.trim().slice(0, 60);
    if (scrolls) {
      const hint = box.previousElementSibling;
      const cued = box.classList.contains('report-scrolls') && hint
        && hint.classList.contains('report-scroll-hint') && hint.offsetHeight > 0;
      if (!cued) problems.push(`scrolls without a visible cue: ${name}`);
    }
    const limit = box && box !== document.body ? box.getBoundingClientRect() : {left: 0, right: vw};
    for (const cell of table.querySelectorAll('th, td')) {
      const r = cell.getBoundingClientRect();
      if (!r.width) continue;
      if (cell.scrollWidth > cell.clientWidth + 1)
        problems.push(`cell content wider than its cell: ${name}: ${cell.textContent.slice(0, 40)}`);
      if (!scrolls && (r.right > limit.right + 1 || r.left < limit.left - 1))
        problems.push(`cell clipped: ${name}: ${cell.textContent.slice(0, 40)}`);
      if (!box || box === document.body) {
        if (r.right > vw + 1) problems.push(`cell off screen: ${name}: ${cell.textContent.slice(0, 40)}`);
      }
    }
  }
  return problems;
}"""

TABLE_WIDTHS = [360, 390, 600, 800, 1024, 1280, 1600]


@pytest.mark.browser
@pytest.mark.parametrize("entry", toc.entries(ROOT))
def test_tables_fit_or_scroll_with_a_cue_and_pages_never_scroll_sideways(browser, served, entry):
    page, _ = visit(browser, f"{served}/{entry}.html", width=TABLE_WIDTHS[0])
    for width in TABLE_WIDTHS:
        resize(page, width)
        problems = page.evaluate(TABLE_CHECK)
        assert problems == [], f"{entry} at {width}px: {problems[:5]}"
        sideways = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert sideways <= 0, f"{entry} at {width}px scrolls sideways by {sideways}px"
    page.close()


@pytest.mark.browser
def test_claims_tables_fit_the_column_on_a_desktop(browser, served):
    page, _ = visit(browser, f"{served}/chapters/conclusion.html", width=1280)
    widths = page.eval_on_selector_all(
        "table.report-claims",
        "els => els.map(t => [t.getBoundingClientRect().width, t.parentElement.clientWidth])",
    )
    assert widths, "no claims table on the conclusion page"
    for table, column in widths:
        assert table <= column + 1, f"claims table {table}px in a {column}px column"
    page.close()


#: Luminance-contrast of every drawn mark, legend symbol and text of each chart against the
#: page background (grid lines and invisible shapes excepted).
DARK_CHECK = """() => {
  const lum = c => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(',').map(Number);
    if (p.length === 4 && p[3] === 0) return null;
    const [r, g, b] = p.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const bg = lum(getComputedStyle(document.body).backgroundColor);
  const ratio = l => (Math.max(l, bg) + 0.05) / (Math.min(l, bg) + 0.05);
  const bad = [];
  for (const chart of document.querySelectorAll('div.report-chart')) {
    for (const el of chart.querySelectorAll('svg path, svg text, svg line, svg rect')) {
      if (el.closest('.role-axis-grid') || el.closest('.background')) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none' || Number(style.opacity) === 0) continue;
      const r = el.getBoundingClientRect();
      if (!r.width && !r.height) continue;
      const min = el.tagName === 'text' ? 4.5 : 2;
      for (const prop of ['fill', 'stroke']) {
        const value = style[prop];
        if (!value || value === 'none') continue;
        if (prop === 'stroke' && Number(style.strokeWidth.replace('px', '')) === 0) continue;
        const l = lum(value);
        if (l === null) continue;
        if (ratio(l) < min) {
          bad.push(`${chart.id} ${el.closest('g[class]').getAttribute('class')} ${el.tagName} ${prop} ${value}`);
        }
      }
    }
  }
  return bad;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("entry", toc.entries(ROOT))
def test_dark_mode_draws_every_mark_legend_and_label_in_visible_colours(loaded_page, entry):
    page, _ = loaded_page(entry, 1280, "dark")
    bad = page.evaluate(DARK_CHECK)
    assert bad == [], f"{entry}: {len(bad)} dark-on-dark marks, e.g. {sorted(set(bad))[:6]}"


@pytest.mark.browser
def test_switching_the_theme_redraws_charts_in_its_colours(browser, served):
    page, _ = visit(browser, f"{served}/chapters/talent.html", scheme="light", width=1280)
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    page.wait_for_function(  # every chart drawn again, and drawn dark
        "() => [...document.querySelectorAll('div.report-chart')]"
        ".every(e => e.dataset.drawn === 'yes' && e.dataset.mode === 'dark')",
        timeout=30_000,
    )
    modes = page.eval_on_selector_all("div.report-chart", "els => els.map(e => e.dataset.mode)")
    assert set(modes) == {"dark"}, modes
    assert page.evaluate(DARK_CHECK) == []
    page.close()


#: Tick and legend labels of a chart that overlap another label of the same axis or legend.
OVERLAPS = """els => els.flatMap(chart => {
  const found = [];
  for (const group of chart.querySelectorAll('svg .role-axis-label, svg .role-legend-label')) {
    const boxes = [...group.querySelectorAll('text')]
      .filter(t => getComputedStyle(t).opacity !== '0' && t.getAttribute('opacity') !== '0')
      .map(t => [t.textContent, t.getBoundingClientRect()]).filter(([, r]) => r.width > 0);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [a, ra] = boxes[i], [b, rb] = boxes[j];
      const x = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const y = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (x > 0.5 && y > 0.5) found.push(`${chart.id}: "${a}" / "${b}"`);
    }
  }
  return found;
})"""


@pytest.mark.browser
@pytest.mark.parametrize("entry", [e for e in toc.entries(ROOT) if e != "appendix/methodology"])
@pytest.mark.parametrize("width", [390, 1280])
def test_axis_and_legend_labels_never_collide(loaded_page, entry, width):
    page, _ = loaded_page(entry, width)
    found = page.eval_on_selector_all("div.report-chart", OVERLAPS)
    assert found == [], f"{entry} at {width}px: {found[:6]}"


@pytest.mark.browser
def test_landing_page_answer_and_key_figures_are_above_the_fold(browser, served):
    page, _ = visit(browser, f"{served}/index.html", width=1280)
    resize(page, 1280, 800)
    bottoms = page.eval_on_selector_all(
        ".report-bottom-line, .report-home-figures li",
        "els => els.map(e => e.getBoundingClientRect().bottom)",
    )
    assert len(bottoms) >= 5 and max(bottoms) <= 800, bottoms
    page.close()
    page, _ = visit(browser, f"{served}/index.html", width=390)
    sizes = page.eval_on_selector_all(
        ".report-bottom-line, .report-home-figures li",
        "els => els.map(e => [parseFloat(getComputedStyle(e).fontSize), e.getBoundingClientRect().right])",
    )
    for size, right in sizes:
        assert size >= 13 and right <= 390, (size, right)
    page.close()


SHOTS = {"landing": "index", "chapter": "chapters/infrastructure"}


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", [(1280, 800), (390, 844)])
@pytest.mark.parametrize("shot", list(SHOTS))
def test_screenshots(browser, served, shot, size, scheme):
    """Screenshots for review: ``_build/screenshots/<page>-<width>x<height>-<scheme>.png``."""
    width, height = size
    page, _ = visit(browser, f"{served}/{SHOTS[shot]}.html", scheme=scheme, width=width)
    resize(page, width, height)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{shot}-{width}x{height}-{scheme}.png"
    page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000
    page.close()


def test_search_button_is_named_by_what_it_shows(book):
    from report.publish.sphinxext import search_button_template

    assert 'aria-label="' not in search_button_template().split(">", 1)[0]
    for entry in toc.entries(ROOT):
        for button in soup_of(book, entry).select("button.search-button-field"):
            assert not button.has_attr("aria-label"), entry
            assert "Search" in button.get_text(" ", strip=True)
