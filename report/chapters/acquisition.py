"""Computations and charts of the acquisition chapter: the Scale AI deal and its comparables.

Over 400 lines because the chapter follows the deal through five tables (the price and what it
implies, the comparable deals, the price per person, the aftermath with Meta's accounting and
the regulators' review, Scale's finances), each with the words its prose glues.
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd

from report.data.sourcing import preferred
from report.show.figures import and_list, as_of, date, newest_as_of, period_of, usd_bn
from report.show.marks import (
    date_known_opacity,
    date_spans,
    date_tooltips,
    event_marks,
    level_rule,
    top_rows,
    with_date_spans,
)

STRUCTURE_LABELS = {
    "acquisition": "Acquisition",
    "minority_stake": "Minority stake",
    "licence_and_hire": "Licence and hire",
}
AFTERMATH_LABELS = {
    "customer_exit": "Customer pulled back",
    "layoff": "Layoffs",
    "leadership": "Leadership",
    "meta_scale_relationship": "Meta and Scale",
    "legal": "Legal and regulatory",
    "other": "Other",
}


def implied_valuation(amount_usd_bn: float, stake_pct: float) -> float:
    """The whole company's value implied by paying ``amount`` for ``stake_pct`` percent."""
    if not 0 < stake_pct <= 100:
        raise ValueError(f"stake_pct must be in (0, 100], got {stake_pct}")
    if amount_usd_bn < 0:
        raise ValueError("amount_usd_bn cannot be negative")
    return amount_usd_bn / (stake_pct / 100)


def premium(value: float, previous: float) -> float:
    """How much higher ``value`` is than ``previous``, as a fraction."""
    if previous <= 0:
        raise ValueError("previous valuation must be positive")
    return value / previous - 1


def fact(facts: pd.DataFrame, name: str, sources: pd.DataFrame) -> pd.Series:
    """The preferred row for one fact."""
    rows = facts[facts["fact"] == name]
    if rows.empty:
        raise KeyError(f"no deal fact {name!r}")
    return preferred(rows, ["fact"], sources).iloc[0]


def previous_round(
    valuations: pd.DataFrame, before: pd.Timestamp, sources: pd.DataFrame
) -> pd.Series:
    """The last priced round before ``before`` (tender talks and deal estimates excluded)."""
    rounds = valuations[
        (valuations["date"] < before) & valuations["round"].fillna("").str.contains("Series")
    ]
    if rounds.empty:
        raise KeyError(f"no priced round before {before:%Y-%m-%d}")
    best = preferred(rounds, ["date"], sources)
    return best.sort_values("date").iloc[-1]


def sensitivity(amounts: list[float], stakes: list[float]) -> pd.DataFrame:
    """Implied valuation for every combination of reported amount and stake."""
    return pd.DataFrame(
        [
            {"amount_usd_bn": a, "stake_pct": s, "valuation_usd_bn": implied_valuation(a, s)}
            for a in amounts
            for s in stakes
        ]
    )


def completed_deals(deals: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """One row per completed deal, the preferred source's amount."""
    done = deals[deals["outcome"] == "completed"]
    with_amount = done.dropna(subset=["amount_usd_bn"])
    best = preferred(with_amount, ["acquirer", "target"], sources)
    no_amount = done[
        ~done.set_index(["acquirer", "target"]).index.isin(
            best.set_index(["acquirer", "target"]).index
        )
    ]
    rest = preferred(no_amount, ["acquirer", "target"], sources) if len(no_amount) else no_amount
    out = pd.concat([best, rest], ignore_index=True)
    out["structure_label"] = out["structure"].map(STRUCTURE_LABELS)
    out["deal"] = out["acquirer"] + " – " + out["target"]
    return out.sort_values("date").reset_index(drop=True)


def by_structure(deals: pd.DataFrame) -> pd.DataFrame:
    """Count and reported value of completed deals per structure (amounts only where reported)."""
    grouped = deals.groupby("structure_label").agg(
        deals=("deal", "size"),
        with_amount=("amount_usd_bn", "count"),
        total_usd_bn=("amount_usd_bn", "sum"),
        largest_usd_bn=("amount_usd_bn", "max"),
    )
    return grouped.reset_index().sort_values("total_usd_bn", ascending=False).reset_index(drop=True)


def per_person(deals: pd.DataFrame) -> pd.DataFrame:
    """Price per person moved, for completed deals where one source reports both figures.

    Works on the raw rows (one per source): the head count is often reported by a different
    source than the one preferred for the amount, and the two are only divided when a single
    source gives both.
    """
    rows = deals[deals["outcome"] == "completed"].dropna(subset=["amount_usd_bn", "people_moved"])
    rows = rows[rows["people_moved"] > 0].copy()
    rows["deal"] = rows["acquirer"] + " – " + rows["target"]
    rows = rows.drop_duplicates(["acquirer", "target"], keep="first")
    rows["usd_m_per_person"] = rows["amount_usd_bn"] * 1000 / rows["people_moved"].astype(float)
    return rows.sort_values("usd_m_per_person", ascending=False).reset_index(drop=True)


# ---------------------------------------------------------------- charts


def sensitivity_chart(
    grid: pd.DataFrame, stake_pct: float, amount_usd_bn: float, previous: float
) -> alt.LayerChart:
    """Implied valuation against the stake, one line per reported amount; the round before."""
    grid = grid.copy()
    grid["amount"] = grid["amount_usd_bn"].map(lambda a: f"${a:g}bn paid")
    lines = (
        alt.Chart(grid)
        .mark_line()
        .encode(
            x=alt.X("stake_pct:Q", title="Stake bought (%)"),
            y=alt.Y("valuation_usd_bn:Q", title="Implied valuation of Scale AI (USD bn)"),
            color=alt.Color("amount:N", title=None),
            tooltip=[
                alt.Tooltip("amount:N", title="Paid"),
                alt.Tooltip("stake_pct:Q", title="Stake (%)", format=".0f"),
                alt.Tooltip(
                    "valuation_usd_bn:Q", title="Implied valuation (USD bn)", format=",.1f"
                ),
            ],
        )
    )
    point = (
        alt.Chart(
            pd.DataFrame(
                [
                    {
                        "stake_pct": stake_pct,
                        "valuation_usd_bn": implied_valuation(amount_usd_bn, stake_pct),
                        "label": "This edition's parameters",
                    }
                ]
            )
        )
        .mark_point(size=160, filled=True, color="#000000")
        .encode(
            x="stake_pct:Q",
            y="valuation_usd_bn:Q",
            tooltip=[
                alt.Tooltip("label:N", title=""),
                alt.Tooltip("stake_pct:Q", title="Stake (%)"),
                alt.Tooltip(
                    "valuation_usd_bn:Q", title="Implied valuation (USD bn)", format=",.1f"
                ),
            ],
        )
    )
    floor = level_rule(previous, "Previous priced round")
    return (lines + floor + point).properties(
        width="container",
        height=280,
        title=alt.Title(
            "What the price implies about Scale AI's value",
            subtitle="Amount ÷ stake; large point: this edition's parameters; dashed: the previous priced round",
        ),
        description=(
            "Line chart of Scale AI's implied valuation as a function of the stake bought, one line "
            "per reported amount paid, with the edition's parameters marked and the previous round's "
            "valuation as a dashed line."
        ),
    )


def comparables_chart(deals: pd.DataFrame) -> alt.LayerChart:
    """Completed deals with a reported amount: date, amount and structure (the largest 150)."""
    rows, _ = top_rows(deals.dropna(subset=["amount_usd_bn"]), "amount_usd_bn", 150)
    rows = with_date_spans(rows)
    y = alt.Y("amount_usd_bn:Q", title="Amount (USD bn)")
    colour = alt.Color("structure_label:N", title="Structure", sort=list(STRUCTURE_LABELS.values()))
    points = (
        alt.Chart(rows)
        .mark_circle(stroke="#333333", strokeWidth=0.5)
        .encode(
            x=alt.X("when_at:T", title="Date", axis=alt.Axis(format="%b %Y")),
            y=y,
            size=alt.Size("amount_usd_bn:Q", legend=None, scale=alt.Scale(range=[60, 1000])),
            color=colour,
            opacity=date_known_opacity(rows=rows),
            tooltip=[
                alt.Tooltip("deal:N", title="Deal"),
                alt.Tooltip("structure_label:N", title="Structure"),
                alt.Tooltip("amount_usd_bn:Q", title="USD bn", format=",.2f"),
                *date_tooltips(),
                alt.Tooltip("key_people:N", title="Who moved"),
                alt.Tooltip("note:N", title="Note"),
            ],
        )
    )
    return alt.layer(date_spans(rows, "Date", y, colour), points).properties(
        width="container",
        height=300,
        title=alt.Title(
            "The deals of the AI race, priced",
            subtitle="Completed deals with a reported amount, by structure; pale bubbles over a bar: month known only",
        ),
        description=(
            "Bubble chart of AI deals from 2024 by date and reported amount in US dollars, "
            "coloured by structure: acquisition, minority stake, or licence and hire; deals "
            "dated only to a month are pale, mid-month, over a bar spanning the month."
        ),
    )


def per_person_chart(rows: pd.DataFrame) -> alt.Chart:
    """Price per person moved, where reported (the 40 highest)."""
    rows, _ = top_rows(rows, "usd_m_per_person", 40)
    return (
        alt.Chart(rows)
        .mark_bar(color="#CC79A7")
        .encode(
            y=alt.Y("deal:N", title=None, sort="-x"),
            x=alt.X("usd_m_per_person:Q", title="USD m per person moved"),
            tooltip=[
                alt.Tooltip("deal:N", title="Deal"),
                alt.Tooltip("amount_usd_bn:Q", title="Amount (USD bn)", format=",.2f"),
                alt.Tooltip("people_moved:Q", title="People moved"),
                alt.Tooltip("usd_m_per_person:Q", title="USD m per person", format=",.0f"),
            ],
        )
        .properties(
            width="container",
            height=max(120, 40 * len(rows)),
            title=alt.Title(
                "Price per person moved",
                subtitle="Only deals where both the amount and a head count are reported",
            ),
            description="Bar chart of the reported deal amount divided by the number of people who moved.",
        )
    )


def aftermath_chart(rows: pd.DataFrame) -> alt.Chart | alt.LayerChart:
    """What followed the deal, by kind (counted per month once there are many events)."""
    data = event_marks(rows, "date", "type", "description")
    data["type_label"] = data["type"].map(AFTERMATH_LABELS)
    order = list(AFTERMATH_LABELS.values())
    aggregated = bool(data["aggregated"].any())
    y = alt.Y("type_label:N", title=None, sort=order)
    colour = alt.Color("type_label:N", sort=order, legend=None)
    if aggregated:
        tooltip = [
            alt.Tooltip("date:T", title="Month", format="%B %Y"),
            alt.Tooltip("type_label:N", title="Kind"),
            alt.Tooltip("what:N", title="What happened"),
            alt.Tooltip("count:Q", title="Events"),
        ]
        x = alt.X("date:T", title="Date", axis=alt.Axis(format="%b %Y"))
        extra = {"size": alt.Size("count:Q", legend=None, scale=alt.Scale(range=[120, 600]))}
    else:
        # A date known only to the month or year sits mid-period, paler, over a span of it.
        data = with_date_spans(data.assign(count_reported=rows["count"].values))
        tooltip = [
            *date_tooltips(),
            alt.Tooltip("type_label:N", title="Kind"),
            alt.Tooltip("what:N", title="What happened"),
            alt.Tooltip("count_reported:Q", title="Number"),
            *(
                [alt.Tooltip("amount_usd_bn:Q", title="Amount (USD bn)", format=",.2f")]
                if "amount_usd_bn" in data.columns
                else []
            ),
            alt.Tooltip("source_id:N", title="Source"),
        ]
        x = alt.X("when_at:T", title="Date", axis=alt.Axis(format="%b %Y"))
        extra = {"size": alt.value(120), "opacity": date_known_opacity(rows=data)}
    points = (
        alt.Chart(data)
        .mark_point(filled=True)
        .encode(x=x, y=y, color=colour, tooltip=tooltip, **extra)
    )
    chart = points if aggregated else alt.layer(date_spans(data, "Date", y, colour), points)
    return chart.properties(
        width="container",
        height=240,
        title=alt.Title(
            "After the deal",
            subtitle="What followed for Scale AI and for Meta's lab; pale marks over a bar: month or year known only",
        ),
        description=(
            "Timeline of events after Meta's investment in Scale AI, by kind: customers pulling "
            "back, layoffs, leadership changes, the Meta-Scale relationship, legal steps, other."
        ),
    )


def layoff_rows(aftermath: pd.DataFrame) -> pd.DataFrame:
    """Scale AI's own layoff rows among the aftermath rows: the rows :func:`scale_layoffs` uses.

    Layoffs that are Meta's own (their description names Meta) are left out.
    """
    return aftermath[
        (aftermath["type"] == "layoff") & ~aftermath["description"].str.contains("Meta", case=False)
    ]


def scale_layoffs(aftermath: pd.DataFrame) -> dict[str, float]:
    """Scale AI's July 2025 cuts from the aftermath rows: full-time staff and contractors.

    Layoff rows that are Meta's own (their description names Meta) are left out.
    """
    cuts = layoff_rows(aftermath)
    staff = cuts[cuts["description"].str.contains("full-time", case=False)]["count"]
    contractors = cuts[
        cuts["description"].str.contains("contractor", case=False)
        & ~cuts["description"].str.contains("full-time", case=False)
    ]["count"]
    return {
        "staff": float(staff.max()) if staff.notna().any() else float("nan"),
        "contractors": float(contractors.max()) if contractors.notna().any() else float("nan"),
    }


def layoff_when(aftermath: pd.DataFrame) -> str:
    """When Scale's staff cut with the largest full-time figure happened, at its precision."""
    cuts = layoff_rows(aftermath)
    staff = cuts[cuts["description"].str.contains("full-time", case=False)].dropna(subset=["count"])
    if staff.empty:
        return "n/a"
    row = staff.sort_values("count", ascending=False).iloc[0]
    return date(row["date"], row.get("date_precision") or "day")


# ---------------------------------------------------------------- after the deal


def customers_lost(aftermath: pd.DataFrame) -> list[str]:
    """Scale's customers that pulled back, in date order, each once.

    Our descriptions of ``customer_exit`` rows start with the customer's name ("Google halts
    several projects ..."), so the first word names it.
    """
    rows = aftermath[aftermath["type"] == "customer_exit"].sort_values("date", kind="stable")
    return list(dict.fromkeys(str(d).split()[0] for d in rows["description"]))


def period_words(rows: pd.DataFrame, date_col: str = "date") -> str:
    """The time the rows' dates cover, in words: ``in June 2025``, ``between 1 June and ...``.

    Each date covers its whole period (a month-only date its month). One month: ``in June
    2025``; one day: ``on 14 June 2025``; else ``between <first day> and <last day>``.
    """
    spans = [
        period_of(d, p if isinstance(p, str) else "day")
        for d, p in zip(rows[date_col], rows.get("date_precision", [None] * len(rows)), strict=True)
        if pd.notna(d)
    ]
    if not spans:
        return "on dates our sources do not give"
    first, last = min(s for s, _ in spans), max(e for _, e in spans)
    if first == last:
        return f"on {date(first)}"
    if first.to_period("M") == last.to_period("M") and first.day == 1 and last.is_month_end:
        return f"in {date(first, 'month')}"
    return f"between {date(first)} and {date(last)}"


def stake_accounting(aftermath: pd.DataFrame) -> pd.DataFrame:
    """What Meta's filings say of its Scale stake: the aftermath rows that state an amount.

    Rows of type ``meta_scale_relationship`` with an ``amount_usd_bn`` (the amount at which a
    filing carries the stake), oldest first; empty when the table has no such column.
    """
    if "amount_usd_bn" not in aftermath.columns:
        return aftermath.iloc[0:0]
    rows = aftermath[
        (aftermath["type"] == "meta_scale_relationship") & aftermath["amount_usd_bn"].notna()
    ]
    return rows.sort_values("date").reset_index(drop=True)


#: How a filing may book a minority stake, as our descriptions name it, and in words.
ACCOUNTING_BASES = {
    "measurement alternative": "under the measurement alternative, not the equity method",
    "equity method": "under the equity method",
}


def accounting_text(rows: pd.DataFrame) -> dict[str, str]:
    """Meta's accounting of the stake in words, from :func:`stake_accounting` rows.

    ``amounts``: ``$13.79 billion at 30 June 2025 and $13.80 billion at 31 December 2025``;
    ``basis``: how every filing books it (``under the measurement alternative, not the equity
    method``; the filings' bases listed when they differ; ``not stated`` when none says);
    ``latest``: the newest amount; ``none`` texts when the rows are empty.
    """
    if rows.empty:
        return {"amounts": "no amount in our sources", "basis": "not stated", "latest": "n/a"}
    amounts = and_list(
        [
            f"{usd_bn(v, 2)} at {date(d, p if isinstance(p, str) else 'day')}"
            for v, d, p in zip(
                rows["amount_usd_bn"], rows["date"], rows["date_precision"], strict=True
            )
        ]
    )
    found = []
    for text in rows["description"]:
        found.append(next((b for b in ACCOUNTING_BASES if b in str(text).lower()), None))
    if all(f == found[0] for f in found) and found[0]:
        basis = ACCOUNTING_BASES[found[0]]
    elif any(found):
        basis = and_list([ACCOUNTING_BASES[f] for f in dict.fromkeys(found) if f])
    else:
        basis = "not stated"
    return {
        "amounts": amounts,
        "basis": basis,
        "latest": usd_bn(float(rows["amount_usd_bn"].iloc[-1]), 2),
    }


#: Words that mark a legal row as a step toward a regulator's review of the deal.
REGULATOR = re.compile(r"\b(FTC|DOJ|regulator|antitrust)\b", re.IGNORECASE)


def regulatory_steps(aftermath: pd.DataFrame) -> pd.DataFrame:
    """The ``legal`` aftermath rows that are steps toward a regulator's review, oldest first.

    A row counts when its description names the FTC, the DOJ, a regulator or antitrust.
    """
    legal = aftermath[aftermath["type"] == "legal"]
    steps = legal[legal["description"].map(lambda d: bool(REGULATOR.search(str(d))))]
    return steps.sort_values("date").reset_index(drop=True)


def newest_row(tables: dict[str, tuple[pd.DataFrame, str, str | None, str]]) -> dict:
    """The newest dated row across the chapter's tables: where its record reaches.

    ``tables`` maps a table name to ``(frame, date column, precision column or None, text
    column)``. Returns ``as_of`` and ``as_of_precision`` (as :func:`figures.as_of`), the
    ``table`` it is in and its ``text``; a tie goes to the coarser precision. Tables dated
    by year only (``scale_revenue``) are left out by the caller: a year is never newer than
    the dated rows of the same year.
    """
    found = []
    for name, (frame, col, precision, text) in tables.items():
        got = as_of(frame, col, precision)
        if got["as_of"] is None:
            continue
        at = frame[pd.to_datetime(frame[col], errors="coerce") == got["as_of"]]
        words = at[text].dropna().astype(str)
        found.append({**got, "table": name, "text": words.iloc[0] if len(words) else ""})
    if not found:
        return {"as_of": None, "as_of_precision": "day", "table": None, "text": ""}
    return newest_as_of(*found)


#: The structures of the comparable deals as the prose names them (plural).
STRUCTURE_WORDS = {
    "acquisition": "outright acquisitions",
    "minority_stake": "minority stakes",
    "licence_and_hire": (
        '"licence and hire" deals that pay for a non-exclusive licence while the founders join '
        "the buyer"
    ),
}


def structure_words(deals: pd.DataFrame) -> list[str]:
    """The structures the deals use, in :data:`STRUCTURE_WORDS` order, as the prose names them."""
    present = set(deals["structure"])
    return [words for key, words in STRUCTURE_WORDS.items() if key in present]


#: Kinds of revenue figure (scale_revenue.status), in words.
REVENUE_KINDS = {
    "actual": "company figures",
    "reported_estimate": "reported estimates",
    "projected": "projections",
}


def finances_text(revenue: pd.DataFrame, valuations: pd.DataFrame) -> dict[str, str]:
    """What the record says of Scale's finances, in words.

    ``kinds``: the kinds of revenue figure present (``company figures, reported estimates and
    projections``); ``latest_actual``: the newest year with a company figure and the figure
    (``2024, $1.0 billion``); ``no_figure``: years a company statement gives no figure
    (``2025``; ``none`` when every statement has one); ``valuation``: the newest valuation,
    its date and round.
    """
    kinds = and_list([w for k, w in REVENUE_KINDS.items() if k in set(revenue["status"])])
    actual = revenue[revenue["status"] == "actual"]
    figured = actual.dropna(subset=["revenue_usd_m"]).sort_values("year")
    latest = (
        f"{int(figured['year'].iloc[-1])}, {usd_bn(figured['revenue_usd_m'].iloc[-1] / 1000)}"
        if len(figured)
        else "none"
    )
    blank = sorted(set(actual.loc[actual["revenue_usd_m"].isna(), "year"].astype(int)))
    blank = [y for y in blank if y not in set(figured["year"].astype(int))]
    newest = valuations.sort_values("date").iloc[-1]
    when = date(newest["date"], newest.get("date_precision") or "day")
    label = newest["round"] if isinstance(newest["round"], str) else "round not stated"
    return {
        "kinds": kinds,
        "latest_actual": latest,
        "no_figure": and_list([str(y) for y in blank]) or "none",
        "valuation": f"{usd_bn(newest['valuation_usd_bn'])} ({when}; {label})",
    }
