"""What a chapter notebook calls: one setup line, then small display helpers.

``ch = setup("infrastructure", globals())`` right after the parameters cell checks the
parameters against the notebook's declaration, points the data loader at ``data_dir``,
enables the chart theme and renderer, and shows the collapsed "How this chapter was run" note
(the book moves it below the chapter's key figures).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
from IPython.display import HTML, display

from report import data, paths
from report.build import params, toc
from report.data.sourcing import KIND_RANK, all_ids, grade_label
from report.publish import takeaway
from report.show import charts, figures
from report.show.tables import link

VERDICTS = ["supported", "partly supported", "outdated", "unsupported", "not verifiable"]


@dataclass
class Chapter:
    """A running chapter: its parameters, its data, and the sources it used."""

    name: str
    values: dict[str, Any]
    defaults: dict[str, params.Param]
    data_dir: Path
    loaded: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def edition(self) -> pd.Timestamp:
        """The edition date of the data package in use."""
        return pd.Timestamp(data.edition(self.data_dir))

    @property
    def sources(self) -> pd.DataFrame:
        """The sources table."""
        return self.load("sources")

    def load(self, name: str) -> pd.DataFrame:
        """Load a table through the data package and remember it for the sources list."""
        if name not in self.loaded:
            self.loaded[name] = data.load(name, self.data_dir)
        return self.loaded[name].copy()

    def figure(
        self,
        chart: alt.TopLevelMixin,
        label: str,
        drawn: pd.DataFrame | Iterable[pd.DataFrame],
        tables: Iterable[str],
        note: str | None = None,
    ) -> alt.TopLevelMixin:
        """Caption a chart with the sources of the rows it draws (see ``charts.figure``)."""
        return charts.figure(
            chart, label=label, drawn=drawn, sources=self.sources, tables=tables, note=note
        )

    def cited(self) -> pd.DataFrame:
        """Every source cited by a row of a table this chapter loaded, strongest kind first."""
        ids: list[str] = []
        for name, frame in self.loaded.items():
            if name == "sources":
                continue
            for col in [c for c in frame.columns if str(c).endswith("source_id")]:
                ids += all_ids(frame[col])
        src = self.sources
        used = src[src["source_id"].isin(set(ids))].copy()
        used["_rank"] = used["kind"].map(KIND_RANK)
        return used.sort_values(["_rank", "published", "source_id"]).drop(columns="_rank")


def _fmt_value(value: Any) -> str:
    if value == "":
        return "(empty)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def params_note_html(chapter: Chapter) -> str:
    """The chapter's parameters, collapsed under "How this chapter was run".

    A ``<details>`` element, closed by default; its summary names any parameter that differs
    from the notebook's default, so a non-default edition is visible without opening it.
    """
    rows = []
    changed_names = []
    for name, spec in chapter.defaults.items():
        value = chapter.values[name]
        changed = value != spec.default
        if changed:
            changed_names.append(f"{name} = {_fmt_value(value)}")
        mark = (
            f' <span class="report-param-changed">changed; default {html.escape(_fmt_value(spec.default))}</span>'
            if changed
            else ""
        )
        rows.append(
            f"<li><code>{html.escape(name)}</code> = <strong>{html.escape(_fmt_value(value))}</strong>"
            f'{mark} <span class="report-param-help">{html.escape(spec.help)}</span></li>'
        )
    edition = figures.date(chapter.edition)
    if changed_names:
        state = (
            '<span class="report-param-changed">not the defaults: '
            f"{html.escape('; '.join(changed_names))}</span>"
        )
    else:
        state = '<span class="report-params-state">default parameters</span>'
    return (
        '<aside class="report-params" aria-label="How this chapter was run">'
        '<details class="report-params-details"><summary>'
        f'<span class="report-params-title">How this chapter was run</span> · data edition of {edition} · {state}'
        "</summary>"
        f"<p>Parameters of this edition (change one with <code>python -m report build --param {html.escape(chapter.name)}.NAME=VALUE</code>):</p>"
        f"<ul>{''.join(rows)}</ul></details></aside>"
    )


def setup(name: str, namespace: dict[str, Any]) -> Chapter:
    """Start a chapter: check parameters, point at the data, enable charts, show the note."""
    source = toc.notebook(name, paths.ROOT)
    declared = params.declared(source)
    values = {}
    for pname, spec in declared.items():
        if pname not in namespace:
            raise params.ParameterError(f"{name}: parameter {pname!r} is declared but not set")
        values[pname] = params.check_value(name, spec, namespace[pname], "notebook")
    data_dir = Path(values.get("data_dir") or data.resolve_dir()).resolve()
    # Chapters may read only the tables declared for them; appendix pages describe them all.
    data.use(data_dir, chapter=name if source.parent.name == "chapters" else None)
    chapter = Chapter(name=name, values=values, defaults=declared, data_dir=data_dir)
    charts.enable(after_caption=takeaway.link_row(paths.ROOT, source, name, chapter.edition))
    display(HTML(params_note_html(chapter)))
    return chapter


def sources_html(chapter: Chapter) -> str:
    """The chapter's source list: every page cited by the rows it loaded, folded away.

    The list sits in a closed ``<details>`` whose summary gives its count and grades
    (a chapter's list runs to hundreds of entries, a third of its page when open); it opens
    on demand, and the book's script opens it when a link points into it.
    """
    used = chapter.cited()
    items = []
    for _, row in used.iterrows():
        when = figures.date(row["published"]) if pd.notna(row["published"]) else "undated"
        items.append(
            f'<li id="src-{html.escape(row["source_id"], quote=True)}">'
            f"{link(row['url'], row['title'])}. {html.escape(row['publisher'])}, {when} "
            f'<span class="report-source-kind">({grade_label(row["kind"], row.get("seen", "direct"))})</span></li>'
        )
    count = len(items)
    noun = "page" if count == 1 else "pages"
    return (
        '<details class="report-fold report-sources-fold">'
        f'<summary>The <span class="report-sources-count">{count}</span> {noun} this '
        "chapter's rows cite, each with its grade (open the list)</summary>"
        f'<ol class="report-sources">{"".join(items)}</ol></details>'
    )


def show(html_text: str) -> None:
    """Display an HTML fragment (the cell's one display)."""
    display(HTML(html_text))
