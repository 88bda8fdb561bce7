"""The book in a real headless Chromium: charts draw, nothing leaves 127.0.0.1, no console
error, no serious accessibility violation."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from report import toc

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium missing"),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def visit(browser, url: str, scheme: str = "light"):
    page = browser.new_page(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    log = {"console": [], "requests": [], "errors": [], "dialogs": []}
    page.on("console", lambda m: m.type == "error" and log["console"].append(m.text))
    page.on("pageerror", lambda e: log["errors"].append(str(e)))
    page.on("request", lambda r: log["requests"].append(r.url))
    page.on("dialog", lambda d: (log["dialogs"].append(d.message), d.dismiss()))
    page.goto(url, wait_until="load")
    page.wait_for_function(
        "() => [...document.querySelectorAll('div.report-chart')]"
        ".every(e => e.dataset.drawn === 'yes' || e.dataset.drawn === 'error')",
        timeout=20_000,
    )
    return page, log


@pytest.mark.parametrize("entry", toc.entries(ROOT))
def test_page_draws_every_chart_offline_without_errors(browser, served, entry):
    page, log = visit(browser, f"{served}/{entry}.html")
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
    assert log["console"] == [], log["console"]
    assert log["errors"] == [], log["errors"]
    page.close()


def test_tooltips_show_on_hover(browser, served):
    page, _ = visit(browser, f"{served}/chapters/infrastructure.html")
    mark = page.locator("div.report-chart svg .mark-rect path").first
    mark.scroll_into_view_if_needed()
    box = mark.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#vg-tooltip-element.visible", timeout=5_000)
    assert page.inner_text("#vg-tooltip-element").strip()
    page.close()


@pytest.mark.parametrize("entry", toc.entries(ROOT))
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(browser, served, entry, scheme):
    from axe_playwright_python.sync_playwright import Axe

    page, _ = visit(browser, f"{served}/{entry}.html", scheme)
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    details = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in serious]
    assert serious == [], details
    page.close()
