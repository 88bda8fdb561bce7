"""Take it with you: every chart's CSV, JSON sidecar, SVG/PNG renders and citation."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from report import data
from report.build import params, toc
from report.publish import takeaway
from report.show import charts, marks

ROOT = Path(__file__).resolve().parents[2]

SOURCES = pd.DataFrame(
    {
        "source_id": ["a", "b"],
        "url": ["https://example.org/a", "https://example.org/b"],
        "kind": ["filing", "news"],
        "seen": ["direct", "secondhand"],
        "publisher": ["SEC", "Paper"],
        "title": ["A", "B"],
        "published": [pd.Timestamp("2025-01-02"), pd.NaT],
    }
)


def rendered(chart: alt.TopLevelMixin) -> dict:
    """The spec as the report's renderer stores it in a notebook."""
    charts.enable()
    return chart._repr_mimebundle_()[charts.VEGALITE_MIME]


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2023, 2024, 2025, 2026],
            "usd_bn": [1.0, 2.0, 3.5, 4.0],
            "status": ["actual", "actual", "actual", "guidance"],
            "source_id": ["a", "a;b", "b", "a"],
        }
    )


def test_the_csv_holds_exactly_the_rows_drawn_after_the_charts_own_filters():
    base = alt.Chart(frame()).encode(x="year:O", y=alt.Y("usd_bn:Q", title="Capex (USD bn)"))
    chart = alt.layer(
        base.mark_bar().transform_filter(alt.datum.status == "actual"),
        base.mark_point().transform_filter(alt.FieldOneOfPredicate(field="year", oneOf=[2026])),
        marks.level_rule(3.0, "threshold"),
    ).properties(title="T", description="D")
    spec = rendered(charts.figure(chart, label="x", drawn=frame(), sources=SOURCES))
    # Altair writes the datum comparison as an expression string: not evaluable, so refused.
    with pytest.raises(takeaway.TakeawayError, match="filter"):
        takeaway.csv_rows(spec, SOURCES)
    chart = alt.layer(
        base.mark_bar().transform_filter(alt.FieldEqualPredicate(field="status", equal="actual")),
        base.mark_point().transform_filter(alt.FieldOneOfPredicate(field="year", oneOf=[2026])),
        marks.level_rule(3.0, "threshold"),
    ).properties(title="T", description="D")
    spec = rendered(charts.figure(chart, label="x", drawn=frame(), sources=SOURCES))
    header, rows = takeaway.csv_rows(spec, SOURCES)
    assert len(rows) == 4 + 1  # every year kept by one layer or the other, plus the rule
    table = [dict(zip(header, r, strict=True)) for r in rows]
    sourced = [r for r in table if r["source_id"]]
    assert [r["source_id"] for r in sourced] == ["a", "a;b", "b", "a"]
    assert sourced[1]["source_url"] == "https://example.org/a https://example.org/b"
    assert sourced[1]["source_grade"] == "filing;news"
    assert sourced[1]["source_seen"] == "direct;secondhand"
    assert [r["source_grade"] for r in table if not r["source_id"]] == ["computed"]
    assert "series" in header


def test_unknown_sources_in_the_rows_stop_the_download():
    bad = frame().assign(source_id="zzz")
    chart = alt.Chart(bad).mark_bar().encode(x="year:O", y="usd_bn:Q")
    spec = rendered(
        chart.properties(title="T", description="D", usermeta={"report": {"label": "x"}})
    )
    with pytest.raises(takeaway.TakeawayError, match="zzz"):
        takeaway.csv_rows(spec, SOURCES)


def test_the_link_row_names_every_file_relative_to_its_page():
    spec = {
        "title": {"text": "Capex <by> year"},
        "usermeta": {"report": {"label": "Capex by year"}},
    }
    row = takeaway.links_html(
        spec,
        notebook="infrastructure",
        page="chapters/infrastructure",
        edition="1 May 2026",
        book_title="R",
    )
    soup = BeautifulSoup(row, "html.parser")
    hrefs = [a["href"] for a in soup.select("a[download]")]
    assert hrefs == [
        f"../_static/charts/infrastructure/capex-by-year.{ext}"
        for ext in ("csv", "json", "svg", "png")
    ]
    for a in soup.select("a[download]"):
        assert a.get_text() in a["aria-label"] and "Capex <by> year" in a["aria-label"]
    assert soup.select_one("summary").get_text() == "Cite"
    assert soup.select_one("a.report-cite-url")["href"] == "#fig-capex-by-year"
    assert "edition of 1 May 2026" in soup.select_one(".report-cite-text").get_text()
    assert "<by>" not in row  # escaped


def test_static_render_has_title_and_source_line_inside():
    chart = (
        alt.Chart(frame())
        .mark_bar()
        .encode(x="year:O", y="usd_bn:Q")
        .properties(title="Capex by year", description="D", width="container")
    )
    spec = rendered(charts.figure(chart, label="x", drawn=frame(), sources=SOURCES))
    lines = takeaway.source_line(spec, "The report", "1 May 2026")
    assert lines[0].startswith("Sources: SEC, 2 Jan 2025; Paper")
    svg, png = takeaway.render_images(spec, lines)
    text = svg.decode()
    assert "Capex by year" in text and "The report, edition of 1 May 2026." in text
    assert 'fill="#ffffff"' in text
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000


def test_renders_in_worker_processes_match_and_reach_every_html_folder(tmp_path):
    chart = (
        alt.Chart(frame())
        .mark_bar()
        .encode(x="year:O", y="usd_bn:Q")
        .properties(title="Capex by year", description="D")
    )
    spec = rendered(charts.figure(chart, label="x", drawn=frame(), sources=SOURCES))
    lines = takeaway.source_line(spec, "The report", "1 May 2026")
    cached, out, html = tmp_path / "cache" / "k", tmp_path / "stage", tmp_path / "html"
    cached.parent.mkdir()
    job = (spec, lines, cached, "nb/x")
    renders = takeaway.Renders(out, [job], [job], {}, takeaway.TakeawayReport(), 0.0, 2)
    assert renders.finish(html) is renders.report
    svg, png = takeaway.render_images(spec, lines)
    for folder in (out, html / "_static" / "charts"):
        assert (folder / "nb" / "x.svg").read_bytes() == svg
        assert (folder / "nb" / "x.png").read_bytes()[:8] == png[:8]


def test_a_chart_that_cannot_render_stops_the_build_with_its_name(tmp_path):
    bad = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "mark": "nonsense"}
    job = (bad, ["x"], tmp_path / "broken-chart", "nb/broken")
    renders = takeaway.Renders(tmp_path, [job], [job], {}, takeaway.TakeawayReport(), 0.0, 1)
    with pytest.raises(takeaway.TakeawayError, match="broken-chart"):
        renders.finish()
    assert not (tmp_path / "nb" / "broken.svg").exists()


# --------------------------------------------------------------------------- the built book


def figures_of(book: Path):
    """Every chart of the built book: page entry, notebook, spec, figure element."""
    notebooks = {
        e: toc.document(e, ROOT).stem
        for e in toc.entries(ROOT)
        if toc.document(e, ROOT).suffix == ".ipynb"
    }
    for entry, notebook in notebooks.items():
        soup = BeautifulSoup((book / f"{entry}.html").read_text(encoding="utf-8"), "html.parser")
        for div in soup.select("div.report-chart"):
            spec = json.loads(soup.find("script", id=div["data-spec"]).string)
            yield entry, notebook, spec, div.find_parent("figure")


def test_every_chart_offers_its_data_images_and_citation(book):
    sources = data.load("sources").set_index("source_id")
    edition = data.edition().isoformat()
    count = 0
    for entry, notebook, spec, figure in figures_of(book):
        count += 1
        label = spec["usermeta"]["report"]["label"]
        where = f"{entry}:{label}"
        base = book / "_static" / "charts" / takeaway.stem(notebook, label)
        # the links under the caption reach the files
        row = figure.select_one("div.report-takeaway")
        assert row is not None, f"{where} has no take-away links"
        for a in row.select("a[download]"):
            assert (book / entry).parent.joinpath(a["href"]).resolve().is_file(), (where, a["href"])
        # CSV: exactly the rows drawn, each row's sources known, graded and marked
        table = list(
            csv.DictReader(io.StringIO(base.with_suffix(".csv").read_text(encoding="utf-8")))
        )
        drawn = sum(len(d.rows) for d in takeaway.drawn_datasets(spec))
        assert len(table) == drawn, f"{where}: {len(table)} CSV rows, {drawn} drawn"
        caption_ids = set(charts.spec_sources(spec))
        for row_ in table:
            ids = [i for i in row_["source_id"].split(";") if i]
            if not ids:
                assert row_["source_grade"] == "computed", where
                continue
            for i, url, kind, seen in zip(
                ids,
                row_["source_url"].split(" "),
                row_["source_grade"].split(";"),
                row_["source_seen"].split(";"),
                strict=True,
            ):
                assert i in sources.index, f"{where}: unknown source {i}"
                assert (url, kind, seen) == tuple(sources.loc[i, ["url", "kind", "seen"]]), where
                assert i in caption_ids, f"{where}: row source {i} missing from the caption"
        # rows the report computed (aggregates, projections, rules) rest on the chart's sources
        side_ids = [
            s["source_id"] for s in json.loads(base.with_suffix(".json").read_text())["sources"]
        ]
        assert side_ids == charts.spec_sources(spec), where
        # images
        for ext in ("svg", "png"):
            assert base.with_suffix(f".{ext}").stat().st_size > 1_000, f"{where}.{ext}"
        assert takeaway.spec_title(spec).split()[0] in base.with_suffix(".svg").read_text(
            encoding="utf-8"
        )
        # sidecar
        side = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
        assert side["edition_date"] == edition, where
        assert side["title"] == takeaway.spec_title(spec)
        assert side["rows"] == len(table)
        assert side["computed_rows"] == sum(r["source_grade"] == "computed" for r in table)
        declared = set(params.declared(toc.notebook(notebook, ROOT)))
        assert set(side["parameters"]) == declared - {"data_dir"}, where
        assert side["citation"].endswith(f"{entry}.html#fig-{charts.slug(label)}")
        assert figure["id"] == f"fig-{charts.slug(label)}"
    assert count >= 20


def test_takeaway_file_names_are_stable_and_only_of_current_charts(book):
    names = {
        f"{takeaway.stem(nb, spec['usermeta']['report']['label'])}.{ext}"
        for _, nb, spec, _ in figures_of(book)
        for ext in takeaway.EXTENSIONS
    }
    on_disk = {
        p.relative_to(book / "_static" / "charts").as_posix() for p in takeaway.files_of(book)
    }
    assert on_disk == names
    assert "labs/lab-timeline.csv" in names  # a name outside links rely on
