"""The article's claims, our verdicts, and how they are shown."""

from __future__ import annotations

import html

import altair as alt
import pandas as pd

from report.data.sourcing import all_ids, split_ids
from report.show import figures
from report.show.tables import link, table_html

#: Chapters that examine claims, in book order.
CHAPTERS = ["labs", "talent", "acquisition", "open-source", "infrastructure", "conclusion"]
#: The fixed verdict scale, strongest support first.
VERDICTS = ["supported", "partly supported", "outdated", "unsupported", "not verifiable"]
#: When the article was written, as far as its content shows (it is undated).
ARTICLE_TIME = "mid-July 2025"
VERDICT_COLOURS = ["#009E73", "#E69F00", "#999999", "#D55E00", "#56B4E9"]


def with_sources(claims: pd.DataFrame, claim_sources: pd.DataFrame) -> pd.DataFrame:
    """Claims with a ``source_id`` column listing their sources (``;``-separated)."""
    grouped = claim_sources.groupby("claim_id")["source_id"].agg(
        lambda s: ";".join(sorted(all_ids(s)))
    )
    out = claims.merge(grouped.rename("source_id"), on="claim_id", how="left")
    missing = out[out["source_id"].isna()]["claim_id"].tolist()
    if missing:
        raise ValueError(f"claims without a source: {', '.join(missing)}")
    return out.sort_values(["order"]).reset_index(drop=True)


def for_chapter(claims: pd.DataFrame, chapter: str) -> pd.DataFrame:
    """The claims a chapter examines, in the article's order."""
    return claims[claims["chapter"] == chapter].sort_values("order").reset_index(drop=True)


def select(claims: pd.DataFrame, chapters: list[str], order_by: str) -> pd.DataFrame:
    """Claims of the given chapters, in the article's order or grouped by verdict."""
    unknown = sorted(set(chapters) - set(CHAPTERS))
    if unknown:
        raise ValueError(f"unknown chapter(s) {unknown}; valid: {', '.join(CHAPTERS)}")
    rows = claims[claims["chapter"].isin(chapters)].copy()
    if order_by == "article":
        return rows.sort_values("order").reset_index(drop=True)
    if order_by == "verdict":
        rank = {v: i for i, v in enumerate(VERDICTS)}
        rows["_rank"] = rows["verdict"].map(rank)
        return rows.sort_values(["_rank", "order"]).drop(columns="_rank").reset_index(drop=True)
    raise ValueError(f"order_by must be 'article' or 'verdict', got {order_by!r}")


def verdict_counts(claims: pd.DataFrame, when: str = "now") -> pd.DataFrame:
    """How many claims got each verdict, every verdict of the scale listed (zeros included).

    ``when`` is ``"now"`` (the edition's verdicts, column ``verdict``) or ``"then"`` (as of the
    article's time, column ``verdict_then``); anything else raises ``ValueError``.
    """
    columns = {"now": "verdict", "then": "verdict_then"}
    if when not in columns:
        raise ValueError(f"when must be 'now' or 'then', got {when!r}")
    counts = claims[columns[when]].value_counts().reindex(VERDICTS, fill_value=0)
    return counts.rename_axis("verdict").reset_index(name="claims")


def verdict_badge(verdict: str) -> str:
    """An HTML label for a verdict (colour plus the word, never colour alone)."""
    css = "report-verdict-" + verdict.replace(" ", "-")
    return f'<span class="report-verdict {css}">{html.escape(verdict)}</span>'


def claims_table_html(
    claims: pd.DataFrame, sources: pd.DataFrame, chapter_links: dict[str, str] | None = None
) -> str:
    """The claims as an accessible table: claim, verdict, evidence, as of, sources."""
    by_id = sources.set_index("source_id")
    rows = claims.copy()

    def claim_cell(row: pd.Series) -> str:
        text = html.escape(row["claim"])
        if isinstance(row.get("quote"), str) and row["quote"]:
            text += f' <q class="report-quote">{html.escape(row["quote"])}</q>'
        if chapter_links and row["chapter"] in chapter_links:
            text += (
                f'<br><a href="{html.escape(chapter_links[row["chapter"]], quote=True)}">'
                f"examined in {html.escape(row['chapter'])}</a>"
            )
        return text

    def sources_cell(ids: str) -> str:
        parts = []
        for sid in split_ids(ids):
            src = by_id.loc[sid]
            parts.append(link(src["url"], src["publisher"]))
        return "; ".join(parts)

    def then_cell(row: pd.Series) -> str:
        return (
            f"{verdict_badge(row['verdict_then'])}"
            f'<br><span class="report-evidence">{html.escape(row["evidence_then"])}</span>'
        )

    def now_cell(row: pd.Series) -> str:
        return (
            f"{verdict_badge(row['verdict'])} "
            f'<span class="report-as-of">as of {html.escape(figures.short_date(row["as_of"]))}</span>'
            f'<br><span class="report-evidence">{html.escape(row["evidence"])}</span>'
        )

    def claim_with_summary(row: pd.Series) -> str:
        return (
            claim_cell(row)
            + f'<br><span class="report-verdict-pair">{html.escape(verdict_pair(row))}</span>'
        )

    rows["claim_html"] = rows.apply(claim_with_summary, axis=1)
    rows["then_html"] = rows.apply(then_cell, axis=1)
    rows["now_html"] = rows.apply(now_cell, axis=1)
    rows["sources_html"] = rows["source_id"].map(sources_cell)
    return table_html(
        rows,
        {
            "claim_html": "The article's claim",
            "then_html": f"When written ({ARTICLE_TIME})",
            "now_html": "Now (this edition)",
            "sources_html": "Sources",
        },
        raw_html=["claim_html", "then_html", "now_html", "sources_html"],
        css_class="report-table report-claims",
    )


def verdict_pair(row: pd.Series) -> str:
    """Both verdicts in one phrase: ``partly supported then · outdated now``."""
    return f"{row['verdict_then']} then · {row['verdict']} now"


def verdict_chart(claims: pd.DataFrame) -> alt.Chart:
    """Bar chart of verdict counts on the fixed scale."""
    counts = verdict_counts(claims)
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            y=alt.Y("verdict:N", sort=VERDICTS, title=None),
            x=alt.X("claims:Q", title="Claims (count)", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "verdict:N", scale=alt.Scale(domain=VERDICTS, range=VERDICT_COLOURS), legend=None
            ),
            tooltip=[
                alt.Tooltip("verdict:N", title="Verdict"),
                alt.Tooltip("claims:Q", title="Claims"),
            ],
        )
        .properties(
            width="container",
            height=180,
            title=alt.Title(
                "How the article's claims hold up", subtitle="Number of claims per verdict"
            ),
            description="Horizontal bar chart counting the article's checkable claims by verdict: "
            + ", ".join(f"{r.verdict} {r.claims}" for r in verdict_counts(claims).itertuples()),
        )
    )
