"""Computations of the infrastructure chapter: capex series, intensity, guidance, GW what-ifs."""

from __future__ import annotations

import altair as alt
import pandas as pd

from report.charts import PALETTE

#: Order of source strength, strongest first (as graded in sources.kind).
KIND_RANK = {"filing": 0, "company_statement": 1, "news": 2, "analyst": 3}
HOURS_PER_YEAR = 8766  # 365.25 days
PALETTE_BLUE, PALETTE_ORANGE = PALETTE[0], PALETTE[1]


class MixedBasisError(ValueError):
    """A series or growth rate would mix capex bases."""


def preferred(frame: pd.DataFrame, keys: list[str], sources: pd.DataFrame) -> pd.DataFrame:
    """One row per ``keys``: the strongest source, then the most recently published.

    The other rows are not lost: chapters show disagreements side by side with
    :func:`disagreements`.
    """
    ranked = frame.merge(sources[["source_id", "kind", "published"]], on="source_id", how="left")
    ranked["_rank"] = ranked["kind"].map(KIND_RANK).fillna(len(KIND_RANK))
    ranked = ranked.sort_values(
        [*keys, "_rank", "published", "source_id"],
        ascending=[True] * len(keys) + [True, False, True],
        na_position="last",
    )
    best = ranked.drop_duplicates(keys, keep="first")
    return best.drop(columns=["_rank", "kind", "published"]).reset_index(drop=True)


def disagreements(
    frame: pd.DataFrame, keys: list[str], value: str, tolerance: float = 0.005
) -> pd.DataFrame:
    """Rows whose key has sources reporting values that differ by more than ``tolerance`` (relative)."""
    spread = frame.groupby(keys)[value].agg(["min", "max"]).reset_index()
    differs = spread[(spread["max"] - spread["min"]) > tolerance * spread["max"].abs()]
    return frame.merge(differs[keys], on=keys).sort_values([*keys, value]).reset_index(drop=True)


def capex_series(capex: pd.DataFrame, basis: str, sources: pd.DataFrame) -> pd.DataFrame:
    """Annual capex on one basis, one row per year (the preferred source's figure)."""
    if basis not in set(capex["basis"]):
        raise MixedBasisError(
            f"no capex rows on basis {basis!r}; bases: {sorted(set(capex['basis']))}"
        )
    one = capex[capex["basis"] == basis]
    return (
        preferred(one, ["fiscal_year"], sources).sort_values("fiscal_year").reset_index(drop=True)
    )


def growth(series: pd.DataFrame, value: str = "capex_usd_bn") -> pd.DataFrame:
    """Year-on-year growth of a single-basis annual series (consecutive years only)."""
    if "basis" in series.columns and series["basis"].nunique() > 1:
        raise MixedBasisError(
            "growth would mix capex bases: " + ", ".join(sorted(series["basis"].unique()))
        )
    out = series.sort_values("fiscal_year").reset_index(drop=True).copy()
    prev_year = out["fiscal_year"].shift(1)
    prev_value = out[value].shift(1)
    consecutive = (out["fiscal_year"] - prev_year) == 1
    out["growth"] = (out[value] / prev_value - 1).where(consecutive)
    return out


def intensity(capex: pd.DataFrame, revenue: pd.DataFrame) -> pd.DataFrame:
    """Capex as a share of revenue, for years present in both (inner join)."""
    merged = capex[["fiscal_year", "capex_usd_bn", "source_id"]].merge(
        revenue[["fiscal_year", "revenue_usd_bn", "source_id"]],
        on="fiscal_year",
        suffixes=("_capex", "_revenue"),
    )
    merged["intensity"] = merged["capex_usd_bn"] / merged["revenue_usd_bn"]
    merged["source_id"] = merged["source_id_capex"] + ";" + merged["source_id_revenue"]
    return merged.sort_values("fiscal_year").reset_index(drop=True)


def with_midpoints(guidance: pd.DataFrame) -> pd.DataFrame:
    """Guidance ranges with their midpoint and width."""
    out = guidance.copy()
    out["mid_usd_bn"] = (out["low_usd_bn"] + out["high_usd_bn"]) / 2
    out["width_usd_bn"] = out["high_usd_bn"] - out["low_usd_bn"]
    return out.sort_values(["fiscal_year", "given_date"]).reset_index(drop=True)


def latest_guidance(guidance: pd.DataFrame, fiscal_year: int | None = None) -> pd.Series:
    """The most recently given range (for ``fiscal_year``, default: the latest year guided)."""
    g = with_midpoints(guidance)
    year = fiscal_year if fiscal_year is not None else int(g["fiscal_year"].max())
    rows = g[g["fiscal_year"] == year]
    if rows.empty:
        raise KeyError(f"no guidance for fiscal year {year}")
    return rows.sort_values("given_date").iloc[-1]


def guidance_revisions(guidance: pd.DataFrame) -> pd.DataFrame:
    """Each range with the change of its midpoint against the previous range for that year."""
    g = with_midpoints(guidance).drop_duplicates(["fiscal_year", "given_date"], keep="first")
    g["mid_change_usd_bn"] = g.groupby("fiscal_year")["mid_usd_bn"].diff()
    return g.reset_index(drop=True)


def multiple_of(
    series: pd.DataFrame, base_year: int, year: int, value: str = "capex_usd_bn"
) -> float:
    """``value`` in ``year`` as a multiple of ``base_year`` (same series, same basis)."""
    by_year = series.set_index("fiscal_year")[value]
    for y in (base_year, year):
        if y not in by_year.index:
            raise KeyError(f"no value for {y}; years: {list(by_year.index)}")
    return float(by_year[year] / by_year[base_year])


def cumulative_since(series: pd.DataFrame, first_year: int, value: str = "capex_usd_bn") -> float:
    """Sum of ``value`` from ``first_year`` to the latest year of the series."""
    return float(series.loc[series["fiscal_year"] >= first_year, value].sum())


def accelerators_per_gw(kw_per_accelerator: float, pue: float) -> float:
    """How many accelerators one gigawatt of facility power feeds.

    ``kw_per_accelerator`` is the all-in IT draw per accelerator (chip, host share,
    networking); ``pue`` the facility overhead (total power / IT power, >= 1).
    """
    if kw_per_accelerator <= 0:
        raise ValueError("kw_per_accelerator must be positive")
    if pue < 1:
        raise ValueError("pue (power usage effectiveness) cannot be below 1")
    return 1_000_000 / (kw_per_accelerator * pue)


def households_per_gw(kwh_per_household_year: float) -> float:
    """How many average households' continuous draw one gigawatt equals."""
    if kwh_per_household_year <= 0:
        raise ValueError("kwh_per_household_year must be positive")
    average_kw = kwh_per_household_year / HOURS_PER_YEAR
    return 1_000_000 / average_kw


def capex_guidance_chart(capex: pd.DataFrame, guidance: pd.DataFrame) -> alt.LayerChart:
    """Actual capex (headline basis) as bars, every guidance range as an interval beside it."""
    actual = capex[capex["basis"] == "incl_finance_leases"].copy()
    actual["kind"] = "Actual (incl. finance leases)"
    ranges = with_midpoints(guidance)
    ranges["given"] = ranges["given_date"].dt.strftime("%Y-%m-%d")
    ranges["label"] = "Guidance given " + ranges["given_date"].dt.strftime("%b %Y")
    years = sorted(set(actual["fiscal_year"]) | set(ranges["fiscal_year"]))
    x = alt.X("fiscal_year:O", title="Fiscal year", sort=years, scale=alt.Scale(domain=years))
    bars = (
        alt.Chart(actual)
        .mark_bar(color=PALETTE_BLUE, opacity=0.85)
        .encode(
            x=x,
            y=alt.Y("capex_usd_bn:Q", title="Capital expenditures (USD bn)"),
            tooltip=[
                alt.Tooltip("fiscal_year:O", title="Year"),
                alt.Tooltip("capex_usd_bn:Q", title="Capex (USD bn)", format=",.1f"),
                alt.Tooltip("kind:N", title="Figure"),
                alt.Tooltip("source_id:N", title="Source"),
            ],
        )
    )
    rules = (
        alt.Chart(ranges)
        .mark_rule(strokeWidth=5, color=PALETTE_ORANGE)
        .encode(
            x=x,
            xOffset=alt.XOffset("given:O", title=None),
            y="low_usd_bn:Q",
            y2="high_usd_bn:Q",
            tooltip=[
                alt.Tooltip("fiscal_year:O", title="Guidance for"),
                alt.Tooltip("given:N", title="Given on"),
                alt.Tooltip("occasion:N", title="Occasion"),
                alt.Tooltip("low_usd_bn:Q", title="Low (USD bn)", format=",.0f"),
                alt.Tooltip("high_usd_bn:Q", title="High (USD bn)", format=",.0f"),
                alt.Tooltip("source_id:N", title="Source"),
            ],
        )
    )
    return (bars + rules).properties(
        width="container",
        height=320,
        title=alt.Title(
            "Meta's capital expenditures and every guidance range",
            subtitle="Bars: actual, including finance-lease principal. Orange intervals: guidance, one per date given.",
        ),
        description=(
            "Bar chart of Meta's annual capital expenditures by fiscal year, with each full-year "
            "guidance range drawn as a vertical interval beside its year, in the order given."
        ),
    )
