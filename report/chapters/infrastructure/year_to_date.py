"""Infrastructure chapter, the cash of the guided year: what is spent so far, what guidance leaves.

Also the watch list split into what is upcoming and what happened but is not in our sources
(the infrastructure overview and the conclusion both say the latter).

The quarters of the guided year reported so far (capex on the guidance's basis, operating cash
flow, buybacks and dividends), the rest of the year the latest guidance range implies (our
arithmetic: the range less what is already spent), and the debt deals of that year by stage.
Every figure is a sourced row or a sum of them; what no source states is said, never zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from report.chapters.infrastructure.capex import year_so_far
from report.data.bases import GUIDANCE_BASIS
from report.data.sourcing import preferred
from report.show.figures import date, quarter, usd_bn, usd_range_bn
from report.show.figures import date as fmt_date


@dataclass(frozen=True)
class YearToDate:
    """The guided year so far. Money in USD bn; quarters as ``2026Q2``.

    ``capex`` is the sum of the unbroken run of quarters from Q1 on the guidance's basis
    (``quarters``); ``ocf`` the same quarters' operating cash flow, or None when a quarter has
    none; ``rest_low``/``rest_high`` the guidance range less ``capex``; ``per_quarter_low``/
    ``per_quarter_high`` that rest over the quarters left; ``payouts`` per quarter the stated
    buybacks and dividends (None where no source states one); ``debt`` the year's bond and loan
    deals, one row per deal with its stage.
    """

    year: int
    basis: str
    quarters: list[str]
    capex: float
    latest_capex: float
    ocf: float | None
    rest_low: float
    rest_high: float
    per_quarter_low: float
    per_quarter_high: float
    payouts: dict[str, dict[str, float | None]] = field(default_factory=dict)
    debt: pd.DataFrame = field(default_factory=pd.DataFrame)


#: Kinds of financing deals that raise debt (Meta's own bonds, and loans to its campuses).
DEBT_KINDS = ("bond", "other")


def year_to_date(
    capex_quarterly: pd.DataFrame,
    cash_flow: pd.DataFrame,
    guidance: pd.Series,
    deals: pd.DataFrame,
    sources: pd.DataFrame,
    basis: str = GUIDANCE_BASIS,
) -> YearToDate | None:
    """The guided year's reported quarters against its latest guidance range.

    ``guidance`` is one ``capex_guidance`` row (``fiscal_year``, ``low_usd_bn``,
    ``high_usd_bn``); quarters are taken on ``basis``, the basis Meta guides on
    (``bases.GUIDANCE_BASIS``), so the range and what is spent compare like with like.
    Returns None when :func:`capex.year_so_far` finds no unbroken run from Q1, or the year is
    complete.
    """
    year = int(guidance["fiscal_year"])
    best = year_so_far(capex_quarterly, year, basis, sources)
    quarters = best["quarter"].tolist()
    if not quarters or len(quarters) >= 4:
        return None
    spent = float(best["capex_usd_bn"].sum())
    flows = preferred(
        cash_flow[cash_flow["period"].isin(quarters)], ["period", "metric"], sources
    ).set_index(["period", "metric"])["value_usd_bn"]

    def stated(q: str, metric: str) -> float | None:
        value = flows.get((q, metric))
        return None if value is None or pd.isna(value) else float(value)

    ocf = [stated(q, "operating_cash_flow") for q in quarters]
    left = 4 - len(quarters)
    low, high = float(guidance["low_usd_bn"]), float(guidance["high_usd_bn"])
    debt = deals[
        deals["kind"].isin(DEBT_KINDS)
        & (pd.to_datetime(deals["date"]).dt.year == year)
        & deals["description"].str.contains("bond|loan|notes|debt", case=False, regex=True)
    ]
    debt = debt.sort_values("date").drop_duplicates(["counterparty", "stage"], keep="last")
    return YearToDate(
        year=year,
        basis=basis,
        quarters=quarters,
        capex=spent,
        latest_capex=float(best["capex_usd_bn"].iloc[-1]),
        ocf=None if any(v is None for v in ocf) else float(sum(v for v in ocf if v is not None)),
        rest_low=low - spent,
        rest_high=high - spent,
        per_quarter_low=(low - spent) / left,
        per_quarter_high=(high - spent) / left,
        payouts={q: {m: stated(q, m) for m in ("buybacks", "dividends")} for q in quarters},
        debt=debt.reset_index(drop=True),
    )


def _payout_text(q: str, paid: dict[str, float | None]) -> str:
    parts = []
    for metric, word in (("buybacks", "buybacks"), ("dividends", "dividends")):
        value = paid.get(metric)
        if value is None:
            parts.append(f"{word} not in our sources")
        elif value == 0:
            parts.append(f"no {word}")
        else:
            parts.append(f"{word} {usd_bn(value, 2)}")
    return f"{quarter(q)}: {', '.join(parts)}"


def year_to_date_text(ytd: YearToDate, given: pd.Timestamp, basis_words: str) -> str:
    """The paragraph's sentences for :func:`year_to_date`'s result, figures formatted.

    ``given`` is the date of the guidance range, ``basis_words`` the basis as the page names
    it (e.g. ``"headline basis"``).
    """
    span = {
        1: quarter(ytd.quarters[0]),
        2: f"the first half of {ytd.year}",
        3: f"the first three quarters of {ytd.year}",
    }[len(ytd.quarters)]
    ocf = (
        f"against operating cash flow of {usd_bn(ytd.ocf)}"
        if ytd.ocf is not None
        else "(operating cash flow for every one of these quarters is not in our sources)"
    )
    left = 4 - len(ytd.quarters)
    text = (
        f"In {span} Meta's capex on the {basis_words} came to {usd_bn(ytd.capex)}, {ocf}. "
        f"The latest guidance, {usd_range_bn(ytd.rest_low + ytd.capex, ytd.rest_high + ytd.capex)}"
        f" given on {date(given)}, leaves {usd_range_bn(ytd.rest_low, ytd.rest_high)} for the "
        f"other {left} quarter{'s' if left != 1 else ''} of {ytd.year}, "
        f"{usd_range_bn(ytd.per_quarter_low, ytd.per_quarter_high)} a quarter against "
        f"{usd_bn(ytd.latest_capex)} in {quarter(ytd.quarters[-1])} (our arithmetic). "
        f"Buybacks and dividends: {'; '.join(_payout_text(q, p) for q, p in ytd.payouts.items())}."
    )
    if ytd.debt.empty:
        return text + f" Our sources hold no debt raised in {ytd.year}."
    deals = [
        f"{usd_bn(r.amount_usd_bn, 0) if pd.notna(r.amount_usd_bn) else 'an unstated amount'}, "
        f"{r.counterparty}, {date(r.date, r.date_precision)}, "
        f"{'priced or signed' if r.stage == 'signed' else 'talks only'}"
        for r in ytd.debt.itertuples()
    ]
    return (
        text + f" Debt raised or sought in {ytd.year} in our sources: {'; '.join(deals)}. "
        "Their coupons and ratings are not in our sources; the chart of financing and compute deals shows what "
        "each source states of them."
    )


def watch_lists(watch: pd.DataFrame, edition: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``watch_list`` table split for the page: (upcoming, happened but unsourced).

    Upcoming rows are those dated after ``edition`` and not marked ``happened_unsourced``, in
    date order (a month- or year-precision date at its first day, so "2027" precedes "April
    2027"); both frames gain ``when`` (the date as written at its precision).
    """
    status = watch["status"].fillna("upcoming") if "status" in watch else "upcoming"
    rows = watch.assign(
        when=[fmt_date(d, p) for d, p in zip(watch["date"], watch["date_precision"], strict=True)]
    )
    happened = rows[status == "happened_unsourced"].sort_values("date")
    upcoming = rows[(status != "happened_unsourced") & (rows["date"] > edition)]
    return upcoming.sort_values(["date", "event"]).reset_index(drop=True), happened.reset_index(
        drop=True
    )


def happened_text(happened: pd.DataFrame) -> str:
    """A sentence naming what happened by the edition date but is missing from our sources."""
    if happened.empty:
        return "Nothing that our sources show happened by the edition date is missing its figures."
    items = "; ".join(f"{r.when}: {r.event}" for r in happened.itertuples())
    return f"Already happened, but not in our sources: {items}."
