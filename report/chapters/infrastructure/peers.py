"""Infrastructure chapter, peers.

Meta's capex and capex intensity beside Microsoft, Alphabet, Amazon and Oracle, with their
fiscal years aligned as a parameter says.

Over 400 lines because peers are compared two ways (spending and stated compute), each with its
alignment rule and what that rule decides (the split-year sensitivity), its ranking year and
the words for every stated figure.
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd

from report.data.sourcing import preferred
from report.show.figures import and_list, ordinal, readable_code
from report.show.theme import present_scale

#: How fiscal years are placed on the time axis (the ``peer_alignment`` parameter).
ALIGNMENTS = ("calendar", "fiscal")
PEERS = ["Meta", "Microsoft", "Alphabet", "Amazon", "Oracle"]


def check_alignment(alignment: str, parameter: str = "peer_alignment") -> str:
    """Return ``alignment`` if known; otherwise raise ``ValueError`` naming the parameter."""
    if alignment not in ALIGNMENTS:
        raise ValueError(
            f"parameter {parameter}={alignment!r} is not an alignment; use one of {', '.join(ALIGNMENTS)}"
        )
    return alignment


def calendar_year(fiscal_year_end: pd.Timestamp, split: str = "end") -> int:
    """The calendar year holding most of the twelve months that end on ``fiscal_year_end``.

    A year ending 31 December is its own year; one ending 31 May (Oracle) has seven of its
    months in the previous calendar year, so it is placed there; one ending 30 June
    (Microsoft) is split six and six and is placed in the year it ends (``split="end"``, the
    book's rule) or the year it starts (``split="start"``, to show what the rule decides).
    """
    end = pd.Timestamp(fiscal_year_end)
    months_in_end_year = end.month
    if months_in_end_year == 6:
        return end.year if split == "end" else end.year - 1
    return end.year if months_in_end_year > 6 else end.year - 1


def peer_table(
    peer_financials: pd.DataFrame,
    meta_capex: pd.DataFrame,
    meta_revenue: pd.DataFrame,
    sources: pd.DataFrame,
    alignment: str,
    split: str = "end",
) -> pd.DataFrame:
    """Capex (purchases of property and equipment) and revenue per company and year, USD bn.

    ``meta_capex`` is Meta's purchases-basis series (``fiscal_year``, ``capex_usd_bn``,
    ``source_id``), ``meta_revenue`` its preferred annual revenue. Peers' rows come from
    ``peer_financials`` on the purchases basis only, so every company is measured alike.
    ``year`` is the fiscal year label (``alignment="fiscal"``) or the calendar year holding
    most of the fiscal year (``"calendar"``, see :func:`calendar_year`; ``split`` places a
    year split six and six). Columns: company,
    fiscal_year, fiscal_year_end, year, capex_usd_bn, revenue_usd_bn, intensity,
    source_id (capex and revenue sources joined by ';').
    """
    check_alignment(alignment)
    rows = peer_financials[
        (peer_financials["metric"] == "revenue") | (peer_financials["basis"] == "purchases_ppe")
    ]
    best = preferred(rows, ["company", "fiscal_year", "metric"], sources)
    wide = best.pivot_table(
        index=["company", "fiscal_year", "fiscal_year_end"],
        columns="metric",
        values="value_usd_bn",
        aggfunc="first",
    ).reset_index()
    ids = best.groupby(["company", "fiscal_year"])["source_id"].agg(";".join).reset_index()
    wide = wide.merge(ids, on=["company", "fiscal_year"])
    wide = wide.rename(columns={"capex": "capex_usd_bn", "revenue": "revenue_usd_bn"})
    meta = meta_capex[["fiscal_year", "capex_usd_bn", "source_id"]].merge(
        meta_revenue[["fiscal_year", "revenue_usd_bn", "source_id"]],
        on="fiscal_year",
        how="left",
        suffixes=("", "_rev"),
    )
    meta["source_id"] = meta["source_id"] + ";" + meta["source_id_rev"].fillna("")
    meta = meta.drop(columns="source_id_rev").assign(
        company="Meta",
        fiscal_year_end=[pd.Timestamp(f"{y}-12-31") for y in meta["fiscal_year"]],
    )
    out = pd.concat([wide, meta], ignore_index=True)
    out["fiscal_year"] = out["fiscal_year"].astype(int)
    out["year"] = (
        out["fiscal_year"]
        if alignment == "fiscal"
        else out["fiscal_year_end"].map(lambda end: calendar_year(end, split))
    )
    out["intensity"] = out["capex_usd_bn"] / out["revenue_usd_bn"]
    cols = [
        "company",
        "fiscal_year",
        "fiscal_year_end",
        "year",
        "capex_usd_bn",
        "revenue_usd_bn",
        "intensity",
        "source_id",
    ]
    return out[cols].sort_values(["company", "year"]).reset_index(drop=True)


def ranks(table: pd.DataFrame, year: int) -> pd.DataFrame:
    """Each company's rank in ``year`` on capex and on capex intensity (1 = highest).

    Only companies with both figures that year are ranked; ``of`` says how many were.
    """
    one = table[(table["year"] == year)].dropna(subset=["capex_usd_bn", "revenue_usd_bn"])
    out = one[["company", "capex_usd_bn", "intensity"]].copy()
    out["capex_rank"] = out["capex_usd_bn"].rank(ascending=False, method="min").astype(int)
    out["intensity_rank"] = out["intensity"].rank(ascending=False, method="min").astype(int)
    out["of"] = len(out)
    return out.sort_values("capex_rank").reset_index(drop=True)


def split_year_text(table_end: pd.DataFrame, table_start: pd.DataFrame, year: int) -> str:
    """What placing a six-and-six fiscal year in the year it starts would change, in words.

    ``table_end`` and ``table_start`` are :func:`peer_table` with ``split="end"`` (the book's
    rule) and ``split="start"``. Meta's capex rank in ``year`` is compared among the companies
    with a capex figure that year (capex needs no revenue). Returns ``""`` when the rule moves
    nothing, else ``placed in the year it starts, Microsoft's fiscal 2026 capex ($115.9
    billion) would fall in 2025 and Meta would rank fourth of 5 on capex``.
    """

    def capex_rank(table: pd.DataFrame) -> tuple[int, int]:
        one = table[table["year"] == year].dropna(subset=["capex_usd_bn"])
        rank = one["capex_usd_bn"].rank(ascending=False, method="min")
        return int(rank[one["company"] == "Meta"].iloc[0]), len(one)

    keys = ["company", "fiscal_year"]
    moved = table_start.merge(table_end[[*keys, "year"]], on=keys, suffixes=("", "_end"))
    moved = moved[(moved["year"] != moved["year_end"]) & (moved["year"] == year)]
    moved = moved.dropna(subset=["capex_usd_bn"])
    if moved.empty or "Meta" not in set(table_start.loc[table_start["year"] == year, "company"]):
        return ""
    (before, _), (after, of) = capex_rank(table_end), capex_rank(table_start)
    which = and_list(
        [
            f"{r.company}'s fiscal {r.fiscal_year} capex (${r.capex_usd_bn:,.1f} billion)"
            for r in moved.itertuples()
        ]
    )
    outcome = (
        f"Meta would rank {ordinal(after)} of {of} on capex"
        if after != before
        else f"Meta would still rank {ordinal(after)} of {of} on capex"
    )
    return f"placed in the year it starts, {which} would fall in {year} and {outcome}"


def latest_common_year(table: pd.DataFrame) -> int:
    """The latest year in which every company has both capex and revenue."""
    full = table.dropna(subset=["capex_usd_bn", "revenue_usd_bn"])
    counts = full.groupby("year")["company"].nunique()
    complete = counts[counts == full["company"].nunique()]
    if complete.empty:
        raise ValueError("no year has capex and revenue for every company")
    return int(complete.index.max())


def ranking_year(table: pd.DataFrame, min_companies: int = 4) -> int:
    """The year peers are ranked on: Meta's latest full year that ``min_companies`` report.

    A ranking on an older year when a newer one is in the data would mislead, so the year is
    the latest with Meta's figures and at least ``min_companies`` companies (Meta included);
    a company without that year is named by :func:`year_gap_text`, not ranked. Raises
    ``ValueError`` when no year qualifies.
    """
    full = table.dropna(subset=["capex_usd_bn", "revenue_usd_bn"])
    counts = full.groupby("year")["company"].nunique()
    meta_years = set(full.loc[full["company"] == "Meta", "year"])
    years = [int(y) for y, n in counts.items() if n >= min_companies and y in meta_years]
    if not years:
        raise ValueError(f"no year has Meta and {min_companies} companies with capex and revenue")
    return max(years)


def year_gap_text(table: pd.DataFrame, year: int) -> str:
    """Why ``year`` is the ranking year: which companies lack a figure for the years after it.

    Returns, e.g., ``"the latest year with all 5; no 2026 figures for Alphabet and Meta;
    Microsoft 2026 capex but no 2026 revenue in our sources"``, or the first part alone when no
    later year has any figure. ``table`` is
    :func:`peer_table`'s output (``company``, ``year``, ``capex_usd_bn``, ``revenue_usd_bn``).
    """
    companies = sorted(table["company"].unique())
    have_now = set(
        table[table["year"] == year].dropna(subset=["capex_usd_bn", "revenue_usd_bn"])["company"]
    )
    lacking_now = [c for c in companies if c not in have_now]
    if lacking_now:
        names = and_list(lacking_now)
        return f"Meta's latest full year; {names}: no figure for it on this basis in our sources"
    text = f"the latest year with all {len(companies)}"
    later = table[table["year"] > year]
    if later.empty:
        return text
    nxt = int(later["year"].min())
    have = set(
        table[(table["year"] == nxt)].dropna(subset=["capex_usd_bn", "revenue_usd_bn"])["company"]
    )
    lacking = [c for c in companies if c not in have]
    if not lacking:
        return text
    partial = set(table[table["year"] == nxt].dropna(subset=["capex_usd_bn"])["company"])
    none = [c for c in lacking if c not in partial]
    half = [c for c in lacking if c in partial]
    parts = [f"no {nxt} figures for {and_list(none)}"] if none else []
    if half:
        parts.append(f"{and_list(half)} {nxt} capex but no {nxt} revenue in our sources")
    return f"{text}; " + "; ".join(parts)


def peers_chart(table: pd.DataFrame, measure: str) -> alt.Chart:
    """Lines per company over the aligned years: ``measure`` is capex_usd_bn or intensity."""
    titles = {
        "capex_usd_bn": (
            "Capital expenditures (USD bn)",
            ",.1f",
            "What the five spend",
            "Purchases of property and equipment per year",
        ),
        "intensity": (
            "Capex as a share of revenue",
            ".0%",
            "How much of each dollar of revenue goes to capex",
            "Purchases of property and equipment divided by revenue",
        ),
    }
    axis_title, fmt, title, subtitle = titles[measure]
    data = table.dropna(subset=[measure]).assign(
        label=lambda d: d["company"] + " FY" + d["fiscal_year"].astype(str)
    )
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title="Year (as aligned; see the note)"),
            y=alt.Y(f"{measure}:Q", title=axis_title, axis=alt.Axis(format=fmt)),
            color=alt.Color("company:N", title=None, sort=PEERS),
            strokeDash=alt.condition(
                alt.datum.company == "Meta", alt.value([1, 0]), alt.value([4, 2])
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Fiscal year"),
                alt.Tooltip("fiscal_year_end:T", title="Year ends", format="%d %b %Y"),
                alt.Tooltip(f"{measure}:Q", title=axis_title, format=fmt),
            ],
        )
        .properties(
            width="container",
            height=280,
            title=alt.Title(title, subtitle=subtitle),
            description=(
                f"Line chart of {axis_title.lower()} for Meta, Microsoft, Alphabet, Amazon and "
                "Oracle, one line per company, by year."
            ),
        )
    )


#: Whose compute plans the chapter sets beside Meta's: the peers and the frontier labs.
COMPUTE_ENTITIES = [
    "Meta",
    "Microsoft",
    "Alphabet / Google",
    "Amazon",
    "Oracle",
    "OpenAI",
    "Anthropic",
    "xAI",
]


def _family(entity: str) -> str:
    """The entity a compute_plans row belongs to (``OpenAI (Stargate)`` -> ``OpenAI``)."""
    base = entity.split(" (")[0]
    return "Alphabet / Google" if base in ("Alphabet", "Google") else base


#: What each ``compute_plans.metric`` is, in a reader's words (a metric not listed is spelt
#: out from its code by ``figures.readable_code``).
PLAN_METRIC_WORDS = {
    "aws_trainium_capacity": "AWS Trainium capacity",
    "build_rate_aspiration": "Build rate aimed for",
    "capacity_added_prior_year": "Capacity added the year before",
    "capacity_doubling_target": "Capacity doubling target",
    "chip_generations_planned": "Chip generations planned",
    "colossus1_gpus": "Colossus 1 GPUs",
    "colossus2_gpus": "Colossus 2 GPUs",
    "colossus2_power": "Colossus 2 power",
    "custom_silicon_gw": "Custom chips, MTIA with Broadcom",
    "datacenter_footprint_multiple": "Data-centre footprint multiple",
    "google_tpu_capacity_2027_2031": "Google TPU capacity, 2027 to 2031",
    "gpu_target": "GPU target",
    "leased_capacity_gw": "Leased capacity",
    "oracle_stargate_capacity": "Oracle capacity for Stargate",
    "power_added_last_12_months": "Power added in the last 12 months",
    "stargate_commitment": "Stargate commitment",
    "stargate_secured_capacity": "Stargate capacity secured",
    "total_compute_commitments": "Total compute commitments",
}


def plan_label(metric: str, unit: str) -> str:
    """A stated compute figure in words: ``AWS Trainium capacity, about (GW)``.

    ``metric`` and ``unit`` are ``compute_plans`` cells; a qualifier in the unit (``GW (up
    to)``) follows the words, the unit itself in brackets.
    """
    words = PLAN_METRIC_WORDS.get(metric) or readable_code(metric)
    found = re.fullmatch(r"\s*(.*?)\s*\((.+)\)\s*", str(unit))
    if found:
        return f"{words}, {found.group(2)} ({found.group(1)})"
    return f"{words} ({str(unit).strip()})"


def compute_plan_rows(plans: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Split ``compute_plans`` into gigawatt rows, accelerator-count rows and what is missing.

    Returns ``(gw, accelerators, missing)``: rows whose unit is gigawatts (``GW...``) and rows
    whose unit counts GPUs or accelerators, each with ``family`` (the company or lab, as in
    ``COMPUTE_ENTITIES``) and ``label`` (what the figure is, in words); other units (multiples,
    chip generations, GW per week) are not comparable and stay in neither. ``missing`` has one
    row per entity of ``COMPUTE_ENTITIES`` with ``has_gw`` and ``has_accelerators``, so a
    chart can say which the sources do not give. Figures are never added up: they are plans,
    contracts and counts of different dates.
    """
    rows = plans.copy()
    rows["family"] = rows["entity"].map(_family)
    unit = rows["unit"].str.strip()
    is_gw = unit.str.match(r"^GW\b") & ~unit.str.contains("per", case=False)
    is_acc = unit.str.contains("GPU|accelerator", case=False)
    rows["label"] = [plan_label(m, u) for m, u in zip(rows["metric"], rows["unit"], strict=True)]
    gw, acc = rows[is_gw].copy(), rows[is_acc].copy()
    missing = pd.DataFrame(
        {
            "family": COMPUTE_ENTITIES,
            "has_gw": [e in set(gw["family"]) for e in COMPUTE_ENTITIES],
            "has_accelerators": [e in set(acc["family"]) for e in COMPUTE_ENTITIES],
        }
    )
    return gw.reset_index(drop=True), acc.reset_index(drop=True), missing


def largest_plan_text(gw: pd.DataFrame, family: str) -> str:
    """A lab's largest stated gigawatt figure in words: ``30 GW (total compute commitments, plan)``.

    ``gw`` is :func:`compute_plan_rows`'s gigawatt frame; the metric and status are said in a
    reader's words (:data:`PLAN_METRIC_WORDS`, :data:`PLAN_STATUS_LABELS`). Raises ``KeyError``
    naming the family when it states no gigawatt figure.
    """
    rows = gw[gw["family"] == family]
    if rows.empty:
        raise KeyError(f"no gigawatt figure for {family!r} in compute_plans")
    top = rows.sort_values("value").iloc[-1]
    words = PLAN_METRIC_WORDS.get(top["metric"]) or readable_code(top["metric"])
    status = PLAN_STATUS_LABELS.get(top["status"], readable_code(top["status"]))
    if not words[1:2].isupper():  # "Total compute ..." -> "total ...", "AWS ..." stays
        words = words[:1].lower() + words[1:]
    return f"{top['value']:g} GW ({words}, {status.lower()})"


#: Reader-facing words for the status of a stated compute figure (compute_plans.status).
PLAN_STATUS_LABELS = {
    "plan": "Plan",
    "signed": "Signed contract",
    "estimate": "Estimate by others",
    "in_service": "In service",
}


def compute_plans_chart(rows: pd.DataFrame, measure: str) -> alt.Chart:
    """A dot plot: one row per company or lab, one dot per stated figure; colour is the status.

    One row per company keeps the chart short however many figures each states (a bar per
    figure drew two screens of bars); the axis is logarithmic when every figure is positive,
    as they span orders of magnitude. ``measure`` is ``"GW"`` or ``"accelerators"`` (axis
    title and wording only).
    """
    order = [e for e in COMPUTE_ENTITIES if e in set(rows["family"])]
    rows = rows.assign(status_label=rows["status"].map(PLAN_STATUS_LABELS))
    if rows["status_label"].isna().any():
        raise ValueError(
            f"unknown status in {sorted(set(rows['status']) - set(PLAN_STATUS_LABELS))}"
        )
    title = (
        "Gigawatts stated, Meta beside peers and labs"
        if measure == "GW"
        else "Accelerators stated, Meta beside peers and labs"
    )
    return (
        alt.Chart(rows)
        .mark_point(filled=True, size=90, opacity=0.8)
        .encode(
            y=alt.Y("family:N", title=None, sort=order),
            x=alt.X(
                "value:Q",
                title=("GW" if measure == "GW" else "Accelerators (GPUs)")
                + (", log scale" if (rows["value"] > 0).all() else ""),
                scale=alt.Scale(type="log") if (rows["value"] > 0).all() else alt.Undefined,
            ),
            color=alt.Color(
                "status_label:N",
                title="Status",
                scale=present_scale(
                    PLAN_STATUS_LABELS,
                    ["#0072B2", "#009E73", "#E69F00", "#CC79A7"],
                    rows["status"],
                ),
            ),
            tooltip=[
                alt.Tooltip("entity:N", title="Who"),
                alt.Tooltip("label:N", title="Figure"),
                alt.Tooltip("value:Q", title="Value", format=",.1f" if measure == "GW" else ",.0f"),
                alt.Tooltip("status_label:N", title="Status"),
                alt.Tooltip("target_year:Q", title="For year", format="d"),
                alt.Tooltip("date:T", title="Stated", format="%b %Y"),
                alt.Tooltip("note:N", title="Note"),
            ],
        )
        .properties(
            width="container",
            height=alt.Step(30),
            title=alt.Title(
                title,
                subtitle="Each stated figure is one dot (plans, contracts and counts differ; none added)",
            ),
            description=(
                f"Dot plot of the {'gigawatts' if measure == 'GW' else 'accelerator counts'} "
                "stated for Meta, its peers and the frontier labs: one row per company or lab, "
                "one dot per figure, coloured by whether it is a plan, signed or in service."
            ),
        )
    )
