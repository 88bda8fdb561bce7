"""Computations of the infrastructure chapter."""

from __future__ import annotations

import pandas as pd
import pytest

from report import data
from report.chapters import infrastructure as infra

SOURCES = pd.DataFrame(
    {
        "source_id": ["filing", "news-old", "news-new", "blog"],
        "kind": ["filing", "news", "news", "analyst"],
        "published": pd.to_datetime(["2025-01-01", "2024-01-01", "2025-06-01", "2026-01-01"]),
    }
)


def capex_frame(rows):
    return pd.DataFrame(rows, columns=["fiscal_year", "basis", "capex_usd_bn", "source_id"])


def test_capex_series_keeps_one_basis_and_prefers_the_strongest_source():
    capex = capex_frame(
        [
            (2024, "incl_finance_leases", 39.23, "blog"),
            (2024, "incl_finance_leases", 39.0, "filing"),
            (2024, "purchases_ppe", 37.3, "news-old"),
            (2025, "incl_finance_leases", 72.2, "news-old"),
            (2025, "incl_finance_leases", 72.22, "news-new"),
        ]
    )
    series = infra.capex_series(capex, "incl_finance_leases", SOURCES)
    assert series["capex_usd_bn"].tolist() == [39.0, 72.22]  # filing beats blog; newer news wins
    assert set(series["basis"]) == {"incl_finance_leases"}
    with pytest.raises(infra.MixedBasisError, match="no capex rows on basis 'cash'"):
        infra.capex_series(capex, "cash", SOURCES)


def test_growth_needs_one_basis_and_consecutive_years():
    series = capex_frame(
        [
            (2019, "purchases_ppe", 10.0, "filing"),
            (2020, "purchases_ppe", 15.0, "filing"),
            (2022, "purchases_ppe", 30.0, "filing"),
        ]
    )
    out = infra.growth(series)
    assert out["growth"].iloc[1] == pytest.approx(0.5)
    assert pd.isna(out["growth"].iloc[2])  # 2021 missing: no growth across the gap
    mixed = pd.concat([series, capex_frame([(2021, "incl_finance_leases", 20.0, "filing")])])
    with pytest.raises(infra.MixedBasisError, match="mix capex bases"):
        infra.growth(mixed)


def test_intensity_is_capex_over_revenue_for_common_years():
    capex = capex_frame([(2024, "x", 40.0, "a"), (2025, "x", 72.0, "b")])
    revenue = pd.DataFrame(
        {"fiscal_year": [2025, 2026], "revenue_usd_bn": [200.0, 250.0], "source_id": ["r1", "r2"]}
    )
    out = infra.intensity(capex, revenue)
    assert out["fiscal_year"].tolist() == [2025]
    assert out["intensity"].iloc[0] == pytest.approx(0.36)
    assert out["source_id"].iloc[0] == "b;r1"


def guidance_frame():
    return pd.DataFrame(
        {
            "fiscal_year": [2025, 2025, 2025, 2026, 2026],
            "given_date": pd.to_datetime(
                ["2025-01-29", "2025-04-30", "2025-04-30", "2026-01-28", "2026-04-29"]
            ),
            "low_usd_bn": [60.0, 64.0, 64.0, 115.0, 125.0],
            "high_usd_bn": [65.0, 72.0, 72.0, 135.0, 145.0],
            "source_id": ["a", "b", "c", "d", "e"],
        }
    )


def test_guidance_midpoints_latest_and_revisions():
    g = infra.with_midpoints(guidance_frame())
    assert g["mid_usd_bn"].tolist() == [62.5, 68.0, 68.0, 125.0, 135.0]
    latest = infra.latest_guidance(guidance_frame())
    assert (latest.fiscal_year, latest.low_usd_bn, latest.mid_usd_bn) == (2026, 125.0, 135.0)
    assert infra.latest_guidance(guidance_frame(), 2025).mid_usd_bn == 68.0
    rev = infra.guidance_revisions(guidance_frame())
    assert rev["mid_change_usd_bn"].dropna().tolist() == [5.5, 10.0]  # same-day duplicate dropped
    assert infra.upward_revisions(guidance_frame()) == (2, 2)
    with pytest.raises(KeyError, match="no guidance for fiscal year 2030"):
        infra.latest_guidance(guidance_frame(), 2030)


def test_qualitative_guidance_rows_are_ignored_by_the_arithmetic():
    g = guidance_frame()
    g.loc[len(g)] = [2027, pd.Timestamp("2026-04-29"), None, None, "f"]
    assert infra.latest_guidance(g).fiscal_year == 2026


def test_guidance_outcomes_place_the_actual():
    actual = capex_frame([(2025, "incl_finance_leases", 72.22, "x")])
    out = infra.guidance_outcomes(guidance_frame(), actual)
    row = out.iloc[0]
    assert row.fiscal_year == 2025 and row.ranges_given == 2
    assert row.position == "above"  # 72.22 > 72
    assert row.vs_first_mid == pytest.approx(72.22 / 62.5 - 1)


def test_multiple_and_cumulative():
    series = capex_frame([(2023, "x", 27.0, "a"), (2024, "x", 37.0, "a"), (2025, "x", 69.7, "a")])
    assert infra.multiple_of(series, 2023, 2025) == pytest.approx(69.7 / 27.0)
    assert infra.cumulative_since(series, 2024) == pytest.approx(106.7)
    with pytest.raises(KeyError, match="no value for 2019"):
        infra.multiple_of(series, 2019, 2025)


def test_gigawatt_conversions():
    # 1 GW at 1 kW per accelerator and no overhead feeds a million accelerators
    assert infra.accelerators_per_gw(1.0, 1.0) == pytest.approx(1_000_000)
    assert infra.accelerators_per_gw(1.67, 1.08) == pytest.approx(1e6 / (1.67 * 1.08))
    # a household using 8,766 kWh a year draws 1 kW on average
    assert infra.households_per_gw(infra.HOURS_PER_YEAR) == pytest.approx(1_000_000)
    with pytest.raises(ValueError, match="pue"):
        infra.accelerators_per_gw(1.0, 0.9)
    with pytest.raises(ValueError, match="positive"):
        infra.households_per_gw(0)


def test_the_what_if_defaults_are_the_sourced_values():
    from report.build import params, toc

    spec = params.declared(toc.notebook("infrastructure"))
    values = data.load("assumptions").set_index("name")["value"]
    rack = values["gb200_nvl72_rack_kw"] / values["gpus_per_nvl72_rack"]
    assert spec["kw_per_accelerator"].default == pytest.approx(round(rack, 2))
    assert spec["pue"].default == values["meta_pue_2023"]
    assert spec["kwh_per_household_year"].default == values["us_household_electricity_2020"]


def test_campus_capacity_counts_each_campus_once():
    campuses = pd.DataFrame(
        {
            "campus": ["H", "H", "H", "P", "P"],
            "location": ["LA", "LA", "LA", "OH", "OH"],
            "phase": ["phase 1", "full", "full build-out", "cluster", "status check"],
            "capacity_gw": [2.0, 5.0, 5.0, 1.0, 1.0],
            "target_year": [2030, None, None, 2026, 2026],
            "status": ["under_construction"] * 5,
            "announced_date": pd.to_datetime(
                ["2025-07-15", "2025-07-15", None, "2025-07-14", "2026-05-01"]
            ),
            "source_id": list("abcde"),
        }
    )
    cap = infra.campus_capacity(campuses)
    assert sorted(cap["capacity_gw"].tolist()) == [1.0, 2.0, 5.0]  # restated phases collapse
    assert infra.announced_gw(cap) == 6.0  # Hyperion at 5, not 2 + 5
    # The campus-plans scenario spreads only capacity dated within its window (#26): the
    # undated 5 GW and the 2 GW due in 2030 fall outside a window ending in 2029.
    assert infra.dated_gw(cap, 2029) == 1.0
    assert infra.dated_gw(cap, 2030) == 3.0
    assert infra.dated_gw(cap, 2025) == 0.0


def test_funding_cover_ratio():
    cash = pd.DataFrame(
        {
            "period": ["FY2025", "2025Q3", "FY2025"],
            "metric": ["operating_cash_flow", "operating_cash_flow", "long_term_debt_end"],
            "value_usd_bn": [115.8, 30.0, 58.7],
            "source_id": ["filing"] * 3,
            "period_end": pd.to_datetime(["2025-12-31", "2025-09-30", "2025-12-31"]),
        }
    )
    capex = capex_frame([(2025, "incl_finance_leases", 72.22, "news-new")])
    out = infra.funding(cash, capex, SOURCES)
    assert out["cover"].iloc[0] == pytest.approx(115.8 / 72.22)
    assert out["left_after_capex_usd_bn"].iloc[0] == pytest.approx(115.8 - 72.22)


def test_check_basis_names_the_parameter():
    assert infra.check_basis("purchases_ppe") == "purchases_ppe"
    with pytest.raises(ValueError, match="growth_basis='cash'"):
        infra.check_basis("cash", "growth_basis")


def test_latest_quarter_reports_each_basis_and_the_sentence_says_so():
    sources = pd.DataFrame(
        {"source_id": ["a", "b"], "kind": ["filing", "reference"], "published": [None, None]}
    )
    quarterly = pd.DataFrame(
        {
            "quarter": ["2026Q1", "2026Q2", "2026Q2"],
            "period_end": pd.to_datetime(["2026-03-31", "2026-06-30", "2026-06-30"]),
            "basis": ["purchases_ppe", "incl_finance_leases", "purchases_ppe"],
            "capex_usd_bn": [19.0, 31.08, 30.116],
            "source_id": ["b", "a", "a"],
        }
    )
    last = infra.latest_quarter(quarterly, sources)
    assert last["quarter"] == "2026Q2" and last["incl_finance_leases"] == 31.08
    assert last["purchases_ppe"] == 30.116
    from report.show import figures

    both = figures.quarter_capex_text(last["incl_finance_leases"], last["purchases_ppe"])
    assert both.startswith("capex of $31.08 billion including") and "$30.12 billion" in both
    only = figures.quarter_capex_text(None, 19.0)
    assert "$19 billion" in only and "not in our sources" in only
    assert figures.quarter("2026Q2") == "Q2 2026"
    with pytest.raises(ValueError):
        figures.quarter("2026-06")


def test_quarterly_bridge_prefers_reported_free_cash_flow_and_derives_the_rest():
    sources = pd.DataFrame(
        {"source_id": ["s", "t"], "kind": ["filing", "reference"], "published": [None, None]}
    )
    rows = []
    for period, end, ocf, ppe, fl, fcf in [
        ("2025Q4", "2025-12-31", 36.2, 21.4, None, None),
        ("2026Q1", "2026-03-31", 32.2, 19.0, 0.8, None),
        ("2026Q2", "2026-06-30", 31.862, 30.116, 0.962, 0.784),
    ]:
        for metric, value in [
            ("operating_cash_flow", ocf),
            ("purchases_ppe", ppe),
            ("finance_lease_principal", fl),
            ("free_cash_flow", fcf),
        ]:
            if value is not None:
                rows.append(
                    {
                        "period": period,
                        "period_end": pd.Timestamp(end),
                        "metric": metric,
                        "value_usd_bn": value,
                        "definition": "meta" if metric == "free_cash_flow" else None,
                        "source_id": "s",
                    }
                )
    rows.append(
        {
            "period": "FY2025",
            "period_end": pd.Timestamp("2025-12-31"),
            "metric": "operating_cash_flow",
            "value_usd_bn": 115.8,
            "source_id": "t",
        }
    )
    bridge = infra.quarterly_bridge(pd.DataFrame(rows), sources, quarters=2)
    assert list(bridge.quarter.unique()) == ["2026Q1", "2026Q2"], (
        "latest two quarters, no annual rows"
    )
    fcf = bridge[bridge.step == "Free cash flow"].set_index("quarter")
    assert fcf.loc["2026Q2", "usd_bn"] == pytest.approx(0.784) and not fcf.loc["2026Q2", "derived"]
    assert (
        fcf.loc["2026Q1", "usd_bn"] == pytest.approx(32.2 - 19.0 - 0.8)
        and fcf.loc["2026Q1", "derived"]
    )
    everything = infra.quarterly_bridge(pd.DataFrame(rows), sources, quarters=4)
    q4 = everything[everything.quarter == "2025Q4"]
    assert "Principal payments on finance leases" not in set(q4.step), (
        "missing steps are not filled"
    )
    # without the principal, Meta's definition cannot be computed: no bar, never a guess
    assert "Free cash flow" not in set(q4.step)


def test_a_growth_rate_built_on_a_weak_revenue_figure_names_its_grade():
    sources = pd.DataFrame(
        {"source_id": ["blog", "sec"], "kind": ["note", "filing"], "published": [None, None]}
    )
    rows = pd.DataFrame({"quarter": ["2025Q2", "2026Q2"], "revenue_source_id": ["blog", "sec"]})
    assert infra.weak_revenue_note(rows, ["2026Q2"], sources) == ""
    assert infra.weak_revenue_note(rows, ["2025Q2"], sources) == (
        " (the Q2 2025 revenue figure rests on a note-grade source)"
    )


def test_capex_since_a_year_runs_to_the_latest_unbroken_quarter_on_the_same_basis():
    sources = pd.DataFrame({"source_id": ["s"], "kind": ["filing"], "published": [None]})
    annual = pd.DataFrame({"fiscal_year": [2024, 2025], "capex_usd_bn": [39.0, 72.0]})
    quarterly = pd.DataFrame(
        {
            "quarter": ["2026Q1", "2026Q2", "2026Q1"],
            "basis": ["incl_finance_leases", "incl_finance_leases", "purchases_ppe"],
            "capex_usd_bn": [20.0, 31.0, 19.0],
            "source_id": ["s", "s", "s"],
        }
    )
    total, to = infra.cumulative_to_date(annual, quarterly, sources, 2024, "incl_finance_leases")
    assert (total, to) == (162.0, "2026Q2")
    # a gap (no Q1 on the basis) adds no quarter rather than a part of the year
    total, to = infra.cumulative_to_date(
        annual, quarterly.iloc[1:], sources, 2024, "incl_finance_leases"
    )
    assert (total, to) == (111.0, None)


def test_the_year_so_far_is_set_against_the_rest_the_guidance_leaves():
    sources = pd.DataFrame({"source_id": ["s"], "kind": ["filing"], "published": [None]})
    quarterly = pd.DataFrame(
        {
            "quarter": ["2026Q1", "2026Q2", "2026Q2", "2025Q4"],
            "basis": [
                "incl_finance_leases",
                "incl_finance_leases",
                "purchases_ppe",
                "incl_finance_leases",
            ],
            "capex_usd_bn": [20.0, 30.0, 29.0, 22.0],
            "source_id": ["s"] * 4,
        }
    )
    cash = pd.DataFrame(
        {
            "period": ["2026Q1", "2026Q2", "2026Q1", "2026Q1"],
            "metric": ["operating_cash_flow", "operating_cash_flow", "buybacks", "dividends"],
            "value_usd_bn": [32.0, 31.0, 0.0, 1.35],
            "source_id": ["s"] * 4,
        }
    )
    guidance = pd.Series({"fiscal_year": 2026, "low_usd_bn": 130.0, "high_usd_bn": 146.0})
    deals = pd.DataFrame(
        {
            "counterparty": ["Bond buyers", "Banks"],
            "kind": ["bond", "other"],
            "amount_usd_bn": [25.0, 3.0],
            "date": pd.to_datetime(["2026-05-04", "2026-04-05"]),
            "date_precision": ["day", "day"],
            "stage": ["signed", "talks"],
            "description": ["Senior notes", "Construction loan"],
        }
    )
    ytd = infra.year_to_date(quarterly, cash, guidance, deals, sources)
    assert ytd.quarters == ["2026Q1", "2026Q2"] and ytd.capex == 50.0 and ytd.ocf == 63.0
    assert (ytd.rest_low, ytd.rest_high) == (80.0, 96.0)
    assert (ytd.per_quarter_low, ytd.per_quarter_high) == (40.0, 48.0)
    text = infra.year_to_date_text(ytd, pd.Timestamp("2026-07-29"), "headline basis")
    assert "the first half of 2026" in text and "came to $50 billion" in text
    assert "Q2 2026: buybacks not in our sources, dividends not in our sources" in text
    assert "Q1 2026: no buybacks, dividends $1.35 billion" in text
    assert "talks only" in text and "priced or signed" in text
    # a year whose Q1 is missing is not summed from Q2 alone
    assert infra.year_to_date(quarterly.iloc[1:], cash, guidance, deals, sources) is None
