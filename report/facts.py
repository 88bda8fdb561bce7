"""Named facts: each headline quantity shown on more than one page, computed once.

A chapter never computes one of these its own way: it calls the function here and glues the
result with :func:`glue_fact` under the name ``fact-<name>`` (and ``fact-<name>-as-of``), so every
page that shows the fact shows the same value, with the date of the newest row it rests on.
``tests/test_facts.py`` builds the book and fails when two pages glue different text for the
same named fact.

Each function takes the loaded tables it needs (``report.data.load`` frames) and ``sources``,
and returns a :class:`Fact`. Money is in USD billions unless the name says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from report.data.bases import (
    CAPEX_BASIS,
    CAPEX_BASIS_SHORT,
    FCF_DEFINITION,
    FCF_DEFINITION_SHORT,
)
from report.data.sourcing import all_ids, preferred, split_ids
from report.show import figures

#: Statuses of a pay report, strongest confirmation first (compensation_reports.status).
OFFER_STATUS_WORDS = {
    "company_statement": "confirmed by the payer",
    "press_report": "reported, not confirmed",
    "third_party_claim": "claimed by a third party, not confirmed",
    "denied": "denied by Meta",
}


@dataclass(frozen=True)
class Fact:
    """One named fact: its value, the text every page shows, and what it rests on.

    ``as_of`` is the date of the newest row the value rests on (None when undated);
    ``source_ids`` the sources of those rows; ``detail`` optional words for a key-figure card.
    """

    name: str
    value: object
    text: str
    as_of: pd.Timestamp | None
    source_ids: tuple[str, ...] = ()
    detail: str = ""
    parts: dict = field(default_factory=dict)
    #: The precision of ``as_of``: day | month | quarter | year.
    as_of_precision: str = "day"

    @property
    def as_of_text(self) -> str:
        """``as of 29 July 2026`` (``as of 2025`` for a year; ``undated`` when no date)."""
        if self.as_of is None:
            return "undated"
        return f"as of {figures.date(self.as_of, self.as_of_precision)}"

    @property
    def key_figure_as_of(self) -> dict:
        """``KeyFigure`` keywords (``as_of``, ``as_of_precision``) for a card showing this fact."""
        return {"as_of": self.as_of, "as_of_precision": self.as_of_precision}


def glue_fact(fact: Fact) -> None:
    """Glue ``fact-<name>`` (the text) and ``fact-<name>-as-of`` for ``{glue:text}``."""
    figures.glue_text(f"fact-{fact.name}", fact.text)
    figures.glue_text(f"fact-{fact.name}-as-of", fact.as_of_text)


def _newest(dates: pd.Series) -> pd.Timestamp | None:
    dates = pd.to_datetime(dates, errors="coerce").dropna()
    return None if dates.empty else pd.Timestamp(dates.max())


def scale_price(deal_facts: pd.DataFrame, sources: pd.DataFrame) -> Fact:
    """What Meta paid for its Scale AI stake (USD bn), from the strongest source.

    Raises ``ValueError`` when no ``investment_amount`` row exists.
    """
    rows = deal_facts[deal_facts["fact"] == "investment_amount"].dropna(subset=["value"])
    if rows.empty:
        raise ValueError("deal_facts has no investment_amount row")
    best = preferred(rows, ["fact"], sources).iloc[0]
    return Fact(
        "scale-price",
        float(best["value"]),
        figures.usd_bn(float(best["value"])),
        _newest(pd.Series([best["date"]])),
        tuple(split_ids(best["source_id"])),
    )


def scale_stake(deal_facts: pd.DataFrame, sources: pd.DataFrame) -> Fact:
    """The share of Scale AI Meta bought (percent), from the strongest source."""
    rows = deal_facts[deal_facts["fact"] == "stake_pct"].dropna(subset=["value"])
    if rows.empty:
        raise ValueError("deal_facts has no stake_pct row")
    best = preferred(rows, ["fact"], sources).iloc[0]
    return Fact(
        "scale-stake",
        float(best["value"]),
        f"{float(best['value']):g}%",
        _newest(pd.Series([best["date"]])),
        tuple(split_ids(best["source_id"])),
    )


def releases_since(releases: pd.DataFrame, formed: pd.Timestamp, sources: pd.DataFrame) -> Fact:
    """Meta's models released since the lab was formed, from ``model_releases``.

    Counts one row per model (the preferred source), developer Meta, status ``released``, dated
    strictly after ``formed``, whichever Meta group made it (FAIR included). ``parts`` gives the
    open-weight and closed counts, ``not stated`` where a release's openness is unknown, and the
    first of these releases (``first_model``, ``first_date``, ``first_precision``; None if none).
    """
    one = preferred(releases, ["developer", "model"], sources)
    meta = one[
        (one["developer"] == "Meta") & (one["status"] == "released") & (one["date"] > formed)
    ]
    newest = figures.as_of(meta, "date", "date_precision" if "date_precision" in meta else None)
    openness = (
        meta["open_weights"].map({True: "open weights", False: "closed"}).fillna("not stated")
    )
    parts: dict = {k: int((openness == k).sum()) for k in ["open weights", "closed", "not stated"]}
    first = meta.sort_values("date").head(1)
    parts["first_model"] = str(first["model"].iloc[0]) if len(first) else None
    parts["first_date"] = pd.Timestamp(first["date"].iloc[0]) if len(first) else None
    parts["first_precision"] = (
        str(first["date_precision"].iloc[0])
        if len(first) and "date_precision" in first and pd.notna(first["date_precision"].iloc[0])
        else "day"
    )
    detail = f"{parts['open weights']} open-weight, {parts['closed']} closed"
    if parts["not stated"]:
        detail += f", {parts['not stated']} not stated"
    return Fact(
        "releases-since-formation",
        len(meta),
        str(len(meta)),
        newest["as_of"],
        tuple(all_ids(meta["source_id"])),
        detail,
        parts,
        newest["as_of_precision"],
    )


def leaders_left(leadership: pd.DataFrame, formed: pd.Timestamp) -> Fact:
    """People of the leadership roster who left a role after ``formed``, of everyone in it.

    The base is every person in the roster, whatever their start date (an unknown start is not
    a reason to drop someone); a person counts as having left when a role of theirs ended after
    ``formed``. The text reads ``5 of 16``.
    """
    people = leadership["person"].nunique()
    ended = leadership[leadership["end"].notna() & (leadership["end"] > formed)]
    left = ended["person"].nunique()
    newest = figures.as_of(ended, "end", "end_precision" if "end_precision" in ended else None)
    return Fact(
        "leaders-left",
        left,
        f"{left} of {people}",
        newest["as_of"],
        tuple(all_ids(ended["source_id"])),
        f"people in the leadership roster whose role ended after {figures.short_date(formed)}",
        {"left": left, "people": people},
        newest["as_of_precision"],
    )


def largest_offer(reports: pd.DataFrame, hires: pd.DataFrame | None = None) -> Fact:
    """The largest pay package reported for a Meta recruit, with what became of it.

    Among Meta's pay reports with a ``high_usd_m``, the largest figure; its status is the
    strongest word any source gives for that same person and figure (a denial is said). When the
    person appears in ``hires``, the text says that they joined Meta and when. USD millions.
    """
    meta = reports[(reports["organisation"] == "Meta") & reports["high_usd_m"].notna()]
    if meta.empty:
        raise ValueError("compensation_reports has no Meta pay figure")
    top = meta[meta["high_usd_m"] == meta["high_usd_m"].max()]
    subject = str(top["subject"].iloc[0]).split(" (")[0].split(":")[0]
    statuses = set(top["status"])
    status = next(s for s in OFFER_STATUS_WORDS if s in statuses)
    if "denied" in statuses:
        status = "denied"
    words = OFFER_STATUS_WORDS[status]
    joined = None
    if hires is not None and not hires.empty:
        match = hires[hires["person"].str.startswith(subject)]
        if not match.empty and match["date_reported"].notna().any():
            joined = match["date_reported"].min()
    text = f"{figures.usd_m(float(top['high_usd_m'].iloc[0]))}, for {subject}, {words}"
    if joined is not None:
        text += f"; he joined Meta later, reported {figures.date(joined)}"
    return Fact(
        "largest-offer",
        float(top["high_usd_m"].iloc[0]),
        text,
        _newest(top["reported_date"]),
        tuple(all_ids(top["source_id"])),
        words,
        {"subject": subject, "status": status, "joined": joined},
    )


def reality_labs_losses(reality_labs: pd.DataFrame, sources: pd.DataFrame, since: int) -> Fact:
    """Reality Labs operating losses summed from fiscal ``since`` to the latest year (USD bn).

    Our sum of the preferred source's annual loss; years without a loss figure are left out and
    named in ``parts['missing']``.
    """
    rows = preferred(
        reality_labs.dropna(subset=["operating_loss_usd_bn"]), ["fiscal_year"], sources
    )
    rows = rows[rows["fiscal_year"] >= since].sort_values("fiscal_year")
    last = int(rows["fiscal_year"].max())
    missing = sorted(set(range(since, last + 1)) - set(rows["fiscal_year"].astype(int)))
    total = float(rows["operating_loss_usd_bn"].sum())
    return Fact(
        "reality-labs-losses",
        total,
        figures.usd_bn(total, 0),
        pd.Timestamp(f"{last}-12-31"),
        tuple(all_ids(rows["source_id"])),
        f"our sum of {since}–{last}",
        {"since": since, "last": last, "missing": missing},
        "year",
    )


def capex_latest(capex_annual: pd.DataFrame, sources: pd.DataFrame) -> Fact:
    """Meta's capex in its latest fiscal year on the book's basis (:data:`CAPEX_BASIS`), USD bn.

    ``text`` is the amount (``$72.2 billion``); ``detail`` names the year and the basis;
    ``parts`` holds ``year`` and ``basis``. Raises ``ValueError`` when no row is on that basis.
    """
    from report.chapters.infrastructure import capex_series

    series = capex_series(capex_annual, CAPEX_BASIS, sources)
    if series.empty:
        raise ValueError(f"capex_annual has no rows on the {CAPEX_BASIS} basis")
    last = series.iloc[-1]
    year = int(last["fiscal_year"])
    return Fact(
        "capex-latest",
        float(last["capex_usd_bn"]),
        figures.usd_bn(float(last["capex_usd_bn"])),
        pd.Timestamp(f"{year}-12-31"),
        tuple(split_ids(last["source_id"])),
        f"{year}, {CAPEX_BASIS_SHORT[CAPEX_BASIS]}",
        {"year": year, "basis": CAPEX_BASIS},
        "year",
    )


def fcf_latest(cash_flow: pd.DataFrame, sources: pd.DataFrame) -> Fact:
    """Meta's free cash flow in its latest fiscal year, on the book's definition, USD bn.

    Only full-year rows (``FY`` periods) whose ``definition`` is :data:`FCF_DEFINITION` count;
    a figure on another definition is never substituted. Raises ``ValueError`` when none is
    stated on that definition.
    """
    rows = cash_flow[
        (cash_flow["metric"] == "free_cash_flow")
        & cash_flow["period"].str.startswith("FY")
        & (cash_flow["definition"] == FCF_DEFINITION)
    ]
    if rows.empty:
        raise ValueError(
            f"cash_flow states no annual free cash flow on the {FCF_DEFINITION!r} definition"
        )
    best = preferred(rows, ["period"], sources).sort_values("period_end").iloc[-1]
    year = int(str(best["period"])[2:])
    return Fact(
        "fcf-latest",
        float(best["value_usd_bn"]),
        figures.usd_bn(float(best["value_usd_bn"])),
        pd.Timestamp(best["period_end"]),
        tuple(split_ids(best["source_id"])),
        f"{year}, {FCF_DEFINITION_SHORT[FCF_DEFINITION]}",
        {"year": year, "definition": FCF_DEFINITION},
        "year",
    )


#: First fiscal year of the named "capex since" fact (parameters never move it).
CAPEX_SINCE_YEAR = 2024


def capex_since(
    capex_annual: pd.DataFrame, sources: pd.DataFrame, since: int = CAPEX_SINCE_YEAR
) -> Fact:
    """Meta's capital expenditures summed from fiscal ``since`` to the latest year (USD bn).

    Headline basis (including principal payments on finance leases), one row per year from the
    strongest source, as the infrastructure chapter's series. ``as_of`` is the latest fiscal
    year (year precision). Raises ``ValueError`` when no year from ``since`` is in the data.
    """
    from report.chapters.infrastructure import capex_series

    series = capex_series(capex_annual, CAPEX_BASIS, sources)
    rows = series[series["fiscal_year"] >= since]
    if rows.empty:
        raise ValueError(f"capex_annual has no headline capex from {since}")
    total = float(rows["capex_usd_bn"].sum())
    last = int(rows["fiscal_year"].max())
    return Fact(
        f"capex-since-{since}",
        total,
        figures.usd_bn(total),
        pd.Timestamp(f"{last}-12-31"),
        tuple(all_ids(rows["source_id"])),
        f"{since}–{last}, headline basis",
        {"since": since, "last": last},
        "year",
    )


#: Glue names that are each page's own by design (not one fact shown on several pages), each
#: with its reason. Every other name glued on two pages must show one text.
PAGE_LOCAL = {
    "window_from": "each chapter's own date window, a parameter of that chapter",
}


def check_named_facts(glued: dict[str, dict[str, str]]) -> list[str]:
    """Every glue name shown by two or more pages with different texts.

    ``glued`` maps a notebook name to its glued texts (as in ``_build/figures.json``). A name
    glued on two pages is one quantity and must read the same everywhere: a named fact
    (``fact-<name>``) or any other name, except those in :data:`PAGE_LOCAL`. Returns one
    message per disagreeing name, naming each page and the text it shows; empty when every
    page agrees.
    """
    by_name: dict[str, dict[str, str]] = {}
    for page, values in glued.items():
        for key, text in values.items():
            if key not in PAGE_LOCAL:
                by_name.setdefault(key, {})[page] = text
    problems = []
    for key, pages in sorted(by_name.items()):
        if len(set(pages.values())) > 1:
            shown = "; ".join(f"{page}: {text!r}" for page, text in sorted(pages.items()))
            what = f"named fact {key[5:]!r}" if key.startswith("fact-") else f"glue name {key!r}"
            problems.append(f"{what} differs between pages ({shown})")
    return problems


#: The event that marks the lab's formation for the named facts (parameters never move it).
MSL_FORMATION_EVENT = "msl-formed"


def lab_formed(lab_events: pd.DataFrame, sources: pd.DataFrame) -> pd.Timestamp:
    """The date Meta Superintelligence Labs was formed (event ``msl-formed``, strongest source).

    Raises ``ValueError`` when the event is missing from ``lab_events``.
    """
    rows = lab_events[lab_events["event_id"] == MSL_FORMATION_EVENT]
    if rows.empty:
        raise ValueError(f"lab_events has no {MSL_FORMATION_EVENT!r} event")
    return pd.Timestamp(preferred(rows, ["event_id"], sources)["date"].iloc[0])
