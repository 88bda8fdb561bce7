"""The book in a real headless Chromium: charts draw, nothing leaves 127.0.0.1, no console
error, no serious accessibility violation (axe-core 4.14 from npm, at 390 and 1280 px)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import CHROMIUM, HOSTILE, serve, visit

from report.build import toc

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium missing"),
]


@pytest.mark.parametrize("entry", toc.entries(ROOT))
def test_page_draws_every_chart_offline_without_errors(loaded_page, entry):
    page, log = loaded_page(entry)
    states = page.eval_on_selector_all(
        "div.report-chart",
        "els => els.map(e => [e.id, e.dataset.drawn, e.querySelectorAll('svg path, svg rect, svg line').length])",
    )
    for chart_id, state, marks in states:
        assert state == "yes", f"{chart_id} not drawn ({state})"
        assert marks > 0, f"{chart_id} drew an empty svg"
    outside = [
        u
        for u in log["requests"]
        if urlparse(u).hostname not in ("127.0.0.1",) and not u.startswith("data:")
    ]
    assert outside == [], f"requests left 127.0.0.1: {outside}"
    heavy = [u for u in log["requests"] if "fontawesome" in u or "fa-solid" in u]
    assert heavy == [], f"the 1.5 MB icon script or its font was loaded: {heavy}"
    assert page.eval_on_selector_all("i[class*='fa-']", "els => els.length") == 0, "icons not drawn"
    assert log["console"] == [], log["console"]
    assert log["errors"] == [], log["errors"]


#: Every visible text of each drawn chart (titles, axes, legends) that runs past its box.
CLIPPED_TEXT = """els => els.map(chart => {
  const box = chart.getBoundingClientRect();
  const out = [...chart.querySelectorAll('svg text')].filter(t => {
    const r = t.getBoundingClientRect();
    return r.width > 0 && getComputedStyle(t).opacity !== '0'
      && (r.right > box.right + 2 || r.left < box.left - 2);
  }).map(t => t.textContent);
  return [chart.id, out];
})"""


@pytest.mark.parametrize("entry", toc.entries(ROOT))
@pytest.mark.parametrize("width", [390, 1280])
def test_charts_fit_a_phone_and_a_desktop(loaded_page, entry, width):
    """Titles wrap, legends stack and long labels shrink: no text is cut off at either width,
    and the page never scrolls sideways."""
    page, _ = loaded_page(entry, width)
    for chart_id, clipped in page.eval_on_selector_all("div.report-chart", CLIPPED_TEXT):
        assert clipped == [], f"{entry} at {width}px: {chart_id} cuts off {clipped}"
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{entry} at {width}px scrolls sideways by {overflow}px"


def test_tooltips_show_on_hover(browser, served):
    page, _ = visit(browser, f"{served}/chapters/infrastructure.html")
    # the first bar shown (charts in tabs not open are drawn but hidden)
    mark = page.locator("div.report-chart svg .mark-rect path >> visible=true").first
    mark.scroll_into_view_if_needed()
    box = mark.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#vg-tooltip-element.visible", timeout=5_000)
    assert page.inner_text("#vg-tooltip-element").strip()
    page.close()


#: axe-core from npm, pinned in tests/axe/package-lock.json (``make test`` runs ``npm ci``).
AXE = ROOT / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14"


def inject_axe(page) -> None:
    """Inject the pinned axe-core into ``page``, once."""
    if not page.evaluate("typeof axe === 'object'"):
        page.add_script_tag(path=str(AXE))


def run_axe(page) -> dict:
    """Inject the pinned axe-core (once per page) and run it on the whole page."""
    inject_axe(page)
    return page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")


def test_axe_core_is_the_pinned_current_version(browser, served):
    import json

    lock = json.loads((ROOT / "tests/axe/package-lock.json").read_text(encoding="utf-8"))
    pinned = lock["packages"]["node_modules/axe-core"]["version"]
    assert pinned.startswith(AXE_VERSION + "."), pinned
    assert AXE.is_file(), "axe-core missing: run `npm ci --prefix tests/axe` (make test does)"
    page, _ = visit(browser, f"{served}/index.html")
    inject_axe(page)
    assert page.evaluate("axe.version") == pinned
    page.close()


@pytest.mark.parametrize("entry", toc.entries(ROOT))
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_no_serious_accessibility_violations(loaded_page, entry, scheme, width):
    page, _ = loaded_page(entry, width, scheme)
    results = run_axe(page)
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    details = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in serious]
    assert serious == [], details


@pytest.fixture(scope="module")
def hostile(altered_edition):
    """The altered edition (conftest: data whose text fields try to inject markup and script),
    served from 127.0.0.1; yields the base URL."""
    with serve(altered_edition / "_build" / "html") as url:
        yield url


# the tests that read the altered edition share one worker (see the Makefile: --dist loadgroup)
@pytest.mark.xdist_group("altered-edition")
@pytest.mark.parametrize("entry", ["chapters/labs", "appendix/sources"])
def test_text_from_the_data_is_shown_as_text_and_never_runs(browser, hostile, entry):
    page, log = visit(browser, f"{hostile}/{entry}.html")
    page.wait_for_timeout(500)
    assert log["dialogs"] == [], f"script from the data ran: {log['dialogs']}"
    # folded parts (sources, disagreements) are text too: open them, as a reader would
    page.evaluate("document.querySelectorAll('main details').forEach(d => { d.open = true; })")
    assert HOSTILE in page.inner_text("main")
    assert page.locator("img[src='x']").count() == 0
    if entry == "chapters/labs":
        # the event title reaches the timeline's data intact (shown in its tooltip), as text
        timeline = page.eval_on_selector_all(
            "script[type='application/json'][id^='chart-lab-timeline']",
            "els => els.map(s => s.textContent).join(' ')",
        )
        assert timeline and "onerror" in timeline
    page.close()


def test_one_charts_takeaway_links_fetch_each_file(browser, served):
    """At 1280 px: the links under a chart's caption are reachable by keyboard, named for the
    chart, and each one downloads its file; "Cite" opens a citation with the chart's address."""
    import csv
    import io
    import json

    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(f"{served}/chapters/infrastructure.html", wait_until="load")
    figure = page.locator("figure.report-figure").first
    title = json.loads(figure.locator("script[type='application/json']").text_content())["title"]
    title = title["text"] if isinstance(title, dict) else title
    links = figure.locator(".report-takeaway a[download]")
    assert links.count() == 4
    got = {}
    for i in range(4):
        link = links.nth(i)
        assert link.evaluate("a => a.tabIndex") == 0  # in the keyboard order
        name = link.get_attribute("aria-label")
        assert link.inner_text() in name and title in name
        link.focus()
        with page.expect_download() as info:
            page.keyboard.press("Enter")
        path = info.value.path()
        got[info.value.suggested_filename.rsplit(".", 1)[1]] = Path(path).read_bytes()
    assert set(got) == {"csv", "json", "svg", "png"}
    rows = list(csv.DictReader(io.StringIO(got["csv"].decode("utf-8"))))
    assert rows and all(r["source_grade"] for r in rows)
    assert json.loads(got["json"])["title"] == title
    assert got["svg"].lstrip().startswith(b"<svg") and got["png"][:4] == b"\x89PNG"
    summary = figure.locator("details.report-cite summary")
    summary.focus()
    page.keyboard.press("Enter")
    cite = figure.locator(".report-cite-text").inner_text()
    anchor = figure.get_attribute("id")
    assert title in cite and f"{served}/chapters/infrastructure.html#{anchor}" in cite
    assert figure.locator("button.report-cite-copy").is_visible()
    page.close()
