"""How the bet is paid for, and the peers: alignment, ranks, and never summing unlike money."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from report import data
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


def _chart_specs(book, page: str) -> dict[str, dict]:
    soup = BeautifulSoup((book / "chapters" / page).read_text(), "html.parser")
    return {
        div["id"]: json.loads(soup.find("script", id=div["data-spec"]).string)
        for div in soup.select("div.report-chart")
    }


def _rows(spec: dict) -> list[dict]:
    return [row for rows in spec["datasets"].values() for row in rows]


def _marks(spec: dict) -> dict:
    """The layer that draws the deals (the one shaped by stage), or the chart itself."""
    return next((lay for lay in spec.get("layer", []) if "shape" in lay.get("encoding", {})), spec)


def test_cash_flow_charts_never_add_financing_amounts(book):
    """Off-balance-sheet and financing amounts are drawn beside the funding charts, never in them.

    Every amount a funding chart draws is a cash-flow or capex figure of the data (or free cash
    flow, our arithmetic from them); every amount the off-balance panel draws is one row of
    financing_deals or lease_obligations as stated, never a sum.
    """
    from report import data

    specs = _chart_specs(book, "infrastructure.html")
    funding = {k: v for k, v in specs.items() if "funding" in k}
    assert len(funding) == 3, sorted(specs)  # annual comparison, annual bridge, quarters
    deals = next(v for k, v in specs.items() if "financing-deals" in k)
    assert {row.get("counterparty") for row in _rows(deals)} - {None}
    flows = set()
    for name in ("cash_flow", "capex_annual", "capex_quarterly", "capex_guidance"):
        frame = data.load(name)
        for col in ("value_usd_bn", "capex_usd_bn", "low_usd_bn", "high_usd_bn"):
            if col in frame:
                flows |= {round(abs(v), 3) for v in frame[col].dropna()}
    off_amounts = set(data.load("financing_deals").amount_usd_bn.dropna()) | set(
        data.load("lease_obligations").value_usd_bn
    )
    for label, spec in funding.items():
        for row in _rows(spec):
            assert "counterparty" not in row and "amount_usd_bn" not in row and "item" not in row
            assert row.get("measure", row.get("step")) in {
                "Operating cash flow",
                "Capex, headline basis",
                "Capex, purchases basis",
                "Capex guidance midpoint, headline basis",
                *infra.ANNUAL_BRIDGE_STEPS,
            }, (label, row)
            value = row.get("usd_bn")
            derived = "our arithmetic" in (row.get("status"), row.get("how"))
            if value is None or derived:
                continue
            if row.get("planned"):
                continue  # a midpoint of two guided figures
            assert round(abs(value), 3) in flows, (label, row)
    off = next(v for k, v in specs.items() if "off-balance" in k)
    off_rows = _rows(off)
    assert {r["kind_label"] for r in off_rows} <= set(infra.OFF_BALANCE_KINDS.values())
    assert any(r["kind_label"] == infra.OFF_BALANCE_KINDS["leases_not_commenced"] for r in off_rows)
    for row in off_rows:
        assert "step" not in row and "measure" not in row
        if row.get("amount_usd_bn") is not None:
            assert row["amount_usd_bn"] in off_amounts, row  # as stated, never a sum


def test_talks_are_drawn_apart_in_the_book(book):
    """In the built chart, every talks row is labelled as not a commitment and drawn hollow."""
    specs = _chart_specs(book, "infrastructure.html")
    deals = next(v for k, v in specs.items() if "financing-deals" in k)
    rows = _rows(deals)
    from report import data

    table = data.load("financing_deals").dropna(subset=["amount_usd_bn"])
    in_talks = set(table[table.stage == "talks"].counterparty)
    drawn_talks = {r["counterparty"] for r in rows if r["stage_label"] == infra.STAGES["talks"]}
    assert in_talks and drawn_talks == in_talks  # every talks row, and only those, labelled so
    assert not any(
        r["stage_label"] == infra.STAGES["signed"] for r in rows if r["counterparty"] in in_talks
    )
    enc = json.dumps(deals)
    assert '"shape"' in enc and "stage_label" in enc
    fill = _marks(deals)["encoding"]["fillOpacity"]
    assert fill["condition"]["value"] == 0.0 and infra.STAGES["talks"] in fill["condition"]["test"]
    assert fill["value"] > 0  # everything else is filled


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
    from report import data
    from report.build import params, toc

    lives = data.load("useful_lives")
    servers = lives[lives.asset_class.str.startswith("servers")]
    latest = servers[servers.effective_date == servers.effective_date.max()]
    declared = params.declared(toc.notebooks()["infrastructure"])
    assert declared["server_life_years"].default == latest.useful_life_years_high.iloc[0] == 5.5
    assert declared["peer_alignment"].default in infra.ALIGNMENTS


def test_with_plan_adds_the_guided_year_once():
    actual = pd.DataFrame({"fiscal_year": [2024, 2025], "capex_usd_bn": [37.3, 69.7]})
    plan = pd.Series({"fiscal_year": 2026, "mid_usd_bn": 137.5})
    head = "incl_finance_leases"
    assert list(infra.with_plan(actual, plan, head, head).fiscal_year) == [2024, 2025, 2026]
    assert list(
        infra.with_plan(
            actual, pd.Series({"fiscal_year": 2025, "mid_usd_bn": 1.0}), head, head
        ).capex_usd_bn
    ) == [37.3, 69.7]


# ------------------------------------------------------------------ the annual bridge


def _cash(rows):
    frame = pd.DataFrame(rows, columns=["period", "metric", "value_usd_bn", "source_id", "note"])
    frame["period_end"] = frame["period"].str[2:] + "-12-31"
    # the typed free-cash-flow definition, read here from each row's note as the data records it
    frame["definition"] = [
        ("meta" if "Meta's definition" in str(n) else "ocf_less_purchases")
        if m == "free_cash_flow"
        else None
        for m, n in zip(frame["metric"], frame["note"], strict=True)
    ]
    return frame


def test_annual_bridge_signs_derives_and_never_fills():
    cash = _cash(
        [
            ("FY2022", "operating_cash_flow", 50.0, "a", None),
            ("FY2022", "finance_lease_principal", 1.0, "a", None),
            ("FY2022", "buybacks", 28.0, "b", None),
            ("FY2022", "cash_and_securities_end", 40.0, "a", None),
            ("FY2023", "operating_cash_flow", 71.0, "a", None),
            ("FY2023", "free_cash_flow", 43.0, "b", "Meta's definition"),
            ("FY2023", "dividends", 0.0, "b", None),
            ("FY2023", "cash_and_securities_end", 65.0, "a", None),
        ]
    )
    buys = pd.DataFrame(
        {"fiscal_year": [2022, 2023], "capex_usd_bn": [31.0, 27.0], "source_id": ["a", "a"]}
    )
    bridge = infra.annual_bridge(cash, buys, SOURCES).set_index(["fiscal_year", "step"])
    assert list(bridge.loc[2022].index) == infra.ANNUAL_BRIDGE_STEPS
    assert bridge.loc[(2022, "Purchases of property and equipment"), "usd_bn"] == -31.0
    fcf22 = bridge.loc[(2022, "Free cash flow")]
    assert fcf22.usd_bn == pytest.approx(50.0 - 31.0 - 1.0) and fcf22.status == "our arithmetic"
    assert "Meta's definition" in fcf22.definition and fcf22.source_id == "a;a;a"
    fcf23 = bridge.loc[(2023, "Free cash flow")]
    assert fcf23.usd_bn == 43.0 and fcf23.status == "reported"  # reported wins over arithmetic
    assert bridge.loc[(2022, "Share buybacks"), "usd_bn"] == -28.0
    dividends22 = bridge.loc[(2022, "Dividends")]
    assert pd.isna(dividends22.usd_bn) and dividends22.status == "not stated"  # never zero
    assert (
        bridge.loc[(2023, "Dividends"), "usd_bn"] == 0
        and bridge.loc[(2023, "Dividends"), "status"] == "reported"
    )
    change = infra.ANNUAL_BRIDGE_STEPS[-1]
    assert pd.isna(bridge.loc[(2022, change), "usd_bn"])  # no 2021 balance
    assert bridge.loc[(2023, change), "usd_bn"] == pytest.approx(25.0)
    with pytest.raises(ValueError, match="operating cash flow"):
        infra.annual_bridge(cash[cash.metric != "operating_cash_flow"], buys, SOURCES)


def test_annual_bridge_matches_the_data():
    """Every stated step of the real bridge is the preferred row of the data, sign applied."""
    from report import data
    from report.data.sourcing import preferred

    sources = data.load("sources")
    cash = data.load("cash_flow")
    buys = infra.capex_series(data.load("capex_annual"), "purchases_ppe", sources)
    bridge = infra.annual_bridge(cash, buys, sources)
    fy = cash[cash.period.str.startswith("FY")].assign(
        fiscal_year=lambda f: f.period.str[2:].astype(int)
    )
    best = preferred(fy, ["fiscal_year", "metric"], sources).set_index(["fiscal_year", "metric"])
    ocf_years = sorted(y for y, m in best.index if m == "operating_cash_flow")
    assert sorted(bridge.fiscal_year.unique()) == list(range(ocf_years[0], ocf_years[-1] + 1))
    metrics = {
        "Operating cash flow": ("operating_cash_flow", 1),
        "Share buybacks": ("buybacks", -1),
        "Dividends": ("dividends", -1),
        "Debt issued (net proceeds)": ("debt_issued", 1),
    }
    for row in bridge.itertuples():
        if row.step in metrics:
            metric, sign = metrics[row.step]
            if row.status == "our arithmetic":  # a disputed full year gave way to its quarters
                assert row.step == "Share buybacks" and row.definition == "sum of the four quarters"
                assert bool(best.loc[(row.fiscal_year, metric), "disputed"])
            elif (row.fiscal_year, metric) in best.index:
                assert row.usd_bn == sign * best.loc[(row.fiscal_year, metric), "value_usd_bn"]
            else:
                assert pd.isna(row.usd_bn) and row.status == "not stated"
        if row.step == "Purchases of property and equipment":
            expected = buys.set_index("fiscal_year").capex_usd_bn.get(row.fiscal_year)
            assert row.usd_bn == -expected
    chart = infra.annual_bridge_chart(bridge).to_dict()
    assert chart["title"]["text"] and chart["description"]
    assert all("tooltip" in layer["encoding"] for layer in chart["layer"])
    # eight steps a year: a menu shows one step alone, in both layers (bars and crosses)
    (param,) = chart["params"]
    assert param["select"]["fields"] == ["step"]
    assert param["bind"]["input"] == "select"
    assert param["bind"]["options"] == [None, *infra.ANNUAL_BRIDGE_STEPS]
    assert param["bind"]["labels"] == [infra.financing.ALL_STEPS, *infra.ANNUAL_BRIDGE_STEPS]
    for layer in chart["layer"]:
        assert [t["filter"] for t in layer["transform"] if "filter" in t] == [
            {"param": param["name"]}
        ]
        assert "domain" not in layer["encoding"]["xOffset"].get("scale", {})


# ------------------------------------------------------------------ off balance sheet, stages


def _deals():
    return pd.DataFrame(
        {
            "counterparty": [
                "Oracle",
                "CoreWeave",
                "Hyperion JV",
                "JV bond",
                "Bank loan",
                "Crusoe",
            ],
            "kind": [
                "cloud_compute",
                "cloud_compute",
                "joint_venture",
                "jv_bond",
                "other",
                "cloud_compute",
            ],
            "amount_usd_bn": [20.0, 14.2, 27.0, 27.3, 3.0, None],
            "date": pd.to_datetime(
                ["2025-09-19", "2025-09-30", "2025-10-21", "2025-10-01", "2026-04-05", "2026-06-18"]
            ),
            "date_precision": ["day", "day", "day", "month", "day", "day"],
            "stage": ["talks", "signed", "signed", "signed", "talks", None],
            "source_id": ["b", "a", "a", "b", "b", "b"],
        }
    )


def test_talks_never_count_as_commitments():
    deals = _deals()
    committed = infra.commitments(deals)
    assert "talks" not in set(committed.stage) and set(committed.stage) == set(
        infra.COMMITTED_STAGES
    )
    assert "Oracle" not in set(committed.counterparty) and "Crusoe" not in set(
        committed.counterparty
    )
    largest = committed.dropna(subset=["amount_usd_bn"]).sort_values("amount_usd_bn").iloc[-1]
    assert largest.counterparty == "JV bond"  # not the bigger talks of anyone
    assert infra.stage_label(None) == "Not stated" and infra.stage_label("talks").startswith(
        "Talks"
    )
    with pytest.raises(ValueError, match="unknown deal stage"):
        infra.stage_label("rumour")
    spec = infra.deals_chart(deals).to_dict()
    drawn = [r for r in _rows(spec) if "stage_label" in r]
    assert {r["stage_label"] for r in drawn if r["counterparty"] == "Oracle"} == {
        infra.STAGES["talks"]
    }
    marks = _marks(spec)
    assert marks["encoding"]["shape"]["field"] == "stage_label"
    assert marks["encoding"]["fillOpacity"]["condition"]["value"] == 0.0  # talks drawn hollow


def test_off_balance_items_are_listed_as_stated_and_never_summed():
    deals = _deals()
    leases = pd.DataFrame(
        {
            "as_of": pd.to_datetime(["2026-03-31", "2026-03-31"]),
            "date_precision": ["day", "day"],
            "metric": ["not_yet_commenced", "added_in_quarter"],
            "value_usd_bn": [182.9, 79.0],
            "source_id": ["b", "b"],
        }
    )
    items = infra.off_balance_items(deals, leases, SOURCES)
    assert "Bank loan" not in set(items["item"])  # a loan to a campus is not in the panel
    assert len(items) == 6 and set(items.kind) == set(infra.OFF_BALANCE_KINDS)
    stated = items.dropna(subset=["amount_usd_bn"])
    assert set(stated.amount_usd_bn) == {20.0, 14.2, 27.0, 27.3, 182.9}  # each as stated
    assert set(items.grade) <= {"filing", "reference"} and items.grade.notna().all()
    assert items.loc[items["item"] == "Oracle", "stage_label"].iloc[0] == infra.STAGES["talks"]
    spec = infra.off_balance_chart(items).to_dict()
    assert spec["description"] and all("tooltip" in layer["encoding"] for layer in spec["layer"])
    drawn = [r for rows in spec["datasets"].values() for r in rows]
    assert {r["when"] for r in drawn if r["item"] == "JV bond"} == {
        "October 2025"
    }  # month precision kept


# ------------------------------------------------------------------ scenarios from the record


def test_record_ratio_and_the_named_scenarios():
    from report.chapters import conclusion as con

    outcomes = pd.DataFrame({"fiscal_year": [2024, 2025], "ratio": [1.2, 1.1]})
    assert con.record_ratio(outcomes) == pytest.approx(1.15)
    with pytest.raises(ValueError, match="no completed year"):
        con.record_ratio(outcomes.iloc[0:0])
    assert con.spread_start(100.0, 0.0, 3) == pytest.approx(25.0)
    path = con.project(2026, con.spread_start(280.0, 0.1, 3), 0.1, 3)
    assert path.usd_bn.sum() == pytest.approx(280.0)
    guidance = pd.Series(
        {"fiscal_year": 2026, "low_usd_bn": 130.0, "high_usd_bn": 145.0, "given_date": "2026-07-29"}
    )
    starts = con.scenario_starts(guidance, 1.15, 8.0, 35.0, 0.1, 3).set_index("label")
    assert starts.loc["Guidance record", "start_usd_bn"] == pytest.approx(137.5 * 1.15)
    assert starts.loc["Campus plans", "total_usd_bn"] == pytest.approx(280.0)
    assert starts.loc["Guidance, low", "basis"] == "Meta's guidance"
    assert set(starts.loc[["Guidance record", "Campus plans"], "basis"]) == {"our arithmetic"}
    assert con.start_value(starts.reset_index(), "guidance", "high") == 145.0
    with pytest.raises(ValueError, match="start_from must be one of"):
        con.check_start_from("astrology")
    assumptions = pd.DataFrame({"name": ["cost_per_gw_x", "pue"], "value": [40.0, 1.1]})
    assert con.cost_per_gw(assumptions, "cost_per_gw_x") == 40.0
    with pytest.raises(ValueError, match="cost_per_gw must be one of cost_per_gw_x"):
        con.cost_per_gw(assumptions, "pue")


def test_named_scenarios_from_the_record_resolve():
    from report.build import params, toc

    for name, start in [("guidance-record", "guidance-record"), ("campus-plans", "campus-plans")]:
        resolved = params.resolve(toc.notebooks(), scenario=name)
        assert resolved["conclusion"]["start_from"] == start
    cost = params.resolve(toc.notebooks(), scenario="campus-plans")["conclusion"]["cost_per_gw"]
    from report import data

    assert cost in set(data.load("assumptions").name)


# ------------------------------------------------------------------ the power pipeline


def test_power_pipeline_places_only_stated_years():
    power = pd.DataFrame(
        {
            "counterparty": ["Plant A", "Plant B", "Plant C", "All plants"],
            "kind": ["gas", "solar", "nuclear", "gas"],
            "capacity_mw": [2260.0, 600.0, 690.0, 7500.0],
            "online_year": pd.array([2029, 2027, pd.NA, pd.NA], dtype="Int64"),
            "source_id": ["a", "b", "b", "b"],
        }
    )
    capacity = pd.DataFrame(
        {
            "campus": ["Hyperion", "Hyperion", "Prometheus", "Lebanon"],
            "capacity_gw": [2.0, 5.0, 1.0, 1.0],
            "target_year": [2030, None, 2026, None],
            "source_id": ["a", "a", "b", "b"],
        }
    )
    due, campuses, unstated = infra.power_pipeline(power, capacity)
    assert list(due.year) == [2027, 2029] and list(due.gw) == [0.6, 2.26]
    assert due.cumulative_gw.iloc[-1] == pytest.approx(2.86)
    assert set(unstated.counterparty) == {"Plant C", "All plants"}  # never put in a year
    assert list(campuses.year) == [2026, 2030] and list(campuses.cumulative_gw) == [1.0, 3.0]
    spec = infra.power_pipeline_chart(due, campuses).to_dict()
    assert spec["title"]["text"] and all("tooltip" in layer["encoding"] for layer in spec["layer"])
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == list(range(2026, 2031))


def test_compute_plans_split_by_unit_and_say_what_is_missing():
    plans = pd.DataFrame(
        {
            "entity": ["OpenAI (Stargate)", "OpenAI", "xAI (Colossus)", "Microsoft", "Meta"],
            "metric": [
                "stargate_commitment",
                "build_rate",
                "gpu_target",
                "footprint_multiple",
                "leased_gw",
            ],
            "value": [10.0, 1.0, 1e6, 2.0, 1.6],
            "unit": ["GW", "GW per week", "GPUs", "x current footprint", "GW"],
            "status": ["plan", "plan", "plan", "plan", "signed"],
            "source_id": ["a", "a", "b", "b", "b"],
        }
    )
    gw, acc, missing = infra.compute_plan_rows(plans)
    assert list(gw.family) == ["OpenAI", "Meta"] and list(gw.value) == [10.0, 1.6]  # no GW per week
    assert list(acc.family) == ["xAI"] and acc.value.iloc[0] == 1e6
    flags = missing.set_index("family")
    assert not flags.loc["Alphabet / Google", "has_gw"] and not flags.loc["Microsoft", "has_gw"]
    assert flags.loc["xAI", "has_accelerators"] and not flags.loc["Meta", "has_accelerators"]
    spec = infra.compute_plans_chart(gw, "GW").to_dict()
    assert spec["encoding"]["y"]["sort"] == ["Meta", "OpenAI"] and spec["description"]


def test_every_stated_compute_figure_is_labelled_in_words():
    from report.data import load

    plans = load("compute_plans")
    assert infra.plan_label("aws_trainium_capacity", "GW (about)") == (
        "AWS Trainium capacity, about (GW)"
    )
    assert infra.plan_label("new_metric_gw", "GW") == "New metric gw (GW)"  # spelt out, not raw
    gw, acc, _ = infra.compute_plan_rows(plans)
    for label in [*gw["label"], *acc["label"]]:
        assert "_" not in label and "((" not in label and "))" not in label, label
        assert label[:1].isupper(), label
    assert set(plans["metric"]) <= set(infra.PLAN_METRIC_WORDS)  # every metric has its words
    # the sentence beside the chart names each lab's largest figure in the same words
    assert infra.largest_plan_text(gw, "Anthropic").endswith("(AWS Trainium capacity, plan)")
    assert "_" not in infra.largest_plan_text(gw, "OpenAI")


def test_the_ranking_year_says_who_lacks_the_next_year():
    table = pd.DataFrame(
        {
            "company": ["Meta", "Oracle", "Meta", "Oracle", "Alphabet", "Alphabet"],
            "year": [2024, 2024, 2025, 2025, 2024, 2025],
            "capex_usd_bn": [37.3, 6.9, 69.7, None, 52.5, 91.45],
            "revenue_usd_bn": [164.5, 53.0, 201.0, None, 350.0, 402.8],
        }
    )
    assert infra.latest_common_year(table) == 2024
    assert infra.year_gap_text(table, 2024) == (
        "the latest year with all 3; no 2025 figures for Oracle"
    )
    table.loc[(table.company == "Alphabet") & (table.year == 2025), "capex_usd_bn"] = float("nan")
    assert infra.year_gap_text(table, 2024).endswith("no 2025 figures for Alphabet and Oracle")
    assert infra.year_gap_text(table[table.year == 2024], 2024) == ("the latest year with all 3")
    # a company with the next year's capex but not its revenue is named apart, not as lacking it
    table.loc[(table.company == "Oracle") & (table.year == 2025), "capex_usd_bn"] = 55.7
    assert infra.year_gap_text(table, 2024) == (
        "the latest year with all 3; no 2025 figures for Alphabet; "
        "Oracle 2025 capex but no 2025 revenue in our sources"
    )


def test_a_deal_reported_twice_is_drawn_once_at_its_most_precise_date():
    deals = pd.DataFrame(
        {
            "counterparty": ["Google Cloud", "Google Cloud", "Oracle", "Nebius"],
            "kind": ["cloud_compute"] * 4,
            "amount_usd_bn": [10.0, 10.0, 20.0, None],
            "date": ["2025-01-01", "2025-08-23", "2025-09-01", "2025-11-01"],
            "date_precision": ["year", "day", "month", "day"],
            "stage": ["", "signed", "talks", "signed"],
        }
    )
    one = infra.distinct_deals(deals)
    assert list(one.index) == [1, 2, 3]  # the year-only copy goes; the amount-less row stays
    spec = infra.deals_chart(deals).to_dict()
    drawn = [d for d in spec["datasets"].values() if d and "counterparty" in d[0]]
    assert all(sum(r["counterparty"] == "Google Cloud" for r in d) <= 1 for d in drawn)
    real = infra.distinct_deals(data.load("financing_deals"))
    assert (real["counterparty"] == "Google Cloud").sum() == 1


def test_peer_guidance_says_when_a_fiscal_year_is_not_the_calendar_year():
    financials = pd.DataFrame(
        {
            "company": ["Oracle", "Alphabet"],
            "fiscal_year_end": ["2025-05-31", "2025-12-31"],
        }
    )
    guidance = pd.DataFrame(
        {
            "company": ["Oracle", "Oracle", "Alphabet"],
            "fiscal_year": [2026, 2026, 2026],
            "given_date": pd.to_datetime(["2025-12-10", "2026-03-10", "2026-02-04"]),
            "date_precision": ["day", "day", "day"],
            "low_usd_bn": [35.0, 50.0, 175.0],
            "high_usd_bn": [35.0, 50.0, 185.0],
        }
    )
    text = infra.guidance_text(guidance, financials, pd.Timestamp("2026-03-31"))
    assert "Oracle $50 billion for fiscal 2026 (the year to May 2026) (given 10 March 2026)" in text
    assert "Alphabet $175–185 billion for 2026 (given 4 February 2026)" in text
    assert "$35" not in text  # only each company's latest guidance
    # once Oracle's year has closed, its guide is no outlook any more, and the text says so
    later = infra.guidance_text(guidance, financials, pd.Timestamp("2026-11-29"))
    assert "Oracle $50" not in later and "no guidance for a year still open" in later


def test_a_campus_target_is_shown_with_its_newest_status_check():
    campuses = pd.DataFrame(
        {
            "campus": ["P", "P", "P", "H"],
            "phase": ["whole cluster", "status check 2026", "status check late 2026", "phase 1"],
            "source_id": ["a", "a", "b", "a"],
            "note": ["announced", "Primer: half built", "Tracker: slipped eight months.", None],
        }
    )
    sources = pd.DataFrame({"source_id": ["a", "b"], "publisher": ["Spokesman", "Tracker Co"]})
    assert infra.status_check_text(campuses, "P", sources) == (
        "the latest status check in our sources, from Tracker Co, reads: slipped eight months"
    )
    assert infra.status_check_text(campuses, "H", sources) == ""


def test_the_split_year_rule_is_shown_with_what_it_decides():
    """Microsoft's six-and-six year is placed in the year it ends; placed in the year it starts,
    Meta's 2025 capex rank would change, and the page says so (second analyst, #26)."""
    assert infra.calendar_year(pd.Timestamp("2026-06-30")) == 2026
    assert infra.calendar_year(pd.Timestamp("2026-06-30"), split="start") == 2025
    assert infra.calendar_year(pd.Timestamp("2026-05-31"), split="start") == 2025  # Oracle: 7+5
    assert infra.calendar_year(pd.Timestamp("2025-12-31"), split="start") == 2025
    table = pd.DataFrame(
        {
            "company": ["Meta", "Microsoft", "Microsoft", "Alphabet"],
            "fiscal_year": [2025, 2025, 2026, 2025],
            "fiscal_year_end": pd.to_datetime(
                ["2025-12-31", "2025-06-30", "2026-06-30", "2025-12-31"]
            ),
            "capex_usd_bn": [69.7, 64.6, 115.9, 91.4],
            "revenue_usd_bn": [201.0, 281.7, None, 402.8],
        }
    )
    end = table.assign(year=table["fiscal_year_end"].map(infra.calendar_year))
    start = table.assign(
        year=table["fiscal_year_end"].map(lambda e: infra.calendar_year(e, "start"))
    )
    assert infra.split_year_text(end, start, 2025) == (
        "placed in the year it starts, Microsoft's fiscal 2026 capex ($115.9 billion) would "
        "fall in 2025 and Meta would rank third of 3 on capex"
    )
    assert infra.split_year_text(end, end, 2025) == ""
