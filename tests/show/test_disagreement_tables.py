"""The side-by-side table of sources that disagree shows data codes in words."""

from __future__ import annotations

import pandas as pd
from bs4 import BeautifulSoup

from report.show.figures import readable_code
from report.show.tables import disagreements_html


def test_codes_in_a_disagreement_table_read_as_words_and_text_stays_as_is():
    rows = pd.DataFrame(
        {
            "fact": ["wang_age", "wang_age"],
            "value": [25.0, 28.0],
            "unit": ["years", "years"],
            "source_id": ["a", "b"],
            "note": ["as_of_2021 said", "an_id kept in a note"],
        }
    )
    sources = pd.DataFrame(
        {
            "source_id": ["a", "b"],
            "url": ["https://a.example", "https://b.example"],
            "publisher": ["A", "B"],
        }
    )
    html = disagreements_html(
        rows, ["fact"], "value", sources, {"fact": "Fact", "value": "Value", "unit": "Unit"}
    )
    cells = [td.get_text() for td in BeautifulSoup(html, "html.parser").find_all("td")]
    assert "Wang age" in cells and "wang_age" not in cells
    assert "an_id kept in a note" in cells  # notes are the reader's text, never rewritten
    assert readable_code("usd_bn") == "USD bn" and readable_code("Scale AI") == "Scale AI"
