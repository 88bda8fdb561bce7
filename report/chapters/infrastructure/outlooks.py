"""Infrastructure chapter, outlooks: the peers' and Meta's capex guidance, by vintage.

Only guidance for a fiscal year still open at the edition counts as an outlook; each range is
dated to the day it was given (or the month, where that is all a source states).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from report.chapters.infrastructure.peers import PEERS
from report.data.sourcing import best_kind, preferred
from report.show.figures import date as fmt_date


def fiscal_year_label(company: str, fiscal_year: int, financials: pd.DataFrame) -> str:
    """``2026`` for a calendar-year company; ``fiscal 2026 (the year to May 2026)`` otherwise.

    The fiscal year's last month comes from the company's rows of ``peer_financials``
    (``fiscal_year_end``); a company without rows is taken to report by calendar year.
    """
    end = fiscal_year_end(company, fiscal_year, financials)
    if end.month == 12:
        return str(fiscal_year)
    return f"fiscal {fiscal_year} (the year to {end:%B} {fiscal_year})"


def fiscal_year_end(company: str, fiscal_year: int, financials: pd.DataFrame) -> pd.Timestamp:
    """The last day of ``company``'s ``fiscal_year`` (from its ``peer_financials`` rows).

    A company without rows, or whose years end in December, reports by calendar year.
    """
    ends = pd.to_datetime(financials.loc[financials["company"] == company, "fiscal_year_end"])
    if ends.empty or (ends.dt.month == 12).all():
        return pd.Timestamp(f"{fiscal_year}-12-31")
    month = int(ends.iloc[0].month)
    return pd.Timestamp(year=fiscal_year, month=month, day=1) + pd.offsets.MonthEnd(0)


def open_guidance(
    guidance: pd.DataFrame, financials: pd.DataFrame, edition: pd.Timestamp
) -> pd.DataFrame:
    """Each company's latest numeric guidance for a fiscal year still open at ``edition``.

    A range for a year that ended before the edition is no outlook (the year's actual is
    what counts), and a qualitative statement has no number: both are left out. Returns one
    row per company with a guide: the ``peer_guidance`` columns plus ``mid_usd_bn`` and
    ``year_end``; the latest vintage by ``given_date`` (ties: the row stated to the day).
    """
    # a range needs both ends as stated: a source giving only the top ("as much as") is no range
    rows = guidance.dropna(subset=["low_usd_bn", "high_usd_bn"]).copy()
    rows["year_end"] = [
        fiscal_year_end(c, int(y), financials)
        for c, y in zip(rows["company"], rows["fiscal_year"], strict=True)
    ]
    rows = rows[rows["year_end"] >= pd.Timestamp(edition)]
    rows["mid_usd_bn"] = (rows["low_usd_bn"] + rows["high_usd_bn"]) / 2
    rows["_precise"] = rows["date_precision"].map({"day": 0}).fillna(1)
    latest = rows.sort_values(["given_date", "_precise"], ascending=[True, False])
    return latest.groupby("company").tail(1).drop(columns="_precise").reset_index(drop=True)


def guidance_ranks(open_guides: pd.DataFrame, meta: pd.Series) -> pd.DataFrame:
    """Rank by guidance midpoint for the same calendar year, Meta's latest range included.

    ``open_guides`` is :func:`open_guidance`; ``meta`` is Meta's ``latest_guidance`` row. Only
    companies guiding the same calendar year as Meta are ranked (1 = highest midpoint).
    Returns ``company``, ``mid_usd_bn``, ``given_date``, ``date_precision``, ``rank``, ``of``.
    """
    year = int(meta["fiscal_year"])
    same = open_guides[open_guides["year_end"].dt.year == year][
        ["company", "mid_usd_bn", "given_date", "date_precision", "source_id"]
    ]
    meta_row = pd.DataFrame(
        [
            {
                "company": "Meta",
                "mid_usd_bn": float(meta["mid_usd_bn"]),
                "given_date": meta["given_date"],
                "date_precision": "day",
                "source_id": meta["source_id"],
            }
        ]
    )
    out = pd.concat([same, meta_row], ignore_index=True)
    out["rank"] = out["mid_usd_bn"].rank(ascending=False, method="min").astype(int)
    out["of"] = len(out)
    return out.sort_values("rank").reset_index(drop=True)


def guidance_text(
    guidance: pd.DataFrame, financials: pd.DataFrame, edition: pd.Timestamp | None = None
) -> str:
    """Each company's latest capex guidance for a year still open, in words, dated.

    E.g. ``Alphabet $195–205 billion for 2026 (given July 2026)``; a company with no guide for
    an open year is named as such. ``guidance`` is ``peer_guidance``; ``financials`` is
    ``peer_financials``; ``edition`` defaults to today's date.
    """
    from report.show import figures as fmt

    edition = pd.Timestamp(edition) if edition is not None else pd.Timestamp.today()
    latest = open_guidance(guidance, financials, edition)
    said = [
        f"{r.company} {fmt.usd_range_bn(r.low_usd_bn, r.high_usd_bn)} for "
        f"{fiscal_year_label(r.company, int(r.fiscal_year), financials)} "
        f"(given {fmt.date(r.given_date, r.date_precision)})"
        for r in latest.itertuples()
    ]
    missing = sorted(set(financials["company"]) - set(latest["company"]) - {"Meta"})
    if missing:
        said.append("no guidance for a year still open in our sources from " + " or ".join(missing))
    return "; ".join(said)


def guidance_history(
    guidance: pd.DataFrame,
    meta_guidance: pd.DataFrame,
    financials: pd.DataFrame,
    year: int,
    sources: pd.DataFrame,
) -> pd.DataFrame:
    """Every numeric capex guide for calendar ``year``, Meta's and the peers', by date given.

    ``guidance`` is ``peer_guidance``, ``meta_guidance`` Meta's ``capex_guidance``. A peer's
    fiscal year counts when it ends in ``year``'s December (calendar-year companies only; a
    fiscal year to May or June is another period and is left out). Returns ``company``,
    ``given_date``, ``date_precision``, ``low_usd_bn``, ``high_usd_bn``, ``mid_usd_bn``,
    ``source_id``: one row per guide, from its strongest source (``sources``); a guide that
    only an AI-written page states is left out.
    """
    peers = guidance.dropna(subset=["low_usd_bn", "high_usd_bn"]).copy()  # both ends stated
    ends = [
        fiscal_year_end(c, int(y), financials)
        for c, y in zip(peers["company"], peers["fiscal_year"], strict=True)
    ]
    peers = peers[[e == pd.Timestamp(f"{year}-12-31") for e in ends]]
    meta = meta_guidance.dropna(subset=["low_usd_bn", "high_usd_bn"])
    meta = meta[meta["fiscal_year"] == year].assign(company="Meta", date_precision="day")
    cols = ["company", "given_date", "date_precision", "low_usd_bn", "high_usd_bn", "source_id"]
    out = pd.concat([peers[cols], meta[cols]], ignore_index=True)
    # one mark per guide (a fact), from its strongest source; a guide only an AI-written page
    # states is left out
    kinds = dict(zip(sources["source_id"], sources["kind"], strict=True))
    out = out[[best_kind(v, kinds) not in (None, "generated") for v in out["source_id"]]]
    out = preferred(out, ["company", "given_date", "low_usd_bn", "high_usd_bn"], sources)
    out["mid_usd_bn"] = (out["low_usd_bn"] + out["high_usd_bn"]) / 2
    return out.sort_values(["company", "given_date"]).reset_index(drop=True)


def guidance_history_chart(history: pd.DataFrame, year: int) -> alt.LayerChart:
    """Each guide as a range on the day it was given, one colour per company."""
    data = history.assign(
        when=[
            fmt_date(d, p)
            for d, p in zip(history["given_date"], history["date_precision"], strict=True)
        ]
    )
    companies = [c for c in PEERS if c in set(data["company"])]
    colour = alt.Color(
        "company:N", title="Company", sort=companies, scale=alt.Scale(domain=companies)
    )
    base = alt.Chart(data).encode(
        x=alt.X("given_date:T", title="Date the guide was given", axis=alt.Axis(format="%b %Y")),
        color=colour,
        tooltip=[
            alt.Tooltip("company:N", title="Company"),
            alt.Tooltip("when:N", title="Given"),
            alt.Tooltip("low_usd_bn:Q", title="Low (USD bn)", format=",.0f"),
            alt.Tooltip("high_usd_bn:Q", title="High (USD bn)", format=",.0f"),
            alt.Tooltip("source_id:N", title="Source"),
        ],
    )
    ranges = base.mark_rule(strokeWidth=6, opacity=0.6).encode(
        y=alt.Y("low_usd_bn:Q", title=f"Capex guided for {year} (USD bn)"), y2="high_usd_bn:Q"
    )
    mids = base.mark_point(filled=True, size=50).encode(y="mid_usd_bn:Q")
    return (ranges + mids).properties(
        width="container",
        height=280,
        title=alt.Title(
            f"Capex guidance for {year}, every vintage",
            subtitle="Each bar is a range on the day it was given; dot: midpoint. Calendar-year companies only",
        ),
        description=(
            f"Range chart of the capital-expenditure guidance for {year} given by Meta and its "
            "calendar-year peers, each range placed at the date it was given."
        ),
    )
