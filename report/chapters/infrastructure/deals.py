"""Infrastructure chapter, deals: financing and compute deals by stage, and what sits off the balance sheet."""

from __future__ import annotations

import altair as alt
import pandas as pd

from report.show.marks import date_known_opacity, date_spans, date_tooltips, with_date_spans
from report.show.theme import PALETTE, present_scale

DEAL_KINDS = {
    "joint_venture": "Joint venture",
    "bond": "Bond",
    "jv_bond": "Bond of a joint venture",
    "cloud_compute": "Cloud and compute contract",
    "chips_hardware": "Chips and hardware",
    "other": "Other financing",
}


#: How far a deal had gone on its cited page, in the order a deal moves; the last label is for
#: rows whose page does not say. Only ``COMMITTED_STAGES`` ever count as commitments.
STAGES = {
    "signed": "Signed",
    "announced": "Announced, not signed",
    "talks": "Talks (not a commitment)",
    "": "Not stated",
}


COMMITTED_STAGES = ("signed",)


#: Shape per stage label: filled circle for signed, diamond for announced, hollow square for
#: talks, cross for not stated (fill is switched off for talks in ``deals_chart``).
STAGE_SHAPES = ["circle", "diamond", "square", "cross"]


def stage_label(stage: object) -> str:
    """Readable stage of a deal; an empty or missing stage reads "Not stated"."""
    key = "" if stage is None or (isinstance(stage, float) and pd.isna(stage)) else str(stage)
    if key not in STAGES:
        raise ValueError(
            f"unknown deal stage {stage!r}; valid: {', '.join(k for k in STAGES if k)}"
        )
    return STAGES[key]


def commitments(deals: pd.DataFrame) -> pd.DataFrame:
    """The deals that count as commitments: signed ones only (talks never, unstated never).

    Returns the rows of ``deals`` whose ``stage`` is in ``COMMITTED_STAGES``. Deals overlap
    (a joint venture and its bond; an expansion that includes an earlier option), so callers
    list or rank these rows and never add their amounts up.
    """
    return deals[deals["stage"].isin(COMMITTED_STAGES)].copy()


#: Finer first: a deal reported by several sources is drawn at its most precise date.
_PRECISION_ORDER = {"day": 0, "month": 1, "quarter": 2, "year": 3}


def distinct_deals(deals: pd.DataFrame) -> pd.DataFrame:
    """One row per deal: rows with the same counterparty, kind and amount are one deal.

    The data keep every source's row; charts and lists draw each deal once, from the row
    that dates it most precisely (then the latest report). Rows without an amount are kept
    as they are (they cannot be matched). Returns a subset of ``deals``' rows, same columns.
    """
    if deals.empty:
        return deals.copy()
    ranked = deals.assign(
        _precision=deals["date_precision"].map(_PRECISION_ORDER).fillna(0),
        _date=pd.to_datetime(deals["date"]),
    )
    with_amount = ranked.dropna(subset=["amount_usd_bn"])
    best = with_amount.sort_values(
        ["_precision", "_date"], ascending=[True, False]
    ).drop_duplicates(["counterparty", "kind", "amount_usd_bn"])
    kept = pd.concat([best, ranked[ranked["amount_usd_bn"].isna()]])
    return deals.loc[sorted(kept.index)]


def deals_chart(deals: pd.DataFrame) -> alt.LayerChart:
    """Every financing or compute deal with a stated amount, by date; never summed.

    A deal several sources report is drawn once (:func:`distinct_deals`). Colour is the kind of deal; shape and fill are its stage: talks are hollow squares and
    never read as commitments, announced deals diamonds, signed deals filled circles. A deal
    dated only to a month or year sits mid-period, paler, over a bar spanning the period.
    """
    rows = with_date_spans(distinct_deals(deals).dropna(subset=["amount_usd_bn"]))
    rows["kind_label"] = rows["kind"].map(DEAL_KINDS)
    rows["stage_label"] = rows["stage"].map(stage_label)
    talks = STAGES["talks"]
    x_title = "Date agreed or reported"
    y = alt.Y("amount_usd_bn:Q", title="Amount (USD bn)")
    # One scale for colour, fill and stroke, with every kind in a fixed order, so the legend
    # (colour) maps each mark the way its fill and outline are drawn.
    kinds = present_scale(DEAL_KINDS, PALETTE, rows["kind"])  # only kinds with a mark
    colour = alt.Color("kind_label:N", title="Kind", scale=kinds)
    points = (
        alt.Chart(rows)
        .mark_point(strokeWidth=2)
        .encode(
            x=alt.X("when_at:T", title=x_title, axis=alt.Axis(format="%b %Y")),
            y=y,
            size=alt.Size(
                "amount_usd_bn:Q", title="USD bn", legend=None, scale=alt.Scale(range=[60, 900])
            ),
            color=colour,
            fill=alt.Fill("kind_label:N", legend=None, scale=kinds),
            # talks are hollow: no fill, but always an outline in the kind's colour
            stroke=alt.Stroke("kind_label:N", legend=None, scale=kinds),
            shape=alt.Shape(
                "stage_label:N",
                title="Stage",
                sort=list(STAGES.values()),
                scale=present_scale(STAGES, STAGE_SHAPES, rows["stage_label"]),
            ),
            fillOpacity=alt.condition(
                alt.datum.stage_label == talks, alt.value(0.0), alt.value(0.75)
            ),
            opacity=date_known_opacity(rows=rows),
            tooltip=[
                alt.Tooltip("counterparty:N", title="With"),
                alt.Tooltip("kind_label:N", title="Kind"),
                alt.Tooltip("stage_label:N", title="Stage"),
                alt.Tooltip("amount_usd_bn:Q", title="Amount (USD bn)", format=",.1f"),
                *date_tooltips(),
                alt.Tooltip("term_years:Q", title="Term (years)"),
                alt.Tooltip("description:N", title="What"),
                alt.Tooltip("note:N", title="Note"),
            ],
        )
    )
    return alt.layer(date_spans(rows, x_title, y, colour), points).properties(
        width="container",
        height=300,
        title=alt.Title(
            "Financing and compute deals",
            subtitle=(
                "Each deal with a stated amount; hollow squares are talks, not commitments; "
                "pale marks over a bar: month or year known only. Some overlap, so none are "
                "added up"
            ),
        ),
        description=(
            "Scatter chart of Meta's financing and compute deals by date and amount in US "
            "dollars, coloured by kind (joint venture, bonds, cloud contracts, chips, other) "
            "and shaped by stage: signed, announced, talks or not stated; a deal dated only to "
            "a month or year is pale, mid-period, over a bar spanning it."
        ),
    )


#: What counts as financed off Meta's balance sheet in the panel beside the bridge.
OFF_BALANCE_KINDS = {
    "joint_venture": "Joint venture that owns a campus Meta leases",
    "jv_bond": "Bond of that joint venture",
    "cloud_compute": "Cloud and capacity contract",
    "leases_not_commenced": "Leases signed, not yet commenced",
}


def off_balance_items(
    deals: pd.DataFrame, leases: pd.DataFrame, sources: pd.DataFrame
) -> pd.DataFrame:
    """Financing others carry for Meta, one row per item, with its source grade; never summed.

    ``deals`` is ``financing_deals`` (joint ventures, their bonds, cloud and capacity
    contracts); ``leases`` is ``lease_obligations`` (the ``not_yet_commenced`` rows). Returns
    ``item``, ``kind``, ``kind_label``, ``amount_usd_bn`` (USD bn; NaN where not stated),
    ``date``, ``date_precision``, ``stage_label``, ``grade`` (the source's kind) and
    ``source_id``, by date. These are contract values, development costs and future lease
    payments, not cash flows of any year: they are shown beside the funding bridge and no
    function here adds them to it or to each other.
    """
    unique = distinct_deals(deals)
    picked = unique[
        unique["kind"].isin([k for k in OFF_BALANCE_KINDS if k != "leases_not_commenced"])
    ]
    rows = pd.DataFrame(
        {
            "item": picked["counterparty"],
            "kind": picked["kind"],
            "amount_usd_bn": picked["amount_usd_bn"],
            "date": pd.to_datetime(picked["date"]),
            "date_precision": picked["date_precision"],
            "stage_label": picked["stage"].map(stage_label),
            "source_id": picked["source_id"],
        }
    )
    owed = leases[leases["metric"] == "not_yet_commenced"]
    lease_rows = pd.DataFrame(
        {
            "item": "Leases not yet commenced, total future payments",
            "kind": "leases_not_commenced",
            "amount_usd_bn": owed["value_usd_bn"],
            "date": pd.to_datetime(owed["as_of"]),
            "date_precision": owed["date_precision"],
            "stage_label": STAGES["signed"],
            "source_id": owed["source_id"],
        }
    )
    out = pd.concat([rows, lease_rows], ignore_index=True)
    out["kind_label"] = out["kind"].map(OFF_BALANCE_KINDS)
    out["grade"] = out["source_id"].map(sources.set_index("source_id")["kind"])
    return out.sort_values(["date", "item"]).reset_index(drop=True)


#: A stage other than signed, as an off-balance item's label says it.
STAGE_IN_LABEL = {
    STAGES["talks"]: "talks only",
    STAGES["announced"]: "announced, not signed",
    STAGES[""]: "stage not stated",
}


def off_balance_chart(items: pd.DataFrame) -> alt.LayerChart:
    """One bar per off-balance item (amount as stated), coloured by kind; talks hollow."""
    when = with_date_spans(items)["when_text"]  # the date at its own precision, as elsewhere
    data = items.assign(
        when=when,
        label=[  # a figure not signed says so where it is read, not only in its tooltip
            f"{i} ({w})" if st == STAGES["signed"] else f"{i} ({w}; {STAGE_IN_LABEL[st]})"
            for i, w, st in zip(items["item"], when, items["stage_label"], strict=True)
        ],
        stated=items["amount_usd_bn"].notna(),
        shown=items["amount_usd_bn"].fillna(0.0),
    )
    order = list(data["label"])
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=320))
    tooltip = [
        alt.Tooltip("item:N", title="Item"),
        alt.Tooltip("kind_label:N", title="Kind"),
        alt.Tooltip("amount_usd_bn:Q", title="Amount (USD bn)", format=",.1f"),
        alt.Tooltip("when:N", title="Date (as precise as the source)"),
        alt.Tooltip("stage_label:N", title="Stage"),
        alt.Tooltip("grade:N", title="Source grade"),
        alt.Tooltip("source_id:N", title="Source"),
    ]
    kinds = present_scale(OFF_BALANCE_KINDS, PALETTE, items["kind"])  # only kinds with a mark
    colour = alt.Color("kind_label:N", title="Kind", scale=kinds)
    talks = STAGES["talks"]
    bars = (
        alt.Chart(data[data["stated"]])
        .mark_bar(strokeWidth=1.5)
        .encode(
            y=y,
            x=alt.X("shown:Q", title="USD bn as stated, never added"),
            color=colour,
            stroke=alt.Stroke("kind_label:N", legend=None, scale=kinds),
            fillOpacity=alt.condition(
                alt.datum.stage_label == talks, alt.value(0.0), alt.value(0.85)
            ),
            tooltip=tooltip,
        )
    )
    unstated = (
        alt.Chart(data[~data["stated"]])
        .mark_text(align="left", dx=4, color="#777777", fontStyle="italic")
        .encode(y=y, x=alt.X("shown:Q"), text=alt.value("amount not stated"), tooltip=tooltip)
    )
    return (bars + unstated).properties(
        width="container",
        height=alt.Step(22),
        title=alt.Title(
            "What others finance, beside the bridge",
            subtitle=[
                "Joint ventures, their bonds, cloud contracts and leases not yet commenced; "
                "amounts of different kinds and dates, so never added to each other or to cash flow.",
                "Hollow bar: talks, not a commitment; an item not signed says its stage in its label.",
            ],
        ),
        description=(
            "Horizontal bar chart of off-balance-sheet financing for Meta: the Hyperion joint "
            "venture and its bond, cloud and capacity contracts and leases not yet commenced, "
            "each with its amount in billions of US dollars as stated, its date, stage and source "
            "grade."
        ),
    )
