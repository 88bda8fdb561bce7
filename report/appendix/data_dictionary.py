"""The data dictionary appendix (``appendix/data-dictionary.ipynb``): every table and field of the data package."""

from __future__ import annotations

import html

import altair as alt
import pandas as pd

from report.appendix.sources import CHAPTER_TITLES
from report.data import Package
from report.show.tables import table_html


def fields_frame(pkg: Package, name: str) -> pd.DataFrame:
    """The fields of one table: name, type, unit, required, description, other constraints."""
    table = pkg.table(name)
    rows = []
    for f in table.fields:
        cons = dict(f.get("constraints", {}))
        required = cons.pop("required", False) or f["name"] in table.primary_key
        rule = "; ".join(
            f"one of {', '.join(map(str, v))}" if k == "enum" else f"{k} {v}"
            for k, v in cons.items()
        )
        rows.append(
            {
                "field": f["name"],
                "type": f.get("type", "string"),
                "unit": f.get("unit", ""),
                "required": "yes" if required else "",
                "description": f.get("description", ""),
                "rules": rule,
                "key": "yes" if f["name"] in table.primary_key else "",
            }
        )
    return pd.DataFrame(rows)


def dictionary_html(pkg: Package, name: str, rows: int, show_rules: bool) -> str:
    """One table's entry in the data dictionary."""
    table = pkg.table(name)
    columns = {
        "field": "Field",
        "type": "Type",
        "unit": "Unit",
        "required": "Required",
        "key": "Key",
        "description": "Description",
    }
    if show_rules:
        columns["rules"] = "Rules"
    file = table.path.name
    head = (
        f'<h3 id="table-{html.escape(name)}">{html.escape(table.title)} '
        f"<code>{html.escape(file)}</code></h3>"
        f"<p>{html.escape(table.description)}</p>"
        f'<p>{rows} rows · <a href="../data/{html.escape(file)}" download>download the CSV</a>'
        + (
            f" · used in {', '.join(CHAPTER_TITLES.get(c, c) for c in table.chapters)}"
            if table.chapters
            else ""
        )
        + "</p>"
    )
    return head + table_html(fields_frame(pkg, name), columns, caption=f"Fields of {file}")


def row_counts_chart(counts: pd.DataFrame) -> alt.Chart:
    """Rows per table."""
    return (
        alt.Chart(counts)
        .mark_bar(color="#56B4E9")
        .encode(
            y=alt.Y("table:N", title=None, sort="-x"),
            x=alt.X("rows:Q", title="Rows"),
            tooltip=[
                alt.Tooltip("table:N", title="Table"),
                alt.Tooltip("rows:Q", title="Rows"),
                alt.Tooltip("sources:Q", title="Distinct sources cited"),
            ],
        )
        .properties(
            width="container",
            height=max(200, 18 * len(counts)),
            title=alt.Title("The data package", subtitle="Rows per table"),
            description="Horizontal bar chart of the number of rows in each table of the data package.",
        )
    )
