"""The chart renderer, theme, captions, the Vega bundle; number formatting; claims."""

from __future__ import annotations

import html
import json
import re

import altair as alt
import pandas as pd
import pytest
import vl_convert
from bs4 import BeautifulSoup

from report import data
from report.appendix import claims
from report.publish import sphinxext
from report.show import charts, figures, marks, theme

SOURCES = pd.DataFrame(
    {
        "source_id": ["a", "b"],
        "publisher": ["Pub <A>", "Pub B"],
        "url": ["https://example.org/a?x=1&y=2", "https://example.org/b"],
        "published": pd.to_datetime(["2025-04-30", None]),
    }
)


def chart(frame=None, title="T", description="D"):
    frame = frame if frame is not None else pd.DataFrame({"x": [1, 2], "source_id": ["a", "a"]})
    return (
        alt.Chart(frame)
        .mark_point()
        .encode(x="x:Q", tooltip=["x:Q"])
        .properties(title=title, description=description)
    )


def test_renderer_output_is_offline_escaped_and_deterministic():
    charts.enable()
    frame = pd.DataFrame(
        {"x": [1], "label": ["</script><script>alert(1)</script>"], "source_id": ["a"]}
    )
    c = charts.figure(
        chart(frame, title="<b>T</b>"), label="My chart", drawn=frame, sources=SOURCES
    )
    first = c._repr_mimebundle_()
    second = c._repr_mimebundle_()
    assert first == second
    page = first["text/html"]
    assert "cdn" not in page and "jsdelivr" not in page and "altair-viz" not in page
    assert "</script><script>alert" not in page
    assert page.count("<script") == 1 and 'type="application/json"' in page
    spec_json = re.search(r'<script type="application/json"[^>]*>(.*)</script>', page).group(1)
    spec = json.loads(spec_json)
    assert spec["title"] == "<b>T</b>"  # data kept intact, only escaped for HTML
    assert charts.VEGALITE_MIME in first and first["text/plain"] == "<Chart: <b>T</b>>"
    assert 'id="fig-my-chart"' in page


def test_caption_lists_exactly_the_sources_of_the_rows_drawn():
    frame = pd.DataFrame({"x": [1, 2, 3], "source_id": ["b", "a;b", None]})
    c = charts.figure(chart(frame), label="l", drawn=frame, sources=SOURCES, tables=["t"])
    meta = c.to_dict()["usermeta"]["report"]
    assert [s["id"] for s in meta["sources"]] == ["b", "a"]
    assert meta["sources"][1]["label"] == "Pub <A>, 30 Apr 2025"
    html_out = charts.render(c.to_dict())["text/html"]
    assert html.escape("https://example.org/a?x=1&y=2", quote=True) in html_out
    assert "Pub &lt;A&gt;" in html_out and "Data: t.csv." in html_out


def test_caption_refuses_unknown_sources_and_unlabelled_charts():
    frame = pd.DataFrame({"x": [1], "source_id": ["zzz"]})
    with pytest.raises(KeyError, match="zzz"):
        charts.figure(chart(frame), label="l", drawn=frame, sources=SOURCES)
    with pytest.raises(KeyError, match="no source_id column"):
        charts.figure(chart(), label="l", drawn=pd.DataFrame({"x": [1]}), sources=SOURCES)
    bare = alt.Chart(pd.DataFrame({"x": [1]})).mark_point()
    with pytest.raises(ValueError, match="title and a description"):
        charts.figure(bare, label="l", drawn=pd.DataFrame({"source_id": ["a"]}), sources=SOURCES)


def test_nan_never_reaches_the_json():
    spec = {"data": {"values": [{"x": float("nan")}]}, "description": "d"}
    page = charts.render(spec)["text/html"]
    assert "NaN" not in page and '"x":null' in page


def test_theme_is_colour_blind_safe_and_registered():
    charts.enable()
    assert alt.theme.active == theme.THEME_NAME
    config = theme.theme()["config"]
    assert config["range"]["category"][:3] == ["#0072B2", "#E69F00", "#009E73"]
    assert alt.renderers.active == charts.RENDERER_NAME


def test_has_tooltip_walks_layers():
    layered = chart() + alt.Chart(pd.DataFrame({"x": [1]})).mark_rule().encode(x="x:Q")
    assert charts.has_tooltip(layered.to_dict())
    assert not charts.has_tooltip(
        alt.Chart(pd.DataFrame({"x": [1]})).mark_rule().encode(x="x:Q").to_dict()
    )


def test_bundle_matches_the_vega_lite_altair_targets():
    minor = sphinxext.vegalite_minor()
    assert alt.SCHEMA_VERSION.startswith(f"v{minor}")
    assert minor in vl_convert.get_vegalite_versions()
    text = sphinxext.bundle_text()
    assert text.lstrip().startswith("/*") and "(function () {" in text
    assert "window.vegaEmbed" in text
    assert not re.search(r"cdn\.|jsdelivr|unpkg", text)


@pytest.mark.parametrize(
    "value, expected",
    [
        (72.22, "$72.2 billion"),
        (115, "$115 billion"),
        (1234.5, "$1.23 trillion"),
        (None, "n/a"),
    ],
)
def test_usd_bn(value, expected):
    assert figures.usd_bn(value) == expected


def test_other_formats():
    assert figures.usd_range_bn(115, 135) == "$115–135 billion"
    assert figures.usd_range_bn(70, 70) == "$70 billion"
    assert figures.usd_m(250) == "$250 million" and figures.usd_m(1500) == "$1.5 billion"
    assert figures.pct(0.256) == "26%" and figures.multiple(2.58) == "2.6×"
    assert figures.date(pd.Timestamp("2026-01-28")) == "28 January 2026"
    assert figures.date(pd.Timestamp("2026-01-01"), "month") == "January 2026"
    assert figures.date(pd.Timestamp("2026-04-01"), "quarter") == "Q2 2026"
    assert figures.short_date(pd.Timestamp("2025-04-05")) == "5 Apr 2025"
    assert (
        figures.ordinal(4) == "fourth"
        and figures.ordinal(13) == "13th"
        and figures.ordinal(22) == "22nd"
    )
    assert figures.months_between("2025-06-30", "2026-04-08") == pytest.approx(282 / 30.4375)


def test_counts_and_lists_in_words():
    assert figures.cardinal(0) == "no" and figures.cardinal(3) == "three"
    assert figures.cardinal(1234) == "1,234"
    assert figures.counted(1, "hiring freeze", "hiring freezes") == "one hiring freeze"
    assert figures.counted(0, "round") == "no rounds" and figures.counted(13, "role") == "13 roles"
    assert figures.and_list(["a", "b", "c"]) == "a, b and c"
    assert figures.and_list(["a"]) == "a" and figures.and_list([]) == ""
    assert figures.and_list(["a", "b"], "or") == "a or b"


def test_key_figures_block_escapes_text():
    block = figures.key_figures_html([figures.KeyFigure("k", "<label>", "<v>", "<d>")])
    assert "<label>" not in block and "&lt;v&gt;" in block and 'aria-label="Key figures"' in block
    assert "report-kf-asof" not in block  # no date given, no "as of" line


def test_key_figure_as_of_reads_the_date_at_its_precision():
    def card(**kw):
        return figures.key_figures_html([figures.KeyFigure("k", "label", "1", **kw)])

    assert "as of 30 June 2026<" in card(as_of=pd.Timestamp("2026-06-30"))
    assert "as of Q2 2026<" in card(as_of="2026-06-30", as_of_precision="quarter")
    assert "as of July 2025<" in card(as_of="2025-07-01", as_of_precision="month")
    assert "as of fiscal 2025 &amp; 2026<" in card(as_of="fiscal 2025 & 2026")
    assert figures.KeyFigure("k", "l", "1", as_of=float("nan")).as_of_text == ""


def test_every_claim_has_a_verdict_a_source_and_an_existing_chapter():
    from report.build import toc

    table = claims.with_sources(data.load("claims"), data.load("claim_sources"))
    assert set(table["verdict"]) <= set(claims.VERDICTS)
    assert table["source_id"].str.len().gt(0).all()
    notebooks = toc.notebooks()
    assert set(table["chapter"]) <= set(notebooks)
    assert table["order"].is_unique


def test_verdict_counts_include_every_verdict():
    table = pd.DataFrame({"verdict": ["supported", "supported", "outdated"]})
    counts = claims.verdict_counts(table).set_index("verdict")["claims"]
    assert counts.to_dict() == {
        "supported": 2,
        "partly supported": 0,
        "outdated": 1,
        "unsupported": 0,
        "not verifiable": 0,
    }


def test_claims_without_sources_are_refused():
    table = pd.DataFrame({"claim_id": ["a", "b"], "order": [1, 2]})
    with pytest.raises(ValueError, match="claims without a source: b"):
        claims.with_sources(table, pd.DataFrame({"claim_id": ["a"], "source_id": ["s"]}))


def test_unused_columns_are_pruned_from_the_embedded_data():
    frame = pd.DataFrame(
        {
            "x": [1, 2],
            "y": [3, 4],
            "secret_note": ["a" * 500, "b"],
            "calc_input": [5, 6],
            "source_id": ["a", "a"],
        }
    )
    chart = (
        alt.Chart(frame)
        .mark_point()
        .transform_calculate(z="datum.calc_input * 2")
        .encode(x="x:Q", y="z:Q", tooltip=["y:Q"])
        .properties(title="t", description="d")
    )
    page = charts.render(chart.to_dict())["text/html"]
    spec = json.loads(
        re.search(r'<script type="application/json"[^>]*>(.*)</script>', page).group(1)
    )
    rows = next(iter(spec["datasets"].values()))
    # source_id stays: the chart's take-away CSV gives each row's source
    assert set(rows[0]) == {"x", "y", "calc_input", "source_id"}
    assert "secret_note" not in page


def test_event_marks_aggregate_beyond_the_limit():
    rows = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-01-05", "2025-01-20", "2025-02-01"]),
            "type": ["a", "a", "b"],
            "title": ["one", "two", "three"],
            "source_id": ["s1", "s2", "s1"],
        }
    )
    small = marks.event_marks(rows, "date", "type", "title", max_marks=5)
    assert len(small) == 3 and not small["aggregated"].any() and small["count"].eq(1).all()
    big = marks.event_marks(rows, "date", "type", "title", max_marks=2)
    assert big["count"].tolist() == [2, 1]
    assert big["what"].iloc[0] == "one; two" and big["source_id"].iloc[0] == "s1;s2"
    assert big["date"].iloc[0] == pd.Timestamp("2025-01-01")


def test_top_rows_keeps_the_largest_and_says_so():
    frame = pd.DataFrame({"v": [3, 1, 2]})
    kept, note = marks.top_rows(frame, "v", 2)
    assert kept["v"].tolist() == [3, 2] and note == "Showing the 2 largest of 3 by v."
    assert (
        marks.top_rows(frame, "v", 5) == (frame, None) or marks.top_rows(frame, "v", 5)[1] is None
    )


def test_long_tables_are_capped_with_a_count():
    from report.show.tables import table_html

    page = table_html(pd.DataFrame({"a": range(10)}), {"a": "A"}, caption="Cap", max_rows=3)
    assert page.count("<tr>") == 4  # header + 3 rows
    assert "First 3 of 10 rows" in page and 'tabindex="0"' in page


def test_disagreements_of_several_tables_show_only_those_that_differ():
    from report.show.tables import NO_DISAGREEMENT, disagreements_tables_html

    sources = pd.DataFrame(
        {
            "source_id": ["a", "b"],
            "publisher": ["Alpha", "Beta"],
            "url": ["https://a.example/x", "https://b.example/y"],
            "kind": ["news", "analyst"],
            "published": [None, None],
        }
    )
    agree = pd.DataFrame({"metric": ["m", "m"], "value": [1.0, 1.0], "source_id": ["a", "b"]})
    differ = pd.DataFrame(
        {
            "model": ["G", "G"],
            "date": pd.to_datetime(["2026-08-10", "2026-08-01"]),
            "size": [29.6, 29.8],
            "source_id": ["a", "b"],
        }
    )
    out = disagreements_tables_html(
        [
            (agree, ["metric"], "value", {"metric": "Metric", "value": "Value"}),
            (differ, ["model"], "size", {"model": "Model", "date": "Date", "size": "Size"}),
        ],
        sources,
    )
    soup = BeautifulSoup(out, "html.parser")
    assert len(soup.find_all("table")) == 1 and NO_DISAGREEMENT not in out
    cells = [td.get_text(" ", strip=True) for td in soup.find_all("td")]
    assert "29.6" in cells and "29.8" in cells and "Alpha" in cells and "Beta" in cells
    assert "10 Aug 2026" in cells and not any("00:00" in c for c in cells)  # dates read as dates
    none = disagreements_tables_html([(agree, ["metric"], "value", {"metric": "Metric"})], sources)
    assert none == NO_DISAGREEMENT


def test_every_claim_has_two_verdicts_and_the_table_shows_both():
    from report import data as d

    table = claims.with_sources(d.load("claims"), d.load("claim_sources"))
    assert table["verdict_then"].notna().all() and table["evidence_then"].str.strip().ne("").all()
    assert "outdated" not in set(table["verdict_then"]), "outdated only applies now"
    # outdated now means it held then
    outdated = table[table["verdict"] == "outdated"]
    assert outdated["verdict_then"].isin(["supported", "partly supported"]).all()
    sources = d.load("sources")
    html_table = claims.claims_table_html(table, sources)
    soup = BeautifulSoup(html_table, "html.parser")
    heads = [th.get_text(" ", strip=True) for th in soup.find_all("th")]
    assert heads[1].startswith("When written") and heads[2] == "Now (this edition)"
    first = table.iloc[0]
    assert f"{first['verdict_then']} then · {first['verdict']} now" in soup.get_text(" ")
    then_counts = claims.verdict_counts(table, "then").set_index("verdict")["claims"]
    assert then_counts.sum() == len(table)
    with pytest.raises(ValueError):
        claims.verdict_counts(table, "later")


def test_one_formatter_rounds_half_to_even_on_the_written_number():
    assert figures.fixed(111.45, 1) == "111.4" and figures.fixed(111.55, 1) == "111.6"
    assert (
        figures.usd_bn(111.45) == "$111.4 billion" and figures.usd_bn(0.125, 2) == "$0.12 billion"
    )
    assert figures.pct(0.125) == "12%" and figures.multiple(1.605, 2) == "1.60×"
    assert figures.number(1234567.5) == "1,234,568"
    with pytest.raises(ValueError, match="non-finite"):
        figures.fixed(float("inf"), 1)


def test_as_of_is_the_newest_dated_row_at_its_precision():
    rows = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-06-13", "2025-08-01", None, "2025-08-01"]),
            "date_precision": ["day", "day", None, "month"],
        }
    )
    # Two rows share the newest date: the coarser precision wins (the card must not claim a day).
    assert figures.as_of(rows) == {"as_of": pd.Timestamp("2025-08-01"), "as_of_precision": "month"}
    assert figures.as_of(rows.iloc[:1]) == {
        "as_of": pd.Timestamp("2025-06-13"),
        "as_of_precision": "day",
    }
    undated = pd.DataFrame({"when": [pd.NaT]})
    assert figures.as_of(undated, "when", None)["as_of"] is None
    with pytest.raises(KeyError):
        figures.as_of(undated, "when")  # no date_precision column and none waived
    card = figures.KeyFigure("k", "l", "1", **figures.as_of(rows))
    assert card.as_of_text == "August 2025"
    assert figures.KeyFigure("k", "l", "1", **figures.year_as_of(2025)).as_of_text == "2025"
    newest = figures.newest_as_of(figures.as_of(rows.iloc[:1]), figures.year_as_of(2024))
    assert newest["as_of"] == pd.Timestamp("2025-06-13")
    assert figures.newest_as_of({"as_of": None})["as_of"] is None


def test_vague_dates_are_spans_and_never_sit_on_the_first():
    rows = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-08-01", "2025-01-01", "2025-04-01", "2025-06-13", None]),
            "date_precision": ["month", "year", "quarter", "day", None],
        }
    )
    out = marks.with_date_spans(rows)
    assert list(out.when_from) == list(
        pd.to_datetime(["2025-08-01", "2025-01-01", "2025-04-01", "2025-06-13", None])
    )
    assert list(out.when_to[:4]) == list(
        pd.to_datetime(["2025-08-31", "2025-12-31", "2025-06-30", "2025-06-13"])
    )
    assert all(d.day != 1 for d in out.when_at[:3])
    assert out.when_at[3] == pd.Timestamp("2025-06-13")  # an exact day stays where it is
    assert list(out.date_known[:4]) == ["month only", "year only", "quarter only", "exact day"]
    assert list(out.when_text[:4]) == ["August 2025", "2025", "Q2 2025", "13 June 2025"]
    assert pd.isna(out.date_known[4]) and out.when_text[4] == "undated"
    # A year-only deal no longer sits before a June deal of the same year.
    assert out.when_at[1] > pd.Timestamp("2025-06-13")
    with pytest.raises(ValueError, match="precision"):
        marks.with_date_spans(
            pd.DataFrame({"date": [pd.Timestamp("2025-01-01")], "date_precision": ["week"]})
        )
    spec = marks.date_spans(out, "Date", alt.value(1)).to_dict()
    assert (
        spec["encoding"]["x"]["field"] == "when_from"
        and spec["encoding"]["x2"]["field"] == "when_to"
    )
    drawn = next(iter(spec["datasets"].values()))
    assert len(drawn) == 3  # only the vague rows get a span


def test_growth_words_never_read_grows_minus():
    assert figures.growth_words(0.1) == "grows 10%"
    assert figures.growth_words(-0.15) == "shrinks 15%"
    assert figures.growth_words(0.004) == "stays flat"
    assert figures.growth_words(0.125, 1) == "grows 12.5%"


def test_a_source_that_is_not_a_web_page_shows_its_locator_not_a_dead_link():
    from report.show.tables import link

    web = link("https://example.org/a?x=1&y=2", "A <page>")
    assert web == '<a href="https://example.org/a?x=1&amp;y=2">A &lt;page&gt;</a>'
    locator = "github:owner/repo@0123456789abcdef0123456789abcdef01234567:data/x.json"
    shown = link(locator, "A file")
    assert "<a " not in shown and f"<code>{locator}</code>" in shown


def test_a_date_with_a_time_unit_is_restated_so_the_mark_label_reads_a_date():
    """#30 case 8: a month tooltip gives the marks a description, not Vega-Lite's epoch default."""
    month = {"field": "m", "type": "temporal", "timeUnit": "yearmonth", "format": "%B %Y"}
    spec = charts.state_missing({"mark": "bar", "encoding": {"tooltip": [dict(month)]}})
    assert "description" in spec["encoding"]
    assert 'timeFormat(toDate(datum["m"]), "%B %Y")' in spec["transform"][0]["calculate"]
    # a format that shows a unit the time unit drops (the day) cannot be restated from the raw
    # field: left to Vega-Lite, and no description is made from an incomplete tooltip
    daily = {**month, "format": "%d %B %Y"}
    spec = charts.state_missing({"mark": "bar", "encoding": {"tooltip": [daily]}})
    assert "description" not in spec["encoding"] and spec["encoding"]["tooltip"] == [daily]
