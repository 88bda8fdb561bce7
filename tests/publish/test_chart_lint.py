"""Chart lint on every chart of the built book, and proof that each check can fail."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from test_html import ROOT, chart_specs

from report.build import toc
from report.show import lint


def _all_specs(book):
    for entry in toc.entries(ROOT):
        soup = BeautifulSoup((book / f"{entry}.html").read_text(encoding="utf-8"), "html.parser")
        for div, spec in chart_specs(soup):
            yield entry, div.get("id"), spec


def test_every_chart_of_the_book_passes_the_lint(book):
    problems, seen = [], 0
    for entry, chart_id, spec in _all_specs(book):
        seen += 1
        problems += [f"{entry}:{chart_id}: {p}" for p in lint.lint(spec)]
    assert seen >= 30
    assert problems == []


def _point(**enc):
    return {
        "mark": {"type": "point"},
        "encoding": {"x": {"field": "a", "type": "quantitative"}, **enc},
    }


def test_a_hollow_mark_without_outline_is_caught():
    talks = _point(
        fill={"field": "k", "type": "nominal"},
        fillOpacity={"condition": {"test": "datum.s == 't'", "value": 0}, "value": 0.75},
    )
    talks["config"] = {"point": {"filled": True}}  # the book's theme fills points
    assert lint.invisible_marks(talks)
    talks["encoding"]["stroke"] = {"field": "k", "type": "nominal"}
    assert lint.invisible_marks(talks) == []


def test_colour_and_fill_on_different_scales_are_caught():
    spec = _point(
        color={"field": "k", "type": "nominal", "scale": {"domain": ["a", "b"]}},
        fill={"field": "k", "type": "nominal", "legend": None},
    )
    assert lint.mismatched_legends(spec)
    spec["encoding"]["fill"]["scale"] = {"domain": ["a", "b"]}
    assert lint.mismatched_legends(spec), "implicit ranges differ per channel"
    for name in ("color", "fill"):
        spec["encoding"][name]["scale"] = {"domain": ["a", "b"], "range": ["#000", "#111"]}
    assert lint.mismatched_legends(spec) == []


def test_raw_codes_and_epoch_dates_are_caught():
    spec = _point(
        color={"field": "status", "type": "nominal"}, tooltip=[{"field": "d", "type": "temporal"}]
    )
    spec["data"] = {"name": "x"}
    spec["datasets"] = {"x": [{"status": "in_service", "source_id": "a-b_c"}]}
    assert lint.raw_codes(spec) == ["raw code 'in_service' shown for 'status'"]
    assert lint.unformatted_dates(spec)
    spec["encoding"]["tooltip"][0]["format"] = "%b %Y"
    assert lint.unformatted_dates(spec) == []


@pytest.mark.parametrize("height,bad", [(700, False), (800, True), (1557, True)])
def test_a_chart_taller_than_a_screen_is_caught(height, bad):
    """The whole drawn chart counts: an 800 px plot with its axis is more than a screen."""
    assert bool(lint.too_tall({"height": height})) is bad


def test_a_step_per_band_and_offset_counts_towards_the_height():
    """What made 'Gigawatts stated' 1,557 px: a step for every band times every offset."""
    rows = [{"family": f"f{i % 8}", "label": f"l{i}", "value": i} for i in range(40)]
    spec = {
        "height": {"step": 14},
        "data": {"name": "d"},
        "datasets": {"d": rows},
        "mark": "bar",
        "encoding": {
            "y": {"field": "family", "type": "nominal"},
            "yOffset": {"field": "label", "type": "nominal"},
            "x": {"field": "value", "type": "quantitative"},
        },
    }
    assert lint.drawn_height(spec) > 8 * 40 * 14 and lint.too_tall(spec)
    del spec["encoding"]["yOffset"]
    spec["height"] = {"step": 30}
    assert lint.drawn_height(spec) < 400 and not lint.too_tall(spec)
    spec["title"] = {"text": "T", "subtitle": "S"}
    spec["encoding"]["color"] = {"field": "label", "type": "nominal"}  # 40 entries, 3 a row
    assert lint.drawn_height(spec) >= 8 * 30 + 44 + 20 + 16 + 22 + 14 * 18


def test_the_specs_are_json_round_trippable(book):
    """The lint reads exactly what the browser gets (the spec embedded as JSON)."""
    entry, chart_id, spec = next(_all_specs(book))
    assert json.loads(json.dumps(spec)) == spec


def test_an_ordinal_month_without_a_mark_description_is_caught():
    """vega/vega-lite#6398: Vega-Lite reads an ordinal time unit out as milliseconds."""
    spec = _point(x={"field": "m", "type": "ordinal", "timeUnit": "yearmonth"})
    assert "epoch number" in lint.unformatted_dates(spec)[0]
    spec["encoding"]["description"] = {"field": "label", "type": "nominal"}
    assert lint.unformatted_dates(spec) == []
