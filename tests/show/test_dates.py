"""Vague dates on charts: every chart function, with the real data, draws a month-, quarter- or
year-only date as approximate (mid-period, date_known encoding, a span), never on the 1st."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from report import data
from report.chapters import acquisition as acq
from report.chapters import infrastructure as infra
from report.chapters import labs, talent
from report.chapters import open_source as oss

POINTS = {"point", "circle", "square"}


def _point_views(spec: dict):
    stack = [spec]
    while stack:
        node = stack.pop()
        for key in ("layer", "vconcat", "hconcat", "concat"):
            stack.extend(node.get(key, []))
        mark = node.get("mark")
        kind = mark if isinstance(mark, str) else (mark or {}).get("type")
        if kind in POINTS or (kind == "line" and isinstance(mark, dict) and mark.get("point")):
            x = node.get("encoding", {}).get("x", {})
            if x.get("type") == "temporal":
                yield node


def vague_points_on_the_first(spec: dict) -> list[str]:
    """Problems: point views whose rows include vague dates but no date_known encoding, or a
    vague date placed on day 1 without it."""
    problems = []
    for view in _point_views(spec):
        rows = spec["datasets"][view["data"]["name"]] if "data" in view else []
        field = view["encoding"]["x"]["field"]
        approximate = any(
            (view["encoding"].get(ch) or {}).get("field") == "date_known"
            for ch in ("opacity", "shape")
        )
        for row in rows:
            precision = row.get("date_precision")
            known = row.get("date_known")
            vague = precision in {"month", "quarter", "year"} or known not in (None, "exact day")
            if not vague or not row.get(field):
                continue
            if known is None:
                problems.append(f"vague date without date_known: {row}")
            elif pd.Timestamp(row[field]).day == 1 and not approximate:
                problems.append(f"vague date on the 1st: {row}")
    return problems


@pytest.fixture(scope="module")
def sources():
    return data.load("sources")


def charts(sources) -> dict[str, tuple[alt.TopLevelMixin, pd.DataFrame]]:
    edition = pd.Timestamp("2026-11-29")
    events = labs.one_per_event(data.load("lab_events"), sources)
    releases = oss.one_per_model(data.load("model_releases"), sources)
    deals = acq.completed_deals(data.load("comparable_deals"), sources)
    series = oss.adoption_series(
        data.load("adoption"), ["Llama cumulative downloads", "Meta AI monthly users"], sources
    )
    snapshots = oss.one_per_snapshot(oss.frontier_snapshots(data.load("model_scores")), sources)
    rows = {
        "lab timeline": (labs.timeline_chart, events),
        "comparable deals": (acq.comparables_chart, deals),
        "aftermath": (acq.aftermath_chart, data.load("aftermath")),
        "release timeline": (lambda r: oss.timeline_chart(r, edition), releases),
        "model sizes": (oss.sizes_chart, releases),
        "adoption": (oss.adoption_chart, series),
        "statements": (oss.stances_chart, data.load("openness_statements")),
        "departures": (talent.departures_chart, data.load("departures")),
        "financing deals": (infra.deals_chart, data.load("financing_deals")),
        "frontier gap": (lambda s: oss.gap_chart(s, edition), snapshots),
    }
    return {name: (build(frame), frame) for name, (build, frame) in rows.items()}


def test_every_chart_of_vague_dates_draws_them_as_approximate(sources):
    built = charts(sources)
    with_vague = 0
    for name, (chart, frame) in built.items():
        spec = chart.to_dict()
        assert vague_points_on_the_first(spec) == [], name
        if frame["date_precision"].isin(["month", "quarter", "year"]).any():
            with_vague += 1
            views = list(_point_views(spec))
            assert views, name
            rows = [r for v in views for r in spec["datasets"][v["data"]["name"]]]
            assert any(r.get("date_known") not in (None, "exact day") for r in rows), name
    assert with_vague >= 9  # the data do hold month- and year-only dates in these tables


def test_the_check_catches_a_month_only_date_drawn_on_the_first():
    rows = pd.DataFrame(
        {"date": pd.to_datetime(["2025-08-01"]), "date_precision": ["month"], "v": [1]}
    )
    bad = alt.Chart(rows).mark_point().encode(x="date:T", y="v:Q").to_dict()
    assert vague_points_on_the_first(bad)


def test_the_year_only_google_cloud_deal_no_longer_precedes_the_scale_deal(sources):
    deals = data.load("financing_deals")
    google = deals[deals.counterparty == "Google Cloud"]
    assert set(google.date_precision) >= {"year", "day"}  # two sources, one dated to the year
    scale_announced = pd.Timestamp("2025-06-12")

    def drawn(frame):
        spec = infra.deals_chart(frame).to_dict()
        rows = [r for v in _point_views(spec) for r in spec["datasets"][v["data"]["name"]]]
        return spec, [r for r in rows if r["counterparty"] == "Google Cloud"]

    # both rows: the deal is drawn once, at the day a source dates it, after the Scale deal
    _, both = drawn(deals)
    assert len(both) == 1 and both[0]["date_known"] == "exact day"
    assert pd.Timestamp(both[0]["when_at"]) > scale_announced
    # the year-only row alone: mid-2025 over a bar spanning the year, never on 1 January
    spec, alone = drawn(google[google.date_precision == "year"])
    assert alone and all(pd.Timestamp(r["when_at"]) > scale_announced for r in alone)
    assert all(r["when_text"] == "2025" for r in alone)
    spans = [
        r
        for d in spec["datasets"].values()
        for r in d
        if r.get("date_known") == "year only" and "when_to" in r
    ]
    assert any(
        r["when_from"].startswith("2025-01-01") and r["when_to"].startswith("2025-12-31")
        for r in spans
    )
