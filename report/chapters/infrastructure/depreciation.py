"""Infrastructure chapter, depreciation and margins.

What the capex already spent and guided implies for depreciation in the next years, at a
useful life the analyst chooses (Meta's filings give 5.5 years for servers and network assets
from January 2025), against the depreciation Meta reported; and the operating margin by year.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from report.data.bases import same_basis
from report.data.sourcing import preferred


def annual_metric(cash_flow: pd.DataFrame, metric: str, sources: pd.DataFrame) -> pd.DataFrame:
    """One full-year cash-flow metric per fiscal year: ``fiscal_year``, ``usd_bn``, ``source_id``."""
    rows = cash_flow[(cash_flow["metric"] == metric) & cash_flow["period"].str.startswith("FY")]
    best = preferred(rows, ["period"], sources)
    out = pd.DataFrame(
        {
            "fiscal_year": best["period"].str[2:].astype(int),
            "usd_bn": best["value_usd_bn"].astype(float),
            "source_id": best["source_id"],
        }
    )
    return out.sort_values("fiscal_year").reset_index(drop=True)


def implied_depreciation(
    capex: pd.DataFrame, life_years: float, first_year: int, last_year: int
) -> pd.DataFrame:
    """Straight-line depreciation that each year's capex implies, our arithmetic.

    ``capex`` has ``fiscal_year`` and ``capex_usd_bn`` (actuals and, if wanted, a planned year).
    Spending of year *y* is depreciated evenly over ``life_years`` from the middle of *y* (half a
    year's charge in *y*, a full one for each later year until the life is used). Returns
    ``fiscal_year`` and ``implied_usd_bn`` for ``first_year``..``last_year``. Raises
    ``ValueError`` for a life that is not a finite number above zero.
    """
    if not (isinstance(life_years, int | float) and math.isfinite(life_years) and life_years > 0):
        raise ValueError(
            f"useful life must be a finite number of years above 0, got {life_years!r}"
        )
    rows = []
    for year in range(first_year, last_year + 1):
        total = 0.0
        for spent_year, amount in zip(capex["fiscal_year"], capex["capex_usd_bn"], strict=True):
            start = spent_year + 0.5  # in service from mid-year
            # portion of [year, year+1) that falls within [start, start + life)
            overlap = max(0.0, min(year + 1, start + life_years) - max(year, start))
            total += float(amount) / life_years * overlap
        rows.append({"fiscal_year": year, "implied_usd_bn": total})
    return pd.DataFrame(rows)


def operating_margin(
    cash_flow: pd.DataFrame, revenue: pd.DataFrame, sources: pd.DataFrame
) -> pd.DataFrame:
    """Operating income over revenue per fiscal year (both preferred sources); a share, 0-1."""
    income = annual_metric(cash_flow, "operating_income", sources)
    rev = preferred(revenue, ["fiscal_year"], sources)[
        ["fiscal_year", "revenue_usd_bn", "source_id"]
    ]
    out = income.merge(rev, on="fiscal_year", suffixes=("", "_rev"))
    out["margin"] = out["usd_bn"] / out["revenue_usd_bn"]
    out["source_id"] = out["source_id"] + ";" + out["source_id_rev"]
    return out.drop(columns="source_id_rev")


def depreciation_chart(
    reported: pd.DataFrame, implied: pd.DataFrame, life_years: float
) -> alt.Chart:
    """Reported depreciation and amortisation (solid) against the straight-line implication (dashed)."""
    data = pd.concat(
        [
            reported.assign(
                measure="Reported depreciation and amortisation", value=reported["usd_bn"]
            ),
            implied.assign(
                measure=f"Purchases to date at a {life_years:g}-year life, buildings included (our arithmetic)",
                value=implied["implied_usd_bn"],
            ),
        ],
        ignore_index=True,
    )[["fiscal_year", "measure", "value"]]
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("fiscal_year:O", title="Fiscal year"),
            y=alt.Y("value:Q", title="USD bn a year"),
            color=alt.Color("measure:N", title=None),
            strokeDash=alt.StrokeDash("measure:N", legend=None),
            tooltip=[
                alt.Tooltip("fiscal_year:O", title="Year"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("value:Q", title="USD bn", format=",.1f"),
            ],
        )
        .properties(
            width="container",
            height=260,
            title=alt.Title(
                "The depreciation the build-out brings",
                subtitle=(
                    "Reported, and what straight-line depreciation of every purchase would "
                    "imply for the same years (a check of the method, not a forecast)"
                ),
            ),
            description=(
                "Line chart of Meta's reported depreciation and amortisation per year and the "
                "straight-line depreciation its purchases of property and equipment would imply "
                "for the same years at the chosen useful life."
            ),
        )
    )


def with_plan(
    capex: pd.DataFrame, plan: pd.Series, capex_basis: str, plan_basis: str
) -> pd.DataFrame:
    """Actual capex per year (``fiscal_year``, ``capex_usd_bn``) plus the planned year.

    ``plan`` is a guidance row with ``fiscal_year`` and ``mid_usd_bn`` (see
    ``latest_guidance``); a year already reported is not replaced. Raises
    ``MixedBasisError`` when the plan is on another basis than the actuals.
    """
    same_basis(capex_basis, plan_basis)
    actual = capex[["fiscal_year", "capex_usd_bn"]]
    if int(plan["fiscal_year"]) in set(actual["fiscal_year"]):
        return actual.reset_index(drop=True)
    planned = pd.DataFrame(
        [{"fiscal_year": int(plan["fiscal_year"]), "capex_usd_bn": float(plan["mid_usd_bn"])}]
    )
    return pd.concat([actual, planned], ignore_index=True)


def depreciation_check(implied: pd.DataFrame, reported: pd.DataFrame) -> pd.DataFrame:
    """The implied depreciation against the reported figure, for every year both exist.

    ``implied`` has ``fiscal_year`` and ``implied_usd_bn`` (``implied_depreciation``);
    ``reported`` has ``fiscal_year`` and ``usd_bn`` (``annual_metric`` of depreciation and
    amortisation). Returns ``fiscal_year``, ``implied_usd_bn``, ``reported_usd_bn`` and
    ``error`` (implied / reported - 1: 0.6 means the method overstates by 60%).
    """
    both = implied.merge(
        reported[["fiscal_year", "usd_bn"]].rename(columns={"usd_bn": "reported_usd_bn"}),
        on="fiscal_year",
    )
    both["error"] = both["implied_usd_bn"] / both["reported_usd_bn"] - 1
    return both.sort_values("fiscal_year").reset_index(drop=True)
