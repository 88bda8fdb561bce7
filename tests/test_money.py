"""How the bet is paid for, and the peers: alignment, ranks, and never summing unlike money."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from report.chapters import infrastructure as infra

SOURCES = pd.DataFrame(
    {"source_id": ["a", "b"], "kind": ["filing", "reference"], "published": [None, None]}
)


def peer_rows():
    rows = []
    for company, end, capex, revenue in [
        ("Microsoft", "2025-06-30", 64.6, 281.7),
        ("Oracle", "2025-05-31", 21.2, 57.4),
        ("Oracle", "2024-05-31", 6.9, 53.0),
        ("Alphabet", "2025-12-31", 91.4, 402.8),
        ("Amazon", "2025-12-31", 131.8, 716.9),
    ]:
        year = int(end[:4])
        rows.append((company, year, end, "capex", capex, "purchases_ppe"))
        rows.append((company, year, end, "revenue", revenue, "reported"))
    frame = pd.DataFrame(
        rows,
        columns=["company", "fiscal_year", "fiscal_year_end", "metric", "value_usd_bn", "basis"],
    )
    frame["fiscal_year_end"] = pd.to_datetime(frame["fiscal_year_end"])
    frame["source_id"] = "b"
    return frame


META_CAPEX = pd.DataFrame(
    {"fiscal_year": [2024, 2025], "capex_usd_bn": [37.3, 69.7], "source_id": ["a", "a"]}
)
META_REV = pd.DataFrame(
    {"fiscal_year": [2024, 2025], "revenue_usd_bn": [164.5, 201.0], "source_id": ["a", "a"]}
)


def test_calendar_alignment_places_each_fiscal_year_where_most_of_it_falls():
    assert infra.calendar_year(pd.Timestamp("2025-05-31")) == 2024  # Oracle: 7 of 12 months in 2024
    assert infra.calendar_year(pd.Timestamp("2025-06-30")) == 2025  # Microsoft: split, year it ends
    assert infra.calendar_year(pd.Timestamp("2025-12-31")) == 2025


@pytest.mark.parametrize(
    ("alignment", "oracle_years"), [("calendar", [2023, 2024]), ("fiscal", [2024, 2025])]
)
def test_peers_are_aligned_as_the_parameter_says(alignment, oracle_years):
    table = infra.peer_table(peer_rows(), META_CAPEX, META_REV, SOURCES, alignment)
    oracle = table[table.company == "Oracle"].sort_values("fiscal_year")
    assert list(oracle.year) == oracle_years and list(oracle.fiscal_year) == [2024, 2025]
    assert set(table.company) == {"Meta", "Microsoft", "Oracle", "Alphabet", "Amazon"}
    meta25 = table[(table.company == "Meta") & (table.fiscal_year == 2025)].iloc[0]
    assert meta25.intensity == pytest.approx(69.7 / 201.0)


def test_an_unknown_alignment_names_the_parameter():
    with pytest.raises(ValueError, match="peer_alignment='lunar'"):
        infra.check_alignment("lunar")


def test_ranks_and_the_latest_common_year():
    table = infra.peer_table(peer_rows(), META_CAPEX, META_REV, SOURCES, "fiscal")
    assert infra.latest_common_year(table) == 2025
    ranked = infra.ranks(table, 2025).set_index("company")
    assert ranked.loc["Amazon", "capex_rank"] == 1 and ranked.loc["Meta", "capex_rank"] == 3
    assert ranked.loc["Oracle", "intensity_rank"] == 1 and ranked.of.iloc[0] == 5
    calendar = infra.peer_table(peer_rows(), META_CAPEX, META_REV, SOURCES, "calendar")
    with pytest.raises(ValueError, match="no year has capex and revenue for every company"):
        infra.latest_common_year(calendar)  # Oracle's years move back one; none is complete


def test_cash_flow_charts_never_add_financing_amounts(book):
    """Off-balance-sheet and financing deals are shown beside the funding charts, never in them."""
    soup = BeautifulSoup((book / "chapters" / "infrastructure.html").read_text(), "html.parser")
    specs = {}
    for div in soup.select("div.report-chart"):
        spec = json.loads(soup.find("script", id=div["data-spec"]).string)
        specs[div["id"]] = spec
    funding = {k: v for k, v in specs.items() if "funding" in k}
    assert len(funding) == 2, sorted(specs)
    deals = next(v for k, v in specs.items() if "financing-deals" in k)
    deal_names = {row.get("counterparty") for ds in deals["datasets"].values() for row in ds}
    assert deal_names - {None}
    for label, spec in funding.items():
        for rows in spec["datasets"].values():
            for row in rows:
                assert "counterparty" not in row and "amount_usd_bn" not in row, label
                assert row.get("measure", row.get("step")) in {
                    "Operating cash flow",
                    "Capital expenditures",
                    "Capex guidance (midpoint)",
                    *infra.BRIDGE_STEPS,
                }, (label, row)


def test_implied_depreciation_spreads_each_year_evenly_from_mid_year():
    capex = pd.DataFrame({"fiscal_year": [2020], "capex_usd_bn": [11.0]})
    implied = (
        infra.implied_depreciation(capex, 5.5, 2019, 2027).set_index("fiscal_year").implied_usd_bn
    )
    assert implied[2019] == 0 and implied[2020] == pytest.approx(1.0)
    assert implied[2021] == pytest.approx(2.0) and implied[2025] == pytest.approx(2.0)
    assert implied[2026] == pytest.approx(0.0) and implied.sum() == pytest.approx(11.0)
    with pytest.raises(ValueError, match="useful life"):
        infra.implied_depreciation(capex, float("nan"), 2019, 2027)


def test_the_useful_life_default_is_the_sourced_one():
    from report import data, params, toc

    lives = data.load("useful_lives")
    servers = lives[lives.asset_class.str.startswith("servers")]
    latest = servers[servers.effective_date == servers.effective_date.max()]
    declared = params.declared(toc.notebooks()["infrastructure"])
    assert declared["server_life_years"].default == latest.useful_life_years_high.iloc[0] == 5.5
    assert declared["peer_alignment"].default in infra.ALIGNMENTS


def test_with_plan_adds_the_guided_year_once():
    actual = pd.DataFrame({"fiscal_year": [2024, 2025], "capex_usd_bn": [37.3, 69.7]})
    plan = pd.Series({"fiscal_year": 2026, "mid_usd_bn": 137.5})
    assert list(infra.with_plan(actual, plan).fiscal_year) == [2024, 2025, 2026]
    assert list(
        infra.with_plan(actual, pd.Series({"fiscal_year": 2025, "mid_usd_bn": 1.0})).capex_usd_bn
    ) == [37.3, 69.7]
