"""The acquisition chapter: Scale after the deal (Meta's accounting of the stake, the
regulators' review, the record's reach), prose glued from the data, and each glued count
equal to what the chart or table beside it draws."""

from __future__ import annotations

import nbformat
import notebookkit as nk
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from report.chapters import acquisition as acq

D = pd.Timestamp


def aftermath() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.to_datetime(
                [
                    "2025-06-01",
                    "2025-06-14",
                    "2025-06-14",
                    "2025-07-01",
                    "2025-07-17",
                    "2025-06-30",
                    "2025-12-31",
                    "2025-08-07",
                    "2025-09-03",
                    "2026-01-01",
                ]
            ),
            "date_precision": [
                "month",
                "day",
                "day",
                "month",
                "day",
                "day",
                "day",
                "day",
                "day",
                "month",
            ],
            "type": [
                "customer_exit",
                "customer_exit",
                "customer_exit",
                "layoff",
                "layoff",
                "meta_scale_relationship",
                "meta_scale_relationship",
                "legal",
                "legal",
                "legal",
            ],
            "description": [
                "Google halts projects",
                "Google plans to cut ties",
                "Microsoft pulls back",
                "Scale cuts ~200 full-time staff and 500 contractors",
                "Contractor terminations",
                "10-Q: $13.79bn booked under the measurement alternative, not the equity method",
                "10-K: carried at $13.80bn under the measurement alternative",
                "Coalition asks FTC to investigate",
                "Scale sues an ex-employee",
                "FTC chair: examining acqui-hires",
            ],
            "count": [None, None, None, 200, 500, None, None, None, None, None],
            "amount_usd_bn": [None, None, None, None, None, 13.79, 13.8, None, None, None],
            "source_id": ["s1"] * 10,
        }
    )


def test_customers_lost_are_named_once_in_date_order_with_their_period():
    rows = aftermath()
    assert acq.customers_lost(rows) == ["Google", "Microsoft"]
    exits = rows[rows.type == "customer_exit"]
    assert acq.period_words(exits) == "in June 2025"
    assert acq.period_words(exits.iloc[1:2]) == "on 14 June 2025"
    assert acq.period_words(rows.iloc[[0, 4]]) == "between 1 June 2025 and 17 July 2025"
    assert acq.layoff_when(rows) == "July 2025"


def test_metas_accounting_of_the_stake_is_read_from_its_filings():
    booked = acq.stake_accounting(aftermath())
    assert booked["amount_usd_bn"].tolist() == [13.79, 13.8]
    words = acq.accounting_text(booked)
    assert words == {
        "amounts": "$13.79 billion at 30 June 2025 and $13.80 billion at 31 December 2025",
        "basis": "under the measurement alternative, not the equity method",
        "latest": "$13.80 billion",
    }
    mixed = booked.assign(description=["booked under the equity method", "measurement alternative"])
    assert acq.accounting_text(mixed)["basis"] == (
        "under the equity method and under the measurement alternative, not the equity method"
    )
    assert (
        acq.accounting_text(booked.assign(description="carried at cost"))["basis"] == "not stated"
    )
    assert acq.accounting_text(booked.iloc[0:0])["amounts"] == "no amount in our sources"
    assert acq.stake_accounting(aftermath().drop(columns="amount_usd_bn")).empty


def test_regulatory_steps_are_the_legal_rows_that_name_a_regulator():
    steps = acq.regulatory_steps(aftermath())
    assert steps["description"].tolist() == [
        "Coalition asks FTC to investigate",
        "FTC chair: examining acqui-hires",
    ]


def test_the_record_reaches_its_newest_dated_row_at_its_precision():
    facts = pd.DataFrame({"date": pd.to_datetime(["2026-03-04", None]), "text": ["a", "b"]})
    reach = acq.newest_row(
        {
            "deal_facts": (facts, "date", None, "text"),
            "aftermath": (aftermath(), "date", "date_precision", "description"),
        }
    )
    assert reach["as_of"] == D("2026-03-04") and reach["table"] == "deal_facts"
    assert reach["text"] == "a"
    alone = acq.newest_row({"aftermath": (aftermath(), "date", "date_precision", "description")})
    assert alone["as_of"] == D("2026-01-01") and alone["as_of_precision"] == "month"
    assert acq.newest_row({})["as_of"] is None


def test_structures_and_finances_in_words():
    deals = pd.DataFrame({"structure": ["licence_and_hire", "acquisition", "acquisition"]})
    assert acq.structure_words(deals) == [
        acq.STRUCTURE_WORDS["acquisition"],
        acq.STRUCTURE_WORDS["licence_and_hire"],
    ]
    revenue = pd.DataFrame(
        {
            "year": [2024, 2025, 2025],
            "revenue_usd_m": [1000, None, 2000],
            "status": ["actual", "actual", "projected"],
        }
    )
    valuations = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-05-01", "2025-06-13"]),
            "date_precision": ["month", "day"],
            "valuation_usd_bn": [13.8, 29],
            "round": ["Series F", None],
        }
    )
    assert acq.finances_text(revenue, valuations) == {
        "kinds": "company figures and projections",
        "latest_actual": "2024, $1 billion",
        "no_figure": "2025",
        "valuation": "$29 billion (13 June 2025; round not stated)",
    }


# ---------------------------------------------------------------- the committed notebook


@pytest.fixture(scope="module")
def glued():
    return nk.glued("acquisition")


def _table(cell_id: str):
    nb = nbformat.read(str(nk.notebook("acquisition")), as_version=4)
    html = next(
        "".join(o["data"]["text/html"])
        for c in nb.cells
        if c.get("id") == cell_id
        for o in c.get("outputs", [])
        if "text/html" in o.get("data", {})
    )
    return BeautifulSoup(html, "html.parser").select("tbody tr")


def test_deal_counts_equal_the_marks_drawn(glued):
    circles = nk.mark_rows(nk.chart_spec("acquisition", "comparable-deals"), "circle")
    assert int(glued["comparables_count"]) == len(circles[0])
    bars = nk.mark_rows(nk.chart_spec("acquisition", "price-per-person"), "bar")[0]
    assert int(glued["pp_count"]) == len(bars)


def test_customers_named_are_the_exits_drawn(glued):
    points = nk.mark_rows(nk.chart_spec("acquisition", "deal-aftermath"), "point")[0]
    exits = [p for p in points if p["type_label"] == acq.AFTERMATH_LABELS["customer_exit"]]
    names = list(dict.fromkeys(p["what"].split()[0] for p in exits))
    assert glued["customers_lost"].replace(" and ", ", ").split(", ") == names


def test_accounting_and_regulators_equal_their_tables(glued):
    books = _table("books")
    assert glued["stake_amounts"].count(" at ") == len(books) > 0
    assert glued["stake_books"] == f"${books[-1].find_all('td')[2].get_text()} billion"
    steps = _table("regulators")
    words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    assert glued["reg_count"] == words[len(steps)]
    assert glued["reg_latest"] == steps[-1].find_all("td")[0].get_text()
