"""The sources appendix (``appendix/sources.ipynb``): every source with its grade and where it is cited."""

from __future__ import annotations

import html

import altair as alt
import pandas as pd

from report.data import Package, sourcing
from report.data.sourcing import split_ids
from report.show import figures
from report.show.tables import link, table_html

#: The grades, capitalised for headings and legends (defined once in ``report.data.sourcing``).
KIND_LABELS = {k: v[0].upper() + v[1:] for k, v in sourcing.KIND_LABELS.items()}


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
    from report.data.validation.refs import source_reference_fields

    citing = {res["name"]: source_reference_fields(res) for res in pkg.descriptor["resources"]}
    rows = []
    for table in pkg.tables.values():
        if table.name == "sources" or not citing.get(table.name):
            continue  # only declared references cite a source (not the re-read log, say)
        frame = load(table.name, pkg.dir)
        for col in citing[table.name]:
            for value in frame[col].dropna():
                for sid in split_ids(value):
                    rows.append(
                        {
                            "source_id": sid,
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


def _grade_text(row: pd.Series) -> str:
    text = sourcing.grade_label(row["kind"], row.get("seen", "direct"))
    quoted = [q for q in str(row.get("quoted_by") or "").split(";") if q.strip()]
    if row.get("seen") == "secondhand":
        text += f" (quoted by {len(quoted)} stored documents)"
    return text


def grade_counts(sources: pd.DataFrame) -> pd.DataFrame:
    """Sources per grade, strongest first: ``kind``, ``grade``, ``sources``, ``secondhand``."""
    rows = []
    for kind, label in KIND_LABELS.items():
        of_kind = sources[sources["kind"] == kind]
        seen = of_kind["seen"] if "seen" in of_kind else pd.Series(dtype=str)
        rows.append(
            {
                "kind": kind,
                "grade": label,
                "sources": len(of_kind),
                "secondhand": int((seen == "secondhand").sum()),
            }
        )
    return pd.DataFrame(rows)


REREAD_ACTIONS = ("confirmed", "corrected", "resourced", "regraded", "dropped")
REREAD_FAULTS = (
    "combined_attributes",
    "weaker_than_row",
    "wrong_value",
    "no_stored_page",
    "wrong_grade",
)


def last_reread(rereads: pd.DataFrame) -> pd.DataFrame:
    """Each source's latest re-read: ``source_id``, ``reread`` (date), ``supports``, ``action``."""
    if rereads.empty:
        return pd.DataFrame(columns=["source_id", "reread", "supports", "action"])
    latest = rereads.sort_values("reread").drop_duplicates("source_id", keep="last")
    return latest[["source_id", "reread", "supports", "action"]].reset_index(drop=True)


def reread_summary(rereads: pd.DataFrame) -> dict[str, object]:
    """The ledger's latest re-read in numbers (every count a count of sources, each once).

    Returns ``date`` (of the newest re-read, or None), ``total``, ``cited``, ``random`` and
    ``added`` (by sample: cited by a key figure, drawn at random, or added to the ledger after
    the first pass), ``stored_exact``, ``supports_all``, ``added_exact`` and ``added_all``
    (the same two counts within the ``added`` sample), ``actions`` and ``faults`` (counts per
    kind; a source with several counts under each).
    """
    latest = rereads.sort_values("reread").drop_duplicates("source_id", keep="last")

    def count_in(column: str, word: str) -> int:
        return int(
            sum(word in [p.strip() for p in str(v).split(";")] for v in latest[column].fillna(""))
        )

    return {
        "date": latest["reread"].max() if len(latest) else None,
        "total": len(latest),
        "cited": int((latest["sample"] == "cited").sum()),
        "random": int((latest["sample"] == "random").sum()),
        "added": int((latest["sample"] == "added").sum()),
        "added_exact": int(((latest["sample"] == "added") & (latest["stored"] == "exact")).sum()),
        "added_all": int(((latest["sample"] == "added") & (latest["supports"] == "all")).sum()),
        "stored_exact": int((latest["stored"] == "exact").sum()),
        "supports_all": int((latest["supports"] == "all").sum()),
        "actions": {a: count_in("action", a) for a in REREAD_ACTIONS},
        "faults": {f: count_in("faults", f) for f in REREAD_FAULTS},
    }


def sources_table_html(
    sources: pd.DataFrame,
    cited: pd.DataFrame,
    kinds: list[str],
    rereads: pd.DataFrame | None = None,
) -> str:
    """Every source of the given grades, one section per grade (strongest first).

    Each section has an anchor ``grade-<kind>`` and a table: title (linked), publisher,
    date, grade (with the second-hand mark and how many stored documents quote it), the date a
    second reader last re-read it against its stored page (``rereads``), the tables citing it,
    and the chapters using it.
    """
    sections = []
    reread = last_reread(rereads if rereads is not None else pd.DataFrame())
    for kind in [k for k in KIND_LABELS if k in kinds]:
        rows = sources[sources["kind"] == kind].merge(cited, on="source_id", how="left")
        rows = rows.merge(reread[["source_id", "reread"]], on="source_id", how="left")
        if rows.empty:
            continue
        rows = rows.sort_values(["publisher", "published", "source_id"], na_position="last")
        rows["title_html"] = [link(u, t) for u, t in zip(rows["url"], rows["title"], strict=True)]
        rows["grade_text"] = [_grade_text(r) for _, r in rows.iterrows()]
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
        table = table_html(
            rows,
            {
                "title_html": "Page",
                "publisher": "Publisher",
                "published": "Published",
                "grade_text": "Grade",
                "reread": "Last re-read",
                "tables_text": "Cited in tables",
                "chapters_html": "Used in",
            },
            formats={
                "published": lambda d: figures.short_date(d) if pd.notna(d) else "undated",
                "reread": lambda d: figures.short_date(d) if pd.notna(d) else "not yet",
            },
            raw_html=["title_html", "chapters_html"],
            caption=f"{KIND_LABELS[kind]}: {len(rows)} sources",
            css_class="report-table report-sources-table",
        )
        sections.append(f'<section id="grade-{html.escape(kind)}">{table}</section>')
    return "\n".join(sections)


def grade_index_html(counts: pd.DataFrame) -> str:
    """Links to each grade's section with its count: the page's filter by grade."""
    items = [
        f'<li><a href="#grade-{html.escape(r.kind)}">{html.escape(r.grade)}</a>: {r.sources}'
        + (f" ({r.secondhand} seen second-hand)" if r.secondhand else "")
        + "</li>"
        for r in counts.itertuples()
        if r.sources
    ]
    return '<ul class="report-grade-index">' + "".join(items) + "</ul>"


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
