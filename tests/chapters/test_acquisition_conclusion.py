"""Computations of the acquisition and conclusion chapters, and the appendix pages."""

from __future__ import annotations

import pandas as pd
import pytest

from report import data
from report.appendix import data_dictionary
from report.appendix import sources as pages
from report.chapters import acquisition as acq
from report.chapters import conclusion as con

SOURCES = pd.DataFrame(
    {
        "source_id": ["s1", "s2"],
        "kind": ["news", "analyst"],
        "published": pd.to_datetime(["2025-06-12", "2025-06-13"]),
    }
)


def test_implied_valuation_and_premium():
    assert acq.implied_valuation(14.3, 49) == pytest.approx(29.183673, rel=1e-6)
    assert acq.implied_valuation(10, 100) == 10
    assert acq.premium(29.18, 13.8) == pytest.approx(29.18 / 13.8 - 1)
    for bad in (0, -5, 120):
        with pytest.raises(ValueError, match="stake_pct"):
            acq.implied_valuation(14.3, bad)
    with pytest.raises(ValueError):
        acq.premium(10, 0)


def test_sensitivity_grid():
    grid = acq.sensitivity([14.3, 14.8], [40.0, 50.0])
    assert len(grid) == 4
    assert (
        grid.set_index(["amount_usd_bn", "stake_pct"]).loc[(14.8, 50.0), "valuation_usd_bn"] == 29.6
    )


def test_previous_round_ignores_talks_and_later_rounds():
    vals = pd.DataFrame(
        {
            "date": pd.to_datetime(["2021-04-01", "2024-05-01", "2025-01-01", "2025-06-12"]),
            "valuation_usd_bn": [7.3, 13.8, 25.0, 29.0],
            "round": ["Series E", "Series F", "Tender offer (talks)", "Meta investment"],
            "source_id": ["s1"] * 4,
        }
    )
    prev = acq.previous_round(vals, pd.Timestamp("2025-06-12"), SOURCES)
    assert prev.valuation_usd_bn == 13.8
    with pytest.raises(KeyError):
        acq.previous_round(vals, pd.Timestamp("2020-01-01"), SOURCES)


def deals():
    return pd.DataFrame(
        {
            "acquirer": ["Google", "Google", "Meta", "Meta", "OpenAI", "Nvidia"],
            "target": ["Windsurf", "Windsurf", "Scale AI", "SSI", "Windsurf", "Groq"],
            "date": pd.to_datetime(
                ["2025-07-11"] * 2 + ["2025-06-12", "2025-06-20", "2025-07-11", "2025-12-24"]
            ),
            "amount_usd_bn": [2.4, 2.4, 14.3, None, 3.0, 20.0],
            "structure": [
                "licence_and_hire",
                "licence_and_hire",
                "minority_stake",
                "acquisition",
                "acquisition",
                "licence_and_hire",
            ],
            "outcome": ["completed", "completed", "completed", "talks_only", "failed", "completed"],
            "people_moved": [None, 40, None, None, None, None],
            "source_id": ["s1", "s2", "s1", "s1", "s1", "s1"],
        }
    )


def test_completed_deals_and_structures():
    done = acq.completed_deals(deals(), SOURCES)
    assert sorted(done["deal"]) == ["Google – Windsurf", "Meta – Scale AI", "Nvidia – Groq"]
    table = acq.by_structure(done).set_index("structure_label")
    assert table.loc["Licence and hire", "deals"] == 2
    assert table.loc["Licence and hire", "total_usd_bn"] == pytest.approx(22.4)
    assert "Acquisition" not in table.index  # talks and failed deals are left out


def test_price_per_person_needs_one_source_with_both_figures():
    pp = acq.per_person(deals())
    assert pp["deal"].tolist() == ["Google – Windsurf"]
    assert pp["usd_m_per_person"].iloc[0] == pytest.approx(60.0)


def test_scale_layoffs_leave_out_metas_own_cuts():
    after = pd.DataFrame(
        {
            "type": ["layoff", "layoff", "layoff", "other"],
            "description": [
                "Scale cuts ~200 full-time staff",
                "Contractor terminations",
                "Meta cuts ~600 roles",
                "x",
            ],
            "count": [200, 500, 600, None],
        }
    )
    assert acq.scale_layoffs(after) == {"staff": 200.0, "contractors": 500.0}


def test_projection_compounds_from_the_chosen_point():
    guidance = pd.Series({"low_usd_bn": 125.0, "high_usd_bn": 145.0})
    assert con.starting_point(guidance, "mid") == 135.0
    assert con.starting_point(guidance, "low") == 125.0
    with pytest.raises(ValueError, match="guidance_point"):
        con.starting_point(guidance, "middle")
    path = con.project(2026, 100.0, 0.1, 2)
    assert path["fiscal_year"].tolist() == [2026, 2027, 2028]
    assert path["usd_bn"].tolist() == pytest.approx([100.0, 110.0, 121.0])
    assert con.first_year_over(path, 105) == 2027
    assert con.first_year_over(path, 500) is None
    with pytest.raises(ValueError):
        con.project(2026, 100.0, -1.0, 2)


def test_two_bets_need_complete_series():
    rl = pd.DataFrame(
        {
            "fiscal_year": [2024, 2025],
            "operating_loss_usd_bn": [17.7, 19.2],
            "source_id": ["s1", "s1"],
        }
    )
    capex = pd.DataFrame(
        {"fiscal_year": [2024, 2025], "capex_usd_bn": [37.3, 69.7], "source_id": ["s1", "s1"]}
    )
    both = con.two_bets(rl, capex, SOURCES, 2024)
    totals = both.groupby("bet")["cumulative_usd_bn"].max()
    assert totals.min() == pytest.approx(36.9) and totals.max() == pytest.approx(107.0)
    gappy = capex.assign(fiscal_year=[2019, 2025])
    with pytest.raises(ValueError, match="gaps"):
        con.two_bets(rl, gappy, SOURCES, 2019)


def test_citations_map_every_cited_source_to_tables_and_chapters():
    pkg = data.package()
    cited = pages.citations(pkg, data.load("claims")).set_index("source_id")
    sources = data.load("sources")
    assert set(sources["source_id"]) == set(cited.index)  # every source is cited somewhere
    capex_row = data.load("capex_annual").iloc[0]
    assert "capex_annual" in cited.loc[capex_row.source_id, "tables"]
    assert "infrastructure" in cited.loc[capex_row.source_id, "chapters"]


def test_dictionary_lists_every_field_with_units():
    pkg = data.package()
    fields = data_dictionary.fields_frame(pkg, "capex_annual").set_index("field")
    assert fields.loc["capex_usd_bn", "unit"] == "USD bn"
    assert fields.loc["fiscal_year", "key"] == "yes"
    assert "one of incl_finance_leases, purchases_ppe" in fields.loc["basis", "rules"]
    page = data_dictionary.dictionary_html(pkg, "capex_annual", 3, show_rules=True)
    assert 'href="../data/capex_annual.csv"' in page and "3 rows" in page


def test_the_watch_list_is_in_date_order_and_names_what_happened_unsourced():
    from report.chapters import conclusion as con

    watch = pd.DataFrame(
        {
            "date": pd.to_datetime(["2049-01-01", "2027-04-01", "2027-01-01", "2026-09-30"]),
            "date_precision": ["year", "month", "year", "day"],
            "event": ["Bonds mature", "Licence ends", "Chips due", "Q3 ended"],
            "source_id": ["s"] * 4,
            "status": ["upcoming", "upcoming", None, "happened_unsourced"],
        }
    )
    upcoming, happened = con.watch_lists(watch, pd.Timestamp("2026-12-06"))
    assert upcoming["event"].tolist() == ["Chips due", "Licence ends", "Bonds mature"]
    assert upcoming["when"].tolist()[:2] == ["2027", "April 2027"]
    assert con.happened_text(happened) == (
        "Already happened, but not in our sources: 30 September 2026: Q3 ended."
    )
