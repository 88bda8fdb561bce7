"""The sources appendix (``appendix/sources.ipynb``): every source with its grade and where it is cited."""

from __future__ import annotations

import html

import altair as alt
import pandas as pd

from report import figures
from report.data import Package
from report.notebook import link, table_html

KIND_LABELS = {
    "filing": "Company filing or results",
    "company_statement": "Company statement",
    "news": "News report",
    "analyst": "Analyst or aggregator",
}


CHAPTER_TITLES = {
    "labs": "Labs",
    "talent": "Talent",
    "acquisition": "Acquisition",
    "open-source": "Open-source shift",
    "infrastructure": "Infrastructure",
    "conclusion": "Conclusion",
}


def citations(pkg: Package, claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """For every source: the tables whose rows cite it and the chapters that use those tables.

    A table's chapters are those declared for it in the data package; a source cited by a
    claim counts for the chapter that examines the claim.
    """
    from report.data import load

    rows = []
    for table in pkg.tables.values():
        if table.name == "sources":
            continue
        frame = load(table.name, pkg.dir)
        for col in [c for c in frame.columns if c.endswith("source_id")]:
            for value in frame[col].dropna():
                for sid in str(value).split(";"):
                    rows.append(
                        {
                            "source_id": sid.strip(),
                            "table": table.name,
                            "chapters": tuple(table.chapters),
                        }
                    )
    cited = pd.DataFrame(rows, columns=["source_id", "table", "chapters"])
    if claims is not None and "claim_sources" in pkg.tables:
        links = load("claim_sources", pkg.dir).merge(claims[["claim_id", "chapter"]], on="claim_id")
        extra = pd.DataFrame(
            {
                "source_id": links["source_id"],
                "table": "claim_sources",
                "chapters": [(c,) for c in links["chapter"]],
            }
        )
        cited = pd.concat([cited[cited["table"] != "claim_sources"], extra], ignore_index=True)
    grouped = cited.groupby("source_id").agg(
        tables=("table", lambda t: sorted(set(t))),
        chapters=("chapters", lambda cs: sorted({c for chs in cs for c in chs})),
        rows=("table", "size"),
    )
    return grouped.reset_index()


def sources_table_html(sources: pd.DataFrame, cited: pd.DataFrame, kinds: list[str]) -> str:
    """Every source: title (linked), publisher, date, kind, and where it is cited."""
    rows = sources[sources["kind"].isin(kinds)].merge(cited, on="source_id", how="left")
    rows = rows.sort_values(["publisher", "published", "source_id"], na_position="last")
    rows["title_html"] = [link(u, t) for u, t in zip(rows["url"], rows["title"], strict=True)]
    rows["chapters_html"] = [
        ", ".join(
            f'<a href="../chapters/{html.escape(c)}.html">{html.escape(CHAPTER_TITLES.get(c, c))}</a>'
            for c in chs
        )
        if isinstance(chs, list)
        else ""
        for chs in rows["chapters"]
    ]
    rows["tables_text"] = [", ".join(t) if isinstance(t, list) else "" for t in rows["tables"]]
    return table_html(
        rows,
        {
            "title_html": "Page",
            "publisher": "Publisher",
            "published": "Published",
            "kind": "Kind",
            "tables_text": "Cited in tables",
            "chapters_html": "Used in",
        },
        formats={
            "published": lambda d: figures.short_date(d) if pd.notna(d) else "undated",
            "kind": lambda k: KIND_LABELS[k],
        },
        raw_html=["title_html", "chapters_html"],
        caption=f"{len(rows)} sources",
        css_class="report-table report-sources-table",
    )


def sources_chart(sources: pd.DataFrame) -> alt.Chart:
    """Sources by kind and year of publication."""
    rows = sources.copy()
    rows["year"] = rows["published"].dt.year.astype("Int64").astype(str).replace("<NA>", "undated")
    rows["kind_label"] = rows["kind"].map(KIND_LABELS)
    counts = rows.groupby(["year", "kind_label"]).size().reset_index(name="sources")
    counts["source_id"] = None
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("year:N", title="Year published", sort="ascending"),
            y=alt.Y("sources:Q", title="Sources (count)"),
            color=alt.Color(
                "kind_label:N", title="Kind of source", sort=list(KIND_LABELS.values())
            ),
            tooltip=[
                alt.Tooltip("year:N", title="Year"),
                alt.Tooltip("kind_label:N", title="Kind"),
                alt.Tooltip("sources:Q", title="Sources"),
            ],
        )
        .properties(
            width="container",
            height=260,
            title=alt.Title(
                "How strong is the evidence?", subtitle="Sources by kind and year of publication"
            ),
            description="Stacked bar chart counting the report's sources by year of publication and kind.",
        )
    )
