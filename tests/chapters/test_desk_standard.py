"""The desk editor's standard (#26): one basis and definition per quantity, fixed comparators,
trends only where every step shows them, ratios applied to the same kind of figure, checked
projections, counts of facts. Each test would have caught the fault the analyst found."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from report import data, facts
from report.chapters import conclusion as con
from report.chapters import infrastructure as infra
from report.data import bases
from report.show import figures as fmt


@pytest.fixture(scope="module")
def tables():
    return {
        n: data.load(n)
        for n in (
            "sources",
            "capex_annual",
            "capex_quarterly",
            "capex_guidance",
            "cash_flow",
            "financing_deals",
        )
    }


# --- bases ----------------------------------------------------------------------------------


def test_arithmetic_across_two_bases_raises():
    with pytest.raises(bases.MixedBasisError, match="incl_finance_leases vs purchases_ppe"):
        bases.ratio(137.5, "incl_finance_leases", 69.7, "purchases_ppe")
    with pytest.raises(bases.MixedBasisError):
        bases.growth(2.0, "meta", 1.0, "ocf_less_purchases")
    assert bases.ratio(137.5, "incl_finance_leases", 72.22, "incl_finance_leases") == pytest.approx(
        1.904, abs=1e-3
    )
    assert math.isnan(bases.growth(1.0, "x", 0.0, "x"))


def test_guidance_is_never_added_to_a_purchases_series():
    ppe = pd.DataFrame({"fiscal_year": [2025], "capex_usd_bn": [69.7]})
    plan = pd.Series({"fiscal_year": 2026, "mid_usd_bn": 137.5})
    with pytest.raises(bases.MixedBasisError):
        infra.with_plan(ppe, plan, "purchases_ppe", bases.GUIDANCE_BASIS)


def test_the_latest_capex_is_one_named_fact_on_the_books_basis(tables):
    fact = facts.capex_latest(tables["capex_annual"], tables["sources"])
    headline = infra.capex_series(tables["capex_annual"], "incl_finance_leases", tables["sources"])
    assert fact.value == headline.capex_usd_bn.iloc[-1]
    assert fact.parts["basis"] == bases.CAPEX_BASIS == "incl_finance_leases"
    assert "headline basis" in fact.detail


def test_free_cash_flow_uses_metas_definition_only(tables):
    fact = facts.fcf_latest(tables["cash_flow"], tables["sources"])
    cf = tables["cash_flow"]
    meta_rows = cf[
        (cf.metric == "free_cash_flow")
        & (cf.period == f"FY{fact.parts['year']}")
        & (cf.definition == "meta")
    ]
    assert fact.value in set(meta_rows.value_usd_bn)
    other = cf[(cf.metric == "free_cash_flow") & (cf.definition == "ocf_less_purchases")]
    assert fact.value not in set(other.value_usd_bn)


def test_the_annual_bridge_never_draws_free_cash_flow_on_another_definition(tables):
    ppe = infra.capex_series(tables["capex_annual"], "purchases_ppe", tables["sources"])
    bridge = infra.annual_bridge(tables["cash_flow"], ppe, tables["sources"])
    fcf = bridge[(bridge.step == "Free cash flow") & (bridge.status != "not stated")]
    cf = tables["cash_flow"]
    other = set(cf[(cf.metric == "free_cash_flow") & (cf.definition != "meta")].value_usd_bn)
    assert not set(fcf.usd_bn) & other
    assert all("Meta's definition" in d for d in fcf.definition)


# --- comparators and trends -----------------------------------------------------------------


def _quarters(values: dict[str, float], basis="purchases_ppe") -> pd.DataFrame:
    rows = [
        {
            "quarter": q,
            "period_end": pd.Period(q, "Q").end_time.normalize(),
            "basis": basis,
            "capex_usd_bn": v,
            "source_id": "s",
            "note": None,
        }
        for q, v in values.items()
    ]
    return pd.DataFrame(rows)


SRC = pd.DataFrame({"source_id": ["s"], "kind": ["filing"], "published": [pd.NaT]})


def test_a_quarter_is_set_against_the_same_quarter_a_year_earlier_and_the_previous_one():
    q = _quarters({"2025Q2": 10.0, "2025Q3": 12.0, "2026Q1": 15.0, "2026Q2": 20.0})
    cmp = infra.quarter_comparison(q, SRC, "purchases_ppe")
    assert (cmp["quarter"], cmp["year_ago"], cmp["previous"]) == ("2026Q2", "2025Q2", "2026Q1")
    assert cmp["vs_year_ago"] == pytest.approx(1.0)
    assert cmp["vs_previous"] == pytest.approx(1 / 3)


def test_a_missing_comparator_is_never_filled_from_another_quarter_or_basis():
    q = pd.concat(
        [
            _quarters({"2026Q2": 20.0, "2025Q3": 9.0}),
            _quarters({"2026Q1": 15.0}, "incl_finance_leases"),
        ]
    )
    cmp = infra.quarter_comparison(q, SRC, "purchases_ppe")
    assert cmp["year_ago_value"] is None and math.isnan(cmp["vs_year_ago"])
    assert cmp["previous_value"] is None and math.isnan(cmp["vs_previous"])


@pytest.mark.parametrize(
    "values,words",
    [
        ([5.0, 3.0, 1.0], "fell at each of the 2 steps"),
        ([1.0, 3.0, 2.0], "moved up and down"),
        ([1.0], "one quarter only"),
    ],
)
def test_a_trend_is_claimed_only_when_every_step_shows_it(values, words):
    series = pd.Series(values, index=[f"2026Q{i + 1}" for i in range(len(values))])
    assert words in infra.trend_text(series, "free cash flow")


def test_the_change_words_follow_the_sign():
    assert fmt.change_words(0.25) == "up 25%"
    assert fmt.change_words(-0.1) == "down 10%"
    assert fmt.change_words(0.001) == "unchanged"


# --- methods --------------------------------------------------------------------------------


def test_the_record_ratio_is_measured_on_the_same_kind_of_range_it_is_applied_to(tables):
    guidance, sources = tables["capex_guidance"], tables["sources"]
    headline = infra.capex_series(tables["capex_annual"], "incl_finance_leases", sources)
    latest = infra.latest_guidance(guidance)
    comparable = infra.comparable_outcomes(guidance, headline, latest)
    point = infra.occasion_point(int(latest.fiscal_year), latest.occasion)
    assert all(
        infra.occasion_point(y, o) == point
        for y, o in zip(comparable.fiscal_year, comparable.occasion, strict=True)
    )
    first_based = (1 + infra.guidance_outcomes(guidance, headline).vs_first_mid).mean()
    assert con.record_ratio(comparable) < first_based  # the raises are not counted twice


def test_the_depreciation_upper_bound_is_checked_against_a_reported_year(tables):
    cf, sources = tables["cash_flow"], tables["sources"]
    ppe = infra.capex_series(tables["capex_annual"], "purchases_ppe", sources)
    da = infra.annual_metric(cf, "depreciation_amortization", sources)
    implied = infra.implied_depreciation(ppe, 5.5, int(da.fiscal_year.min()), 2028)
    check = infra.depreciation_check(implied, da)
    last = check.iloc[-1]
    assert last.reported_usd_bn == pytest.approx(da.usd_bn.iloc[-1])
    assert last.error == pytest.approx(last.implied_usd_bn / last.reported_usd_bn - 1)
    assert last.error > 0  # an upper bound: it overstates, and the page says by how much


def test_a_deal_several_sources_report_is_counted_once(tables):
    deals = tables["financing_deals"].dropna(subset=["amount_usd_bn"])
    distinct = infra.distinct_deals(deals)
    assert len(distinct) < len(deals)
    assert not distinct.duplicated(["counterparty", "kind", "amount_usd_bn"]).any()


def test_a_negative_amount_reads_with_a_minus_before_the_currency():
    assert fmt.usd_bn(-1.4) == "\u2212$1.4 billion"
    assert fmt.usd_bn(-0.001, 2) == "$0 billion"
    assert fmt.usd_bn(0.0) == "$0 billion"
