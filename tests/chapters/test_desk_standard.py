"""The desk editor's standard (#26): one basis and definition per quantity, fixed comparators,
trends only where every step shows them, ratios applied to the same kind of figure, checked
projections, counts of facts. Each test would have caught the fault the analyst found."""

from __future__ import annotations

import math
import re

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


def test_the_purchases_line_is_metas_net_figure_every_year(tables):
    """2020-21 were drawn from a data site's gross figures beside 2022-23 net (analyst, #26)."""
    annual = tables["capex_annual"]
    drawn = infra.capex_series(annual, "purchases_ppe", tables["sources"])
    gross = annual[annual["note"].fillna("").str.contains("gross of", case=False)]
    for year, rows in gross.groupby("fiscal_year"):
        others = annual[
            (annual.fiscal_year == year)
            & (annual.basis == "purchases_ppe")
            & ~annual.index.isin(rows.index)
        ]
        if others.empty:
            continue  # the only figure for the year stays (nothing net to prefer)
        assert rows["disputed"].fillna(False).all(), year
        value = drawn.loc[drawn.fiscal_year == year, "capex_usd_bn"].iloc[0]
        assert value not in set(rows["capex_usd_bn"]), year
    assert drawn.set_index("fiscal_year").loc[2021, "capex_usd_bn"] == pytest.approx(18.567)


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


def test_talks_are_never_read_as_a_signed_amount(tables):
    """The $20bn Oracle talks read as a bar beside signed contracts (analyst, #26)."""
    items = infra.off_balance_items(
        tables["financing_deals"], data.load("lease_obligations"), tables["sources"]
    )
    spec = infra.off_balance_chart(items).to_dict()
    drawn = [r for rows in spec["datasets"].values() for r in rows]
    talks = [r for r in drawn if r["stage_label"] == infra.STAGES["talks"]]
    assert talks and all(r["label"].endswith("; talks only)") for r in talks)
    assert any("Hollow bar: talks" in line for line in spec["title"]["subtitle"])
    signed = [r for r in drawn if r["stage_label"] == infra.STAGES["signed"]]
    assert signed and not any(";" in r["label"].rsplit("(", 1)[-1] for r in signed)


# --- what a reader sees in a table --------------------------------------------------------

#: A bare data id (``lecun-exit``, ``fergus-fair-head``) or an editor's remark about the data
#: (``Moved from model_releases``, ``Replaces x (not stored)``) is not for a reader's table.
_BARE_ID = r"[a-z0-9]+(?:-[a-z0-9]+)+"
_EDITORS = ("Moved from ", "(not stored)", "this page does not state")


def test_no_table_cell_is_a_data_id_or_an_editors_note():
    """The launches table showed 'Moved from model_releases: ...' and the labs disagreements
    table named events by id (analyst, #26)."""
    import json
    import re
    from pathlib import Path

    from bs4 import BeautifulSoup

    root = Path(__file__).resolve().parents[2]
    ids = set(data.load("sources")["source_id"])
    found = []
    for path in sorted((root / "chapters").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            for out in cell.get("outputs", []):
                html = "".join(out.get("data", {}).get("text/html", []))
                if "<td" not in html:
                    continue
                for td in BeautifulSoup(html, "html.parser").find_all("td"):
                    text = td.get_text(" ", strip=True)
                    named = ids & set(re.findall(_BARE_ID, text))  # a source by its id
                    if re.fullmatch(_BARE_ID, text) or any(e in text for e in _EDITORS) or named:
                        found.append(f"{path.name}: {text[:80]}")
    assert found == []


def test_the_projection_chart_leaves_no_year_blank_that_the_data_can_fill(tables):
    """2020-23 were blank on the conclusion's projection chart though the purchases basis holds
    them (analyst, #26); a filled year is drawn apart and named, never as headline."""
    capex, sources = tables["capex_annual"], tables["sources"]
    headline = infra.capex_series(capex, "incl_finance_leases", sources)
    purchases = infra.capex_series(capex, "purchases_ppe", sources)
    history = con.actual_history(headline, purchases)
    years = list(history["fiscal_year"])
    assert years == list(range(min(years), max(years) + 1))  # no gap
    filled = history[history["basis"] == "purchases_ppe"]
    assert set(filled["fiscal_year"]).isdisjoint(headline["fiscal_year"])
    assert not filled.empty and (filled["basis_label"] == "purchases basis").all()
    spec = con.projection_chart(
        history,
        history.iloc[0:0].assign(low_usd_bn=[], high_usd_bn=[], given_date=[]),
        history.iloc[0:0],
        100.0,
    ).to_dict()
    assert "pale: purchases basis" in spec["title"]["subtitle"]


def test_our_reality_labs_sum_is_set_beside_the_running_total_a_source_reports():
    """The book's $88bn sum was never reconciled with the $83.6bn a source reports (#26)."""
    sources = data.load("sources")
    text = con.reported_total_text(
        data.load("reality_labs_cumulative"), data.load("reality_labs"), sources
    )
    reported = re.search(r"running total of \$([\d.]+) billion since (\d{4})", text)
    ours = re.search(r"against our \$([\d.]+) billion", text)
    assert reported and ours
    annual = facts.reality_labs_losses(data.load("reality_labs"), sources, int(reported[2]))
    assert float(ours[1]) == pytest.approx(annual.value, abs=0.05)  # the same years, our sum


def test_buybacks_are_repurchases_not_a_total_that_adds_share_settlement_taxes(tables):
    """2025 buybacks were a data site's $44.6bn that adds taxes on net share settlement, so
    'payouts exceeded free cash flow' held on the wrong figure (second analyst, #26)."""
    cash, sources = tables["cash_flow"], tables["sources"]
    purchases = infra.capex_series(tables["capex_annual"], "purchases_ppe", sources)
    bridge = infra.annual_bridge(cash, purchases, sources)
    row = bridge[(bridge.fiscal_year == 2025) & (bridge.step == "Share buybacks")].iloc[0]
    quarters = cash[(cash.metric == "buybacks") & cash.period.str.startswith("2025Q")]
    assert row["status"] == "our arithmetic" and row["definition"] == "sum of the four quarters"
    assert -row["usd_bn"] == pytest.approx(quarters["value_usd_bn"].sum())
    full_year = cash[(cash.metric == "buybacks") & (cash.period == "FY2025")]
    assert full_year["disputed"].fillna(False).all()  # kept, marked, not drawn
    # a year whose full-year figure is undisputed keeps it
    y2024 = bridge[(bridge.fiscal_year == 2024) & (bridge.step == "Share buybacks")].iloc[0]
    assert y2024["status"] == "reported"


def test_no_glued_sentence_carries_a_data_code():
    """'5 GW (aws trainium capacity, plan)' was glued from a metric code (second analyst, #26).

    A glued value names no snake_case code, unless it names one of the notebook's parameters
    (a reader can set those by name).
    """
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found = []
    for path in sorted((root / "chapters").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        params = "".join(
            "".join(c["source"])
            for c in nb["cells"]
            if "parameters" in c.get("metadata", {}).get("tags", [])
        )
        for cell in nb["cells"]:
            for out in cell.get("outputs", []):
                value = "".join(
                    out.get("data", {}).get("application/papermill.record/text/plain", [])
                )
                for code in re.findall(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b", value):
                    if code not in params:
                        found.append(f"{path.name}: {code} in {value[:80]}")
    assert found == []


def test_a_legend_lists_only_categories_that_have_a_mark(tables):
    """The pay chart listed 'Confirmed by the payer', the deals chart 'Chips and hardware' and
    the release timeline 'Internal only' with no mark (third analyst, #26)."""
    from report.show.theme import present_scale

    scale = present_scale({"a": "A", "b": "B", "c": "C"}, ["red", "green", "blue"], ["c", "A"])
    assert scale.to_dict() == {"domain": ["A", "C"], "range": ["red", "blue"]}  # values kept
    from report.chapters import talent

    shown = talent.pay_ranges(data.load("compensation_reports"), 0, data.load("sources"))
    spec = talent.pay_chart(shown).to_dict()
    scales = [
        layer["encoding"]["color"]["scale"]
        for layer in spec.get("layer", [spec])
        if "color" in layer.get("encoding", {})
    ]
    assert scales and all(set(s["domain"]) <= set(shown["status_label"]) for s in scales)


def test_a_principal_no_source_states_is_the_headline_capex_less_purchases(tables):
    """2025 finance-lease principal and 2019 free cash flow were drawn as not stated although
    the two capex bases imply them (third analyst, #26)."""
    assert bases.lease_principal(72.22, 69.691) == pytest.approx(2.529)
    with pytest.raises(ValueError, match="below purchases"):
        bases.lease_principal(60.0, 69.691)
    capex, sources = tables["capex_annual"], tables["sources"]
    purchases = infra.capex_series(capex, "purchases_ppe", sources)
    headline = infra.capex_series(capex, "incl_finance_leases", sources)
    bridge = infra.annual_bridge(tables["cash_flow"], purchases, sources, headline=headline)
    step = bridge.set_index(["fiscal_year", "step"])
    principal = step.loc[(2025, "Principal payments on finance leases")]
    assert principal["status"] == "our arithmetic"
    assert principal["definition"] == "headline capex less purchases"
    # the reported 2025 free cash flow equals cash flow less both parts, so the parts agree
    fcf = step.loc[(2025, "Free cash flow"), "usd_bn"]
    ocf = step.loc[(2025, "Operating cash flow"), "usd_bn"]
    ppe = step.loc[(2025, "Purchases of property and equipment"), "usd_bn"]
    assert fcf == pytest.approx(ocf + ppe + principal["usd_bn"], abs=0.01)
    assert step.loc[(2019, "Free cash flow"), "status"] == "our arithmetic"


def test_a_quarters_free_cash_flow_is_cash_flow_less_headline_capex_when_parts_are_missing(
    tables,
):
    """Q4 2025 free cash flow was blank though cash flow and headline capex were both stated
    (fourth analyst, #26): Meta's definition is cash flow less the headline figure."""
    quarterly = data.load("capex_quarterly")
    headline = quarterly[quarterly.basis == "incl_finance_leases"]
    bridge = infra.quarterly_bridge(tables["cash_flow"], tables["sources"], headline=headline)
    fcf = bridge[(bridge.step == "Free cash flow") & (bridge.quarter == "2025Q4")]
    ocf = bridge[(bridge.step == "Operating cash flow") & (bridge.quarter == "2025Q4")]
    q4 = headline[headline.quarter == "2025Q4"]
    assert len(fcf) == 1 and bool(fcf["derived"].iloc[0])
    assert fcf["usd_bn"].iloc[0] == pytest.approx(
        ocf["usd_bn"].iloc[0] - q4["capex_usd_bn"].iloc[0], abs=0.05
    )
    bare = infra.quarterly_bridge(tables["cash_flow"], tables["sources"])  # no headline: blank
    assert bare[(bare.step == "Free cash flow") & (bare.quarter == "2025Q4")].empty


def test_the_date_known_legend_lists_only_the_precisions_drawn():
    """'Date known to' listed 'quarter only' and 'year only' in charts with none (fourth
    analyst, #26)."""
    from report.show.marks import DATE_KNOWN, date_known_opacity

    rows = pd.DataFrame({"date_known": [DATE_KNOWN["day"], DATE_KNOWN["month"], None]})
    scale = date_known_opacity(rows=rows).to_dict()["scale"]
    assert scale["domain"] == [DATE_KNOWN["day"], DATE_KNOWN["month"]]
    assert len(scale["range"]) == 2
    assert len(date_known_opacity().to_dict()["scale"]["domain"]) == len(DATE_KNOWN)


def test_an_event_in_two_chapters_carries_one_date_at_one_precision():
    """The lab's four-way split read 'August 2025' in Labs and '20 Aug 2025' in Acquisition, the
    applied AI org 'March 2026' and '4 Mar 2026' (fourth analyst, #26): a report's day is not
    the event's day."""
    events = data.load("lab_events").drop_duplicates("event_id").set_index("event_id")
    after = data.load("aftermath")
    pairs = {"msl-four-groups": "four teams", "applied-ai-eng-org": "applied AI org"}
    for event_id, words in pairs.items():
        row = after[after["description"].str.contains(words, regex=False)].iloc[0]
        assert row["date"] == events.loc[event_id, "date"], event_id
        assert row["date_precision"] == events.loc[event_id, "date_precision"], event_id
